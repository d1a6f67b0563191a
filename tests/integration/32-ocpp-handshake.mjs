#!/usr/bin/env node
// 32-ocpp-handshake.mjs — who gets a WebSocket: the identity from the
// path, the ocpp1.6 subprotocol, registered charge points only when
// allow_unknown_cps = no, and the takeover of a duplicate identity.
// Every refusal is an HTTP status at the handshake.
import {
	check, checkEq, cpId, done, handshakeStatus, ocppClient, ownPort, q,
	rawClient, rawHandshake, sql, sqlValue, startOcppd, test, until, env,
} from '../node/lib.mjs';

const connected = (id) => sqlValue(`SELECT connected FROM charge_points WHERE id = ${q(id)}`);

// Subprotocol negotiation.
await test('subprotocol_list_picks_ocpp16', async () => {
	const r = await handshakeStatus(`/${cpId('sp1')}`, ['ocpp0.1', 'ocpp1.6']);
	checkEq('subprotocol_list_status', r, { status: 101, protocol: 'ocpp1.6' });
});
checkEq('subprotocol_list_with_spaces', await rawHandshake(`/${cpId('sp2')}`,
	{ 'Sec-WebSocket-Protocol': 'ocpp0.1, ocpp1.6' }), 101);
checkEq('subprotocol_only_other_versions_refused',
	(await handshakeStatus(`/${cpId('sp3')}`, ['ocpp2.0', 'ocpp1.5'])).status, 400);
checkEq('subprotocol_missing_refused',
	(await handshakeStatus(`/${cpId('sp4')}`, null)).status, 400);
checkEq('subprotocol_missing_refused_raw', await rawHandshake(`/${cpId('sp5')}`,
	{ 'Sec-WebSocket-Protocol': null }), 400);

// Identities.
checkEq('identity_empty_refused', await rawHandshake('/'), 400);
checkEq('identity_51_chars_refused', await rawHandshake(`/${'x'.repeat(51)}`), 400);
checkEq('identity_control_char_refused', await rawHandshake(`/${cpId('ctl')}%01`), 400);
checkEq('identity_invalid_utf8_refused', await rawHandshake(`/${cpId('u8')}%FF`), 400);
checkEq('plain_http_refused', await rawHandshake(`/${cpId('http')}`,
	{ Upgrade: null, Connection: null, 'Sec-WebSocket-Key': null }), 400);
// The load balancer's health check (haproxy/ocpp.cfg): on the OCPP port,
// answered while the node takes charge points, whatever the database does.
const health = await fetch(`${env.ocppUrl.replace(/^ws/, 'http')}/healthz`);
checkEq('healthz_200_while_accepting', health.status, 200);

// lws splits a path at a literal ';' or '&' and joined the parts with
// ',': "/X;1" and "/X,1" were one charge point.  Refused now; encoded,
// ';' is kept as it is.
checkEq('identity_literal_semicolon_refused', await rawHandshake(`/${cpId('semi')};1`), 400);
checkEq('identity_literal_ampersand_refused', await rawHandshake(`/${cpId('amp')}&1`), 400);

async function acceptedAs(path, expectedId) {
	const ws = await rawClient('', { path });
	const ok = await until(() => connected(expectedId) === '1');
	ws.close();
	await ws.closed;
	return ok;
}

await test('identity_50_chars_accepted', async () => {
	const id = `${cpId('L')}_`.padEnd(50, 'y');
	if (!await acceptedAs(`/${id}`, id)) throw new Error('not connected');
});
await test('identity_trailing_slash_tolerated', async () => {
	const id = cpId('slash');
	if (!await acceptedAs(`/${id}/`, id)) throw new Error('not connected');
});
await test('identity_percent_decoded', async () => {
	const id = `${cpId('pct')} Ladesäule`;
	if (!await acceptedAs(`/${encodeURIComponent(id)}`, id)) throw new Error('not connected');
});
await test('identity_encoded_semicolon_kept_literally', async () => {
	const semi = `${cpId('sc')};1`, comma = `${cpId('sc')},1`;
	if (!await acceptedAs(`/${encodeURIComponent(semi)}`, semi)) throw new Error('; identity not stored literally');
	if (!await acceptedAs(`/${comma}`, comma)) throw new Error(', identity not stored');
	checkEq('semicolon_and_comma_two_rows', sqlValue(`SELECT COUNT(*) FROM charge_points WHERE id IN (${q(semi)}, ${q(comma)})`), '2');
});
await test('identity_is_last_segment_query_ignored', async () => {
	const id = cpId('seg');
	if (!await acceptedAs(`/ocpp/ws/${id}?token=abc`, id)) throw new Error('not connected');
});

const vendor = (id) => sqlValue(`SELECT vendor FROM charge_points WHERE id = ${q(id)}`);
const boot = (v) => JSON.stringify([2, `b-${v}`, 'BootNotification', { chargePointVendor: v, chargePointModel: 'M' }]);

// A second connection with a connected identity (duplicate_identity =
// probe, the default): the existing link is pinged; a live one keeps the
// identity and the newcomer is closed with 1008 before anything it sent
// is read — it cannot cut the charge point off or rewrite its vendor.
await test('duplicate_identity_live_link_kept', async () => {
	const id = cpId('dup');
	const first = await rawClient(id);
	const b = await first.call(boot('Real'));
	check('dup_first_booted', Array.isArray(b) && b[0] === 3, JSON.stringify(b));
	const second = await rawClient(id);
	second.send(boot('Evil'));
	const c = await second.closed;
	checkEq('dup_newcomer_closed_1008', [c.code, c.reason], [1008, 'identity already connected']);
	const r = await first.call(JSON.stringify([2, 'd1', 'Heartbeat', {}]));
	check('dup_live_link_still_answers', Array.isArray(r) && r[0] === 3 && r[1] === 'd1', JSON.stringify(r));
	await first.call(JSON.stringify([2, 'd2', 'StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available' }]));
	checkEq('dup_vendor_not_overwritten', vendor(id), 'Real');
	checkEq('dup_still_connected', connected(id), '1');
	first.close();
	await first.closed;
	check('dup_disconnected_after_last_close', await until(() => connected(id) === '0'));
});

// A half-open link (a charger that rebooted before we noticed its old
// socket died) does not answer the ping: after takeover_probe_timeout the
// newcomer replaces it, and what it sent meanwhile is answered.
await test('duplicate_identity_half_open_link_replaced', async () => {
	const id = cpId('half');
	const first = await rawClient(id);
	await first.call(boot('Old'));
	first._socket.pause(); // reads nothing: no pong
	const second = await rawClient(id);
	const t0 = Date.now();
	const b = await second.call(boot('New'), 15000);
	check('half_open_newcomer_answered', Array.isArray(b) && b[0] === 3 && b[1] === 'b-New', JSON.stringify(b));
	check('half_open_waited_for_the_probe', Date.now() - t0 >= 4000, `${Date.now() - t0} ms`);
	checkEq('half_open_vendor_is_the_newcomers', await until(() => vendor(id) === 'New' && 'New'), 'New');
	checkEq('half_open_still_connected', connected(id), '1');
	first._socket.resume();
	const c = await first.closed;
	checkEq('half_open_old_closed_normal', c.code, 1000);
	second.close();
	await second.closed;
	check('half_open_disconnected_after_last_close', await until(() => connected(id) === '0'));
});

// duplicate_identity = replace: the old behaviour, newest wins at once.
await test('duplicate_identity_replace_instance', async () => {
	const d = await startOcppd({ CSMS_OCPP_PORT: ownPort(50), CSMS_DUPLICATE_IDENTITY: 'replace' }, '32-replace');
	try {
		const id = cpId('repl');
		const first = await rawClient(id, { url: d.url });
		await until(() => connected(id) === '1');
		const second = await rawClient(id, { url: d.url });
		const c = await first.closed;
		checkEq('replace_old_closed_normal', c.code, 1000);
		const r = await second.call(JSON.stringify([2, 'r1', 'Heartbeat', {}]));
		check('replace_new_link_answers', Array.isArray(r) && r[0] === 3, JSON.stringify(r));
		second.close();
	} finally {
		await d.stop();
	}
});

// accept_missing_subprotocol = yes: a charger without the header is
// served as 1.6 (and nothing is echoed, as it offered nothing).
await test('accept_missing_subprotocol_instance', async () => {
	const d = await startOcppd({ CSMS_OCPP_PORT: ownPort(42), CSMS_ACCEPT_MISSING_SUBPROTOCOL: 'yes' }, '32-missing');
	try {
		const r = await handshakeStatus(`/${cpId('nosp')}`, null, { url: d.url });
		checkEq('missing_subprotocol_accepted', r, { status: 101, protocol: '' });
		checkEq('other_versions_still_refused',
			(await handshakeStatus(`/${cpId('nosp2')}`, ['ocpp2.0'], { url: d.url })).status, 400);
		const ws = await rawClient(cpId('nosp3'), { url: d.url, protocols: null });
		const a = await ws.call(JSON.stringify([2, 'm1', 'Heartbeat', {}]));
		check('missing_subprotocol_link_answers', Array.isArray(a) && a[0] === 3, JSON.stringify(a));
		ws.close();
	} finally {
		await d.stop();
	}
});

// allow_unknown_cps = no: registered charge points only, 404 otherwise.
await test('unknown_charge_points_refused_instance', async () => {
	const known = cpId('known');
	sql(`INSERT IGNORE INTO charge_points (id) VALUES (${q(known)})`);
	const d = await startOcppd({ CSMS_OCPP_PORT: ownPort(43), CSMS_ALLOW_UNKNOWN_CPS: 'no' }, '32-known');
	try {
		checkEq('unknown_cp_404', (await handshakeStatus(`/${cpId('stranger')}`, ['ocpp1.6'], { url: d.url })).status, 404);
		checkEq('known_cp_accepted', (await handshakeStatus(`/${known}`, ['ocpp1.6'], { url: d.url })).status, 101);
		checkEq('unknown_cp_not_registered', sqlValue(`SELECT COUNT(*) FROM charge_points WHERE id = ${q(cpId('stranger'))}`), '0');
		const cli = await ocppClient(known, { url: d.url });
		const b = await cli.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
		checkEq('known_cp_boot_accepted', b.status, 'Accepted');
		await cli.close();
	} finally {
		await d.stop();
	}
});

// A busy port: one line, exit status 1, and nothing touched.
await test('port_in_use_one_line', async () => {
	const { spawnSync } = await import('node:child_process');
	const port = new URL(env.ocppUrl).port;
	const childEnv = { ...process.env, CSMS_OCPP_PORT: port };
	delete childEnv.CSMS_CONF;
	const r = spawnSync(`${env.bin}/ocppd`, ['-c', env.conf], { env: childEnv, encoding: 'utf8', timeout: 20000 });
	const lines = r.stderr.split('\n').filter((l) => l);
	checkEq('port_in_use_exit_1', r.status, 1);
	check('port_in_use_message', lines.length === 1 && /^ocppd: cannot listen on [0-9.]+:\d+: Address already in use$/.test(lines[0]),
		JSON.stringify(r.stderr));
});

done();
