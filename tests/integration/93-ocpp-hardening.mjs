#!/usr/bin/env node
// 93-ocpp-hardening.mjs — what a stranger on the network or a local user
// can no longer do to ocppd, each against a second ocppd of our own
// (ports base+53..56) so its settings touch no other test:
//   - forge log lines with newlines or terminal escapes in an identity,
//     a vendor or an id tag (every control character is escaped);
//   - lock real charge points behind the shipped /ocpp/ proxy out with
//     wrong passwords (the throttle counts per client address and
//     identity; the address comes from X-Forwarded-For only when the
//     peer is a trusted proxy);
//   - speak OCPP from a web page on another site (allowed_origins);
//   - hold the control socket's slots with idle clients
//     (control_idle_timeout).
import fs from 'node:fs';
import net from 'node:net';
import {
	check, checkEq, cpId, done, env, handshakeStatus, ownPort, rawClient,
	rawHandshake, sleep, startOcppd, test, until,
} from '../node/lib.mjs';

const basic = (u, p) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

// ---- log lines --------------------------------------------------------------

await test('log_lines_cannot_be_forged', async () => {
	const d = await startOcppd({ CSMS_OCPP_PORT: ownPort(53), CSMS_CONTROL_SOCKET: '' }, '93-log');
	try {
		// A path with an ESC (refused, and logged), and a vendor and an
		// id tag with a newline, CR and an ESC sequence (valid JSON
		// escapes, so they reach the handler and its audit line).
		checkEq('ctl_identity_refused', await rawHandshake(`/${cpId('L')}%1B%5B2JFORGED1`, {}, { url: d.url }), 400);
		const ws = await rawClient(cpId('log'), { url: d.url });
		const b = await ws.call('[2,"l1","BootNotification",{"chargePointVendor":"V\\nFORGED2","chargePointModel":"M\\u001b[2J"}]');
		check('vendor_with_newline_answered', Array.isArray(b) && b[0] === 3, JSON.stringify(b));
		const a = await ws.call('[2,"l2","Authorize",{"idTag":"T\\r\\nFORGED3"}]');
		check('id_tag_with_crlf_answered', Array.isArray(a) && a[0] === 3, JSON.stringify(a));
		ws.close();
		await ws.closed;
		const ok = await until(() => /FORGED3/.test(fs.readFileSync(d.log, 'utf8')), 5000);
		const log = fs.readFileSync(d.log, 'utf8');
		check('log_has_the_lines', ok && /FORGED1/.test(log) && /FORGED2/.test(log), log.slice(-800));
		const lines = log.split('\n').filter((l) => l);
		const bad = lines.filter((l) => !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (error|warn|info|debug) /.test(l)
			|| /^\S+ \S+ FORGED/.test(l));
		check('every_line_is_a_real_line', bad.length === 0, JSON.stringify(bad.slice(0, 3)));
		check('no_raw_control_characters', !/[\x00-\x08\x0b-\x1f\x7f]/.test(log), 'control character in the log');
		check('newline_shown_escaped', log.includes('\\x1B[2JFORGED1') && log.includes('V\\nFORGED2') && log.includes('\\x1B[2J') && log.includes('\\r\\nFORGED3'),
			lines.filter((l) => /FORGED[23]/.test(l)).join(' | '));
	} finally {
		await d.stop();
	}
});

// ---- failed-login throttle ---------------------------------------------------

// auth_fail_limit = 2, every charge point needs a password (profile 1)
// and none has one: every try with credentials is a failure.
await test('throttle_per_address_and_identity', async () => {
	const d = await startOcppd({
		CSMS_OCPP_PORT: ownPort(54), CSMS_CONTROL_SOCKET: '', CSMS_SECURITY_PROFILE_MIN: 1,
		CSMS_AUTH_FAIL_LIMIT: 2, CSMS_AUTH_BLOCK_MAX: 60,
	}, '93-throttle');
	try {
		const up = (id, hdrs = {}) => rawHandshake(`/${id}`, { Authorization: basic(id, 'wrong-password'), ...hdrs }, { url: d.url });
		const A = cpId('thrA'), B = cpId('thrB');
		checkEq('a_fail_1', await up(A), 401);
		checkEq('a_fail_2', await up(A), 401);
		checkEq('a_blocked', await up(A), 429);
		// Same address, another identity: its own counter.
		checkEq('b_not_blocked_by_a', await up(B), 401);
		// Without trusted_proxies a forwarding header changes nothing.
		checkEq('xff_ignored_from_untrusted_peer', await up(A, { 'X-Forwarded-For': '192.0.2.77' }), 429);
	} finally {
		await d.stop();
	}
});

// Behind the shipped /ocpp/ proxy every charge point arrives from
// 127.0.0.1: with trusted_proxies = 127.0.0.1 the proxy's header names
// the client, so a guesser is blocked and the real charge point is not.
await test('throttle_behind_trusted_proxy', async () => {
	const d = await startOcppd({
		CSMS_OCPP_PORT: ownPort(55), CSMS_CONTROL_SOCKET: '', CSMS_SECURITY_PROFILE_MIN: 1,
		CSMS_AUTH_FAIL_LIMIT: 2, CSMS_AUTH_BLOCK_MAX: 60, CSMS_TRUSTED_PROXIES: '10.9.9.9, 127.0.0.1',
	}, '93-proxy');
	try {
		const C = cpId('thrC');
		const up = (xff, hdr = 'X-Forwarded-For') => rawHandshake(`/${C}`,
			{ Authorization: basic(C, 'wrong-password'), [hdr]: xff }, { url: d.url });
		checkEq('guesser_fail_1', await up('198.51.100.66'), 401);
		checkEq('guesser_fail_2', await up('198.51.100.66'), 401);
		checkEq('guesser_blocked', await up('198.51.100.66'), 429);
		// The real charge point, same identity, through the same proxy.
		checkEq('real_cp_not_locked_out', await up('203.0.113.5'), 401);
		// The client may write anything left of what the proxy appends:
		// the rightmost entry counts.
		checkEq('forged_leftmost_entry_ignored', await up('203.0.113.5, 198.51.100.66'), 429);
		// RFC 7239 Forwarded works too.
		checkEq('forwarded_header_used', await up('for=198.51.100.66;proto=http', 'Forwarded'), 429);
		checkEq('forwarded_other_client', await up('for="[2001:db8::7]:4711"', 'Forwarded'), 401);
		const log = fs.readFileSync(d.log, 'utf8');
		check('refusal_logged_with_client_address', /from 198\.51\.100\.66 via 127\.0\.0\.1 refused \(429\)/.test(log),
			log.split('\n').filter((l) => /refused/.test(l)).slice(-2).join(' | '));
	} finally {
		await d.stop();
	}
});

// ---- Origin -------------------------------------------------------------------

await test('origin_allow_list', async () => {
	// Off by default: the shared stack takes any Origin.
	checkEq('default_any_origin', await rawHandshake(`/${cpId('o0')}`, { Origin: 'https://evil.example' }), 101);
	const d = await startOcppd({
		CSMS_OCPP_PORT: ownPort(56), CSMS_CONTROL_SOCKET: '',
		CSMS_ALLOWED_ORIGINS: 'https://ops.example.com, http://localhost:8080',
	}, '93-origin');
	try {
		checkEq('foreign_origin_403', await rawHandshake(`/${cpId('o1')}`, { Origin: 'https://evil.example' }, { url: d.url }), 403);
		checkEq('listed_origin_101', await rawHandshake(`/${cpId('o2')}`, { Origin: 'https://ops.example.com' }, { url: d.url }), 101);
		checkEq('listed_origin_any_case_101', await rawHandshake(`/${cpId('o3')}`, { Origin: 'HTTP://LOCALHOST:8080' }, { url: d.url }), 101);
		checkEq('no_origin_101', (await handshakeStatus(`/${cpId('o4')}`, ['ocpp1.6'], { url: d.url })).status, 101);
	} finally {
		await d.stop();
	}
});

// ---- control socket idle clients ----------------------------------------------

await test('control_idle_clients_closed', async () => {
	const sock = `${env.out}/93-ctl.sock`;
	const d = await startOcppd({
		CSMS_OCPP_PORT: ownPort(57), CSMS_CONTROL_SOCKET: sock, CSMS_CONTROL_IDLE_TIMEOUT: 2,
	}, '93-ctl');
	try {
		await until(() => fs.existsSync(sock), 5000);
		const open = () => new Promise((res, rej) => {
			const s = net.connect(sock, () => res(s));
			s.once('error', rej);
			s.closedAt = new Promise((r) => s.once('close', () => r(Date.now())));
			s.lines = [];
			s.on('data', (b) => s.lines.push(...b.toString().split('\n').filter((l) => l)));
		});
		// Idle from the start, and idle after half a line: both closed.
		const t0 = Date.now();
		const idle = await open();
		const half = await open();
		half.write('{"op":"sta');
		// A client that keeps asking stays.
		const busy = await open();
		let asking = true;
		(async () => { while (asking) { busy.write('{"op":"status"}\n'); await sleep(500); } })();
		const closed = await Promise.race([idle.closedAt, sleep(8000).then(() => 0)]);
		check('idle_client_closed', closed && closed - t0 >= 1500 && closed - t0 < 6000, `after ${closed - t0} ms`);
		check('half_line_client_closed', await Promise.race([half.closedAt, sleep(3000).then(() => 0)]));
		await sleep(1500);
		check('active_client_kept', !busy.destroyed && busy.lines.length >= 5 && /"ok":true/.test(busy.lines[0]),
			JSON.stringify(busy.lines.slice(0, 2)));
		asking = false;
		busy.destroy();
		check('idle_closing_logged', /control: client idle for 2 s: closed/.test(fs.readFileSync(d.log, 'utf8')));
	} finally {
		await d.stop();
	}
});

done();
