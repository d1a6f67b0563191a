#!/usr/bin/env node
// 81-api-commands.mjs — changing things through the REST API: commands to
// charge points (POST /cps/{id}/commands/{action}), their history, and id
// tags (POST/PUT/DELETE /users), all forwarded to ocppd's control socket.
//
// cpsim is the charge point that reacts (a transaction appears, it
// reboots, a connector goes Unavailable); a raw WebSocket plays the one
// that never answers; the api binary run as plain CGI shows the auth rule
// (CSMS_REQUIRE_AUTH) and an unreachable ocppd.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import {
	check, checkEq, cpId, done, env, ocppClient, q, rawClient, sql, sqlValue, test, until,
} from '../node/lib.mjs';

const API = `${env.httpUrl}/cgi-bin/api`;
const tag = (t) => `T81${process.pid % 1000}${t}`.slice(0, 20);

async function call(method, path, body, { raw } = {}) {
	const init = { method, redirect: 'manual' };
	if (body !== undefined) {
		init.body = raw ? body : JSON.stringify(body);
		init.headers = { 'Content-Type': 'application/json' };
	}
	const r = await fetch(API + path, init);
	const text = await r.text();
	let json;
	try { json = JSON.parse(text); } catch { json = undefined; }
	return { status: r.status, headers: r.headers, json, text };
}
// Commands are asynchronous: ?wait=5 asks for the outcome within 5 s,
// which a live cpsim gives in milliseconds.
const cmd = (cp, action, body, query = '?wait=5') =>
	call('POST', `/cps/${encodeURIComponent(cp)}/commands/${action}${query}`, body);

function expect(cond, why) {
	if (!cond) throw new Error(typeof why === 'function' ? why() : why);
}

// ---- id tags ------------------------------------------------------------
const T1 = tag('A');
await test('tag_create_update_delete_take_effect_on_next_authorize', async () => {
	const cp = await ocppClient(cpId('auth'));
	const auth = async (t) => (await cp.call('Authorize', { idTag: t })).idTagInfo;
	checkEq('api_tag_unknown_first', (await auth(T1)).status, 'Invalid');
	const c = await call('POST', '/users', { id_tag: T1, name: 'Alice' });
	checkEq('api_tag_created', [c.status, c.json?.id_tag, c.json?.name, c.json?.status], [201, T1, 'Alice', 'Accepted']);
	checkEq('api_tag_accepted', (await auth(T1)).status, 'Accepted');
	const dup = await call('POST', '/users', { id_tag: T1.toLowerCase() });
	checkEq('api_tag_exists_409', [dup.status, dup.json?.error?.code], [409, 'exists']);
	const b = await call('PUT', `/users/${T1}`, { status: 'Blocked' });
	checkEq('api_tag_blocked', [b.status, b.json?.status, b.json?.name], [200, 'Blocked', 'Alice']);
	checkEq('api_tag_blocked_next_authorize', (await auth(T1)).status, 'Blocked');
	const p = await call('PUT', `/users/${T1}`, { status: 'Accepted', parent_id_tag: 'PARENT1' });
	checkEq('api_tag_parent', [p.status, p.json?.parent_id_tag], [200, 'PARENT1']);
	checkEq('api_tag_parent_in_authorize', (await auth(T1)).parentIdTag, 'PARENT1');
	const bad = await call('PUT', `/users/${T1}`, { status: 'Open' });
	checkEq('api_tag_bad_status_400', [bad.status, bad.json?.error?.code, bad.json?.error?.field], [400, 'invalid_params', 'status']);
	const bd = await call('POST', '/users', { id_tag: T1, expiry_date: 'tomorrow' });
	checkEq('api_tag_bad_date_names_field', [bd.status, bd.json?.error?.parameter], [400, 'expiry_date']);
	const mism = await call('PUT', `/users/${T1}`, { id_tag: 'OTHER', status: 'Blocked' });
	checkEq('api_tag_path_body_mismatch', [mism.status, mism.json?.error?.parameter], [400, 'id_tag']);
	const d = await call('DELETE', `/users/${T1}`);
	checkEq('api_tag_deleted', [d.status, d.json], [200, { id_tag: T1, deleted: true }]);
	checkEq('api_tag_deleted_invalid', (await auth(T1)).status, 'Invalid');
	checkEq('api_tag_delete_unknown_404', (await call('DELETE', `/users/${T1}`)).status, 404);
	checkEq('api_tag_update_unknown_404', (await call('PUT', `/users/${T1}`, { status: 'Blocked' })).status, 404);
	const list = await call('GET', '/users');
	checkEq('api_tag_gone_from_list', list.json.items.some((u) => u.id_tag === T1), false);
	await cp.close();
});

await test('body_rules', async () => {
	const nj = await call('POST', '/users', 'not json', { raw: true });
	checkEq('body_not_json_400', [nj.status, nj.json?.error?.code], [400, 'invalid_body']);
	const arr = await call('POST', '/users', [1]);
	checkEq('body_array_400', nj.status === 400 && arr.json?.error?.code, 'invalid_body');
	const big = await call('POST', '/users', { id_tag: 'X', name: 'n'.repeat(70000) });
	checkEq('body_too_large_413', [big.status, big.json?.error?.code], [413, 'body_too_large']);
	const get = await call('GET', '/users/ABC');
	checkEq('users_one_get_405', [get.status, get.headers.get('allow')], [405, 'PUT, DELETE, OPTIONS']);
	const opt = await call('OPTIONS', '/users');
	checkEq('users_options', [opt.status, opt.headers.get('allow')], [204, 'GET, HEAD, POST, OPTIONS']);
});

// ---- commands: errors before anything reaches a charge point -------------
const OFF = cpId('off');
sql(`INSERT INTO charge_points (id, vendor, connected) VALUES (${q(OFF)}, 'Off', 0)`);

await test('command_errors', async () => {
	const u = await cmd(cpId('nobody'), 'Reset', { type: 'Soft' });
	checkEq('unknown_cp_404', [u.status, u.json?.error?.code], [404, 'not_found']);
	const o = await cmd(OFF, 'Reset', { type: 'Soft' });
	checkEq('offline_cp_409', [o.status, o.json?.error?.code], [409, 'cp_offline']);
	const i = await cmd(OFF, 'Reset', { type: 'Bogus' });
	checkEq('invalid_params_400_field', [i.status, i.json?.error?.code, i.json?.error?.field, i.json?.error?.parameter],
		[400, 'invalid_params', 'type', 'type']);
	const a = await cmd(OFF, 'tag_delete', { id_tag: 'X' });
	checkEq('not_a_command_404', [a.status, a.json?.error?.code], [404, 'unknown_action']);
	const g = await call('GET', `/cps/${OFF}/commands/Reset`);
	checkEq('get_on_command_405', [g.status, g.headers.get('allow')], [405, 'POST, OPTIONS']);
	const nc = await call('GET', '/commands/cs-0-0');
	checkEq('unknown_command_404', [nc.status, nc.json?.error?.code], [404, 'not_found']);
	const t = await cmd(OFF, 'Reset', { type: 'Soft' }, '?timeout=0');
	checkEq('timeout_param_bounded', [t.status, t.json?.error?.parameter], [400, 'timeout']);
	const w = await cmd(OFF, 'Reset', { type: 'Soft' }, '?wait=11');
	checkEq('wait_param_bounded', [w.status, w.json?.error?.parameter], [400, 'wait']);
	const h = await call('GET', `/cps/${cpId('nobody')}/commands`);
	checkEq('history_unknown_cp_404', h.status, 404);
});

// ---- commands: cpsim round trips ----------------------------------------
const SIM = cpId('sim');
const simTag = tag('S');
checkEq('sim_tag_added', (await call('POST', '/users', { id_tag: simTag })).status, 201);
const sim = spawn(`${env.bin}/cpsim`, ['--sessions', '0', '--connectors', '2', '--quiet',
	`${env.ocppUrl}/${SIM}`], { stdio: ['ignore', 'ignore', fs.openSync(`${env.out}/81-cpsim.log`, 'a')] });
const simUp = () => sqlValue(`SELECT connected FROM charge_points WHERE id = ${q(SIM)}`) === '1';

await test('cpsim_up', async () => {
	expect(await until(simUp, 10000, 50), 'cpsim never connected');
	// Its BootNotification is answered before connected is written? no:
	// wait until a command gets through rather than guessing.
	expect(await until(async () => (await cmd(SIM, 'ClearCache', {})).status === 200, 5000, 100), 'no command got through');
});

await test('get_and_change_configuration', async () => {
	const g = await cmd(SIM, 'GetConfiguration', { key: ['HeartbeatInterval'] });
	checkEq('get_configuration', [g.status, g.json?.action, g.json?.result?.configurationKey?.map((k) => k.key)],
		[200, 'GetConfiguration', ['HeartbeatInterval']]);
	const c = await cmd(SIM, 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '90' });
	checkEq('change_configuration', [c.status, c.json?.result], [200, { status: 'Accepted' }]);
	const r = await cmd(SIM, 'ChangeConfiguration', { key: 'NumberOfConnectors', value: '3' });
	checkEq('business_refusal_is_200', [r.status, r.json?.result], [200, { status: 'Rejected' }]);
	// cpsim does not do firmware updates: a CALLERROR NotSupported.
	const ns = await cmd(SIM, 'UpdateFirmware', { location: 'https://example.com/fw.bin', retrieveDate: '2030-01-01T00:00:00Z' });
	checkEq('callerror_in_outcome', [ns.status, ns.json?.status, ns.json?.error?.code], [200, 'callerror', 'NotSupported']);
});

await test('remote_start_then_remote_stop', async () => {
	const r = await cmd(SIM, 'RemoteStartTransaction', { idTag: simTag, connectorId: 1 });
	checkEq('remote_start_200', [r.status, r.json?.result], [200, { status: 'Accepted' }]);
	const tx = await until(() => sqlValue(`SELECT id FROM transactions WHERE cp_id = ${q(SIM)}
		AND id_tag = ${q(simTag)} AND stop_ts IS NULL`), 10000, 50);
	expect(tx, 'no open transaction after RemoteStartTransaction');
	const s = await cmd(SIM, 'RemoteStopTransaction', { transactionId: Number(tx) });
	checkEq('remote_stop_200', [s.status, s.json?.result], [200, { status: 'Accepted' }]);
	const reason = await until(() => sqlValue(`SELECT stop_reason FROM transactions WHERE id = ${tx}
		AND stop_ts IS NOT NULL`), 10000, 50);
	checkEq('remote_stop_stopped', reason, 'Remote');
});

await test('change_availability_unavailable', async () => {
	const r = await cmd(SIM, 'ChangeAvailability', { connectorId: 2, type: 'Inoperative' });
	checkEq('change_availability_200', [r.status, r.json?.result], [200, { status: 'Accepted' }]);
	const st = await until(() => sqlValue(`SELECT status FROM connectors WHERE cp_id = ${q(SIM)}
		AND connector_id = 2 AND status = 'Unavailable'`), 10000, 50);
	checkEq('connector_unavailable', st, 'Unavailable');
});

await test('unlock_and_trigger', async () => {
	checkEq('unlock', (await cmd(SIM, 'UnlockConnector', { connectorId: 1 })).json?.result, { status: 'Unlocked' });
	checkEq('trigger', (await cmd(SIM, 'TriggerMessage', { requestedMessage: 'Heartbeat' })).json?.result, { status: 'Accepted' });
});

await test('reset_reconnects_and_boots_again', async () => {
	const before = sqlValue(`SELECT last_boot FROM charge_points WHERE id = ${q(SIM)}`);
	const r = await cmd(SIM, 'Reset', { type: 'Soft' });
	checkEq('reset_200', [r.status, r.json?.result], [200, { status: 'Accepted' }]);
	const after = await until(() => {
		const v = sqlValue(`SELECT last_boot FROM charge_points WHERE id = ${q(SIM)}`);
		return v && v !== before ? v : null;
	}, 15000, 100);
	expect(after, `last_boot still ${before}`);
});

await test('history_newest_first_with_requested_by', async () => {
	const done_ = await until(() => sqlValue(`SELECT COUNT(*) = 0 FROM commands WHERE cp_id = ${q(SIM)}
		AND finished_at IS NULL`) === '1', 5000, 50);
	expect(done_, 'commands still pending');
	const h = await call('GET', `/cps/${SIM}/commands?per_page=3`);
	expect(h.status === 200, `status ${h.status}: ${h.text.slice(0, 200)}`);
	checkEq('history_page', [h.json.page, h.json.per_page, h.json.items.length], [1, 3, 3]);
	check('history_total', h.json.total >= 10, `total ${h.json.total}`);
	checkEq('history_newest_first', h.json.items[0].action, 'Reset');
	checkEq('history_status', h.json.items[0].status, 'Accepted');
	checkEq('history_params_json', h.json.items[0].params, { type: 'Soft' });
	checkEq('history_requested_by', h.json.items[0].requested_by, 'anonymous@127.0.0.1');
	const all = await call('GET', `/cps/${SIM}/commands?per_page=100`);
	const got = all.json.items.map((c) => `${c.action}:${c.status}`);
	for (const want of ['RemoteStartTransaction:Accepted', 'RemoteStopTransaction:Accepted',
		'ChangeAvailability:Accepted', 'UpdateFirmware:callerror', 'GetConfiguration:answered'])
		expect(got.includes(want), `no ${want} in ${got.join(' ')}`);
	const ids = all.json.items.map((c) => c.id);
	checkEq('history_ids_descending', ids, [...ids].sort((a, b) => b - a));
	const p2 = await call('GET', `/cps/${SIM}/commands?per_page=3&page=2`);
	checkEq('history_page_2', p2.json.items[0].id, h.json.items.length === 3 ? all.json.items[3].id : null);
	checkEq('history_bad_page', (await call('GET', `/cps/${SIM}/commands?page=0`)).json?.error?.parameter, 'page');
});
sim.kill('SIGINT');

// ---- a charge point that never answers: the web tier does not wait ------
await test('silent_cp_async', async () => {
	const id = cpId('silent');
	const ws = await rawClient(id);
	const boot = await ws.call(JSON.stringify([2, 'b1', 'BootNotification', { chargePointVendor: 'v', chargePointModel: 'm' }]));
	expect(boot?.[2]?.status === 'Accepted', `boot ${JSON.stringify(boot)}`);
	await until(() => sqlValue(`SELECT connected FROM charge_points WHERE id = ${q(id)}`) === '1', 5000, 20);
	// Queued at once: 202, the pending row, where to poll it.
	const r = await cmd(id, 'ClearCache', {}, '?timeout=2');
	checkEq('async_202_pending', [r.status, r.json?.status, r.json?.command?.status, r.json?.command?.action],
		[202, 'pending', 'pending', 'ClearCache']);
	const loc = r.headers.get('location');
	check('async_location_is_poll_url', loc && loc === r.json?.poll
		&& loc === `/cgi-bin/api/commands/${r.json?.command?.uid}`, `location ${loc}, poll ${r.json?.poll}`);
	const sent = await ws.next(2000);
	checkEq('async_call_was_sent', sent?.[2], 'ClearCache');
	const p = await fetch(`${env.httpUrl}${loc}`);
	const pj = await p.json();
	checkEq('poll_pending', [p.status, pj.status, pj.cp_id, pj.command?.uid], [200, 'pending', id, r.json?.command?.uid]);
	// The command's own limit runs out in ocppd; the poll shows it.
	const out = await until(async () => {
		const j = await (await fetch(`${env.httpUrl}${loc}`)).json();
		return j.status !== 'pending' ? j : null;
	}, 10000, 200);
	checkEq('poll_timeout_outcome', [out?.status, out?.error?.code, !!out?.command?.finished_at], ['timeout', 'timeout', true]);
	// ?wait= is bounded by the command: no outcome in 1 s is still a 202.
	const t0 = Date.now();
	const w = await cmd(id, 'ClearCache', {}, '?timeout=30&wait=1');
	const took = Date.now() - t0;
	checkEq('wait_then_202', [w.status, w.json?.status], [202, 'pending']);
	check('wait_took_about_1s', took >= 900 && took < 8000, `${took} ms`);
	ws.close();
});

// Ten commands to a charge point that never answers hold no FastCGI
// process: /health and a dashboard page answer meanwhile, quickly.
await test('ten_commands_to_a_silent_cp_freeze_nothing', async () => {
	const id = cpId('mute');
	const ws = await rawClient(id);
	await ws.call(JSON.stringify([2, 'b1', 'BootNotification', { chargePointVendor: 'v', chargePointModel: 'm' }]));
	await until(() => sqlValue(`SELECT connected FROM charge_points WHERE id = ${q(id)}`) === '1', 5000, 20);
	const t0 = Date.now();
	const all = await Promise.all(Array.from({ length: 10 }, () =>
		cmd(id, 'ClearCache', {}, '?timeout=120')));
	const tookAll = Date.now() - t0;
	checkEq('ten_all_202', all.map((r) => r.status), Array(10).fill(202));
	check('ten_answered_soon', tookAll < 20000, `${tookAll} ms for ten commands (each may wait 120 s)`);
	// The commands are still waiting in ocppd, and the web tier is free.
	checkEq('ten_still_pending', sqlValue(`SELECT COUNT(*) FROM commands WHERE cp_id = ${q(id)}
		AND status = 'pending'`), '10');
	const h0 = Date.now();
	const h = await fetch(`${env.httpUrl}/cgi-bin/api/health`);
	const hTook = Date.now() - h0;
	check('health_fast_meanwhile', h.status === 200 && hTook < 5000, `status ${h.status} in ${hTook} ms`);
	const d0 = Date.now();
	const d = await fetch(`${env.httpUrl}/cgi-bin/dashboard/tags`);
	const dTook = Date.now() - d0;
	check('dashboard_fast_meanwhile', d.status === 200 && dTook < 5000, `status ${d.status} in ${dTook} ms`);
	ws.close();
});

// ---- the api binary as plain CGI: auth rule, ocppd unreachable ----------
function cgi(method, path, body, extraEnv = {}) {
	const r = spawnSync(`${env.bin}/api`, [], {
		env: {
			PATH: process.env.PATH, CSMS_CONF: env.conf, GATEWAY_INTERFACE: 'CGI/1.1',
			REQUEST_METHOD: method, SCRIPT_NAME: '/cgi-bin/api', PATH_INFO: path,
			QUERY_STRING: '', CONTENT_LENGTH: String(Buffer.byteLength(body || '')),
			CONTENT_TYPE: 'application/json', REMOTE_ADDR: '127.0.0.1', ...extraEnv,
		},
		input: body || '', encoding: 'utf8', timeout: 20000,
	});
	const out = r.stdout || '';
	const split = out.indexOf('\r\n\r\n');
	const status = Number(/^Status: (\d+)/m.exec(out)?.[1]);
	let json;
	try { json = JSON.parse(out.slice(split + 4)); } catch { json = undefined; }
	return { status, json, head: out.slice(0, split) };
}

await test('auth_required_refuses_anonymous_changes', async () => {
	const count = () => sqlValue(`SELECT COUNT(*) FROM commands WHERE cp_id = ${q(OFF)}`);
	const before = count();
	const a = cgi('POST', `/cps/${OFF}/commands/Reset`, '{"type":"Soft"}', { CSMS_REQUIRE_AUTH: '1' });
	checkEq('anonymous_401', [a.status, a.json?.error?.code], [401, 'unauthorized']);
	check('anonymous_401_challenge', /WWW-Authenticate: Basic/.test(a.head), a.head);
	checkEq('anonymous_nothing_sent', count(), before);
	const t = cgi('POST', '/users', `{"id_tag":"${tag('Z')}"}`, { CSMS_REQUIRE_AUTH: '1' });
	checkEq('anonymous_tag_add_401', t.status, 401);
	checkEq('anonymous_tag_not_added', sqlValue(`SELECT COUNT(*) FROM users WHERE id_tag = ${q(tag('Z'))}`), '0');
	const g = cgi('GET', `/cps/${OFF}`, '', { CSMS_REQUIRE_AUTH: '1' });
	checkEq('anonymous_reads_fine', g.status, 200);
	sql("INSERT INTO web_users (user, role) VALUES ('alice', 'operator') ON DUPLICATE KEY UPDATE role = 'operator'");
	const u = cgi('POST', `/cps/${OFF}/commands/Reset`, '{"type":"Soft"}', { CSMS_REQUIRE_AUTH: '1', REMOTE_USER: 'alice' });
	checkEq('authenticated_passes', [u.status, u.json?.error?.code], [409, 'cp_offline']);
	const who = await until(() => sqlValue(`SELECT requested_by FROM commands WHERE cp_id = ${q(OFF)}
		ORDER BY id DESC LIMIT 1`) === 'alice', 3000, 20);
	check('remote_user_recorded', who, 'requested_by is not alice');
});

await test('ocppd_unreachable_503', async () => {
	const r = cgi('POST', `/cps/${OFF}/commands/Reset`, '{"type":"Soft"}',
		{ CSMS_CONTROL_SOCKET: `${env.out}/81-no-such.sock` });
	checkEq('control_unavailable', [r.status, r.json?.error?.code], [503, 'control_unavailable']);
});

done();
