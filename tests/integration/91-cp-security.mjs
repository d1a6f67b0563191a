#!/usr/bin/env node
// 91-cp-security.mjs — charge point authentication (security profile 1,
// docs/security.md) and the per-link limits, against second ocppds of our
// own (ports base+21, base+22) so the throttled address and the low
// limits touch no other test:
//   - cp_set_password / cp_set_security through the control socket; the
//     stored value is a salted SHA-512 crypt, never the password;
//   - no / wrong / right credentials (401 with the Basic challenge, 101;
//     cpsim --basic-auth), the refusal logged with the remote address;
//   - a password change takes effect at once (the verification cache
//     follows the hash); profile 2 on a plain port is refused (403);
//   - 1,000 connect/disconnect cycles, then SIGTERM: no LeakSanitizer
//     report in the asan build, a bounded RSS in any build;
//   - repeated failures from one address get 429 + Retry-After, even for
//     the right password, until the block ends;
//   - max_connections (503), the message rate limit (a flooder is closed
//     with 1008) and another charge point's heartbeat latency meanwhile.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import {
	WebSocket, check, checkEq, done, env, ownPort, q, sql, sqlValue,
	startOcppd, test, until,
} from '../node/lib.mjs';

const tag = `S${process.pid % 100000}`;
const A = `${tag}_A`, B = `${tag}_B`, C = `${tag}_C`, P2 = `${tag}_P2`;
const PW = 'correct-horse-9f3a', PW2 = 'battery-staple-77c1';
// The connect/disconnect daemon runs from the sanitizer build when make
// test built one, so LeakSanitizer checks it in every run of the suite.
const asanBin = /asan/.test(process.env.CSMS_BUILD || '') ? env.bin
	: (process.env.CSMS_ASAN_BIN && fs.existsSync(`${process.env.CSMS_ASAN_BIN}/ocppd`)
		? process.env.CSMS_ASAN_BIN : null);
const asan = asanBin !== null;

// ---- helpers ---------------------------------------------------------------

function control(path) {
	const sock = net.connect(path);
	let buf = '';
	const waiters = [], lines = [];
	sock.setEncoding('utf8');
	sock.on('data', (d) => {
		buf += d;
		let i;
		while ((i = buf.indexOf('\n')) >= 0) {
			const l = buf.slice(0, i);
			buf = buf.slice(i + 1);
			if (waiters.length) waiters.shift()(JSON.parse(l));
			else lines.push(JSON.parse(l));
		}
	});
	sock.on('error', () => {});
	return {
		ready: new Promise((r, j) => { sock.once('connect', r); sock.once('error', j); }),
		req(obj) {
			sock.write(JSON.stringify(obj) + '\n');
			return new Promise((resolve) => {
				if (lines.length) return resolve(lines.shift());
				waiters.push(resolve);
			});
		},
		close() { sock.end(); },
	};
}

// The answer to a WebSocket upgrade: { status, headers }.
export function upgrade(port, id, auth, extra = {}) {
	return new Promise((resolve) => {
		const headers = {
			Connection: 'Upgrade', Upgrade: 'websocket',
			'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
			'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Protocol': 'ocpp1.6',
		};
		if (auth) headers.Authorization = auth;
		const req = http.request({ host: '127.0.0.1', port, path: `/${encodeURIComponent(id)}`,
			headers, ...extra });
		req.on('upgrade', (res, sock) => { resolve({ status: 101, headers: res.headers }); sock.destroy(); });
		req.on('response', (res) => { resolve({ status: res.statusCode, headers: res.headers }); res.resume(); req.destroy(); });
		req.on('error', (e) => resolve({ status: 0, error: e.message }));
		req.end();
	});
}

const basic = (u, p) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

// An open, authenticated ws link (rejects with the HTTP status).
function wsOpen(url, id, pw) {
	const ws = new WebSocket(`${url}/${id}`, ['ocpp1.6'],
		pw ? { headers: { Authorization: basic(id, pw) } } : {});
	return new Promise((resolve, reject) => {
		ws.once('open', () => resolve(ws));
		ws.once('unexpected-response', (req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
		ws.once('error', reject);
	});
}

function rssKb(pid) {
	const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
	return m ? Number(m[1]) : 0;
}

function run(bin, args, timeout = 30000) {
	return new Promise((resolve) => execFile(bin, args, { timeout },
		(err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr })));
}

// ---- the authenticating daemon ----------------------------------------------

for (const id of [A, B, C, P2])
	sql(`INSERT INTO charge_points (id) VALUES (${q(id)}) ON DUPLICATE KEY UPDATE auth_hash = NULL, security_profile = 0`);

const port = ownPort(21);
const sock = `${env.out}/91-ocppd.sock`;
const d = await startOcppd({
	CSMS_OCPP_PORT: port, CSMS_CONTROL_SOCKET: sock, CSMS_ALLOW_UNKNOWN_CPS: 'no',
	CSMS_AUTH_FAIL_LIMIT: 6, CSMS_AUTH_BLOCK_MAX: 60,
	ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0',
}, '91-ocppd', { bin: asanBin || env.bin });
const url = `ws://127.0.0.1:${port}`;
await until(() => fs.existsSync(sock), 5000, 20);
const ctl = control(sock);
await ctl.ready;

await test('set_password_ok', async () => {
	for (const id of [A, B]) {
		const r = await ctl.req({ op: 'cp_set_password', cp_id: id, params: { password: PW, profile: 1 } });
		if (!r.ok || r.result.profile !== 1 || r.result.password_set !== true)
			throw new Error(JSON.stringify(r));
	}
});

await test('set_password_refusals', async () => {
	const short = await ctl.req({ op: 'cp_set_password', cp_id: A, params: { password: 'short' } });
	checkEq('short_password_code', short.error && short.error.code, 'invalid_params');
	const none = await ctl.req({ op: 'cp_set_password', cp_id: `${tag}_nobody`, params: { password: PW } });
	checkEq('unknown_cp_code', none.error && none.error.code, 'not_found');
	const prof = await ctl.req({ op: 'cp_set_security', cp_id: A, params: { profile: 4 } });
	checkEq('bad_profile_code', prof.error && prof.error.code, 'invalid_params');
	const noid = await ctl.req({ op: 'cp_set_security', params: { profile: 1 } });
	checkEq('no_cp_id_code', noid.error && noid.error.code, 'invalid_params');
});

await test('hash_stored_salted', async () => {
	const ha = sqlValue(`SELECT auth_hash FROM charge_points WHERE id = ${q(A)}`);
	const hb = sqlValue(`SELECT auth_hash FROM charge_points WHERE id = ${q(B)}`);
	if (!/^\$6\$[^$]{16}\$[./0-9A-Za-z]{86}$/.test(ha)) throw new Error(`hash ${ha}`);
	if (ha.includes(PW)) throw new Error('password in the hash');
	if (ha === hb) throw new Error('same password, same hash: not salted');
	checkEq('profile_stored', sqlValue(`SELECT security_profile FROM charge_points WHERE id = ${q(A)}`), '1');
});

await test('no_credentials_401', async () => {
	const r = await upgrade(port, A);
	checkEq('no_credentials_status', r.status, 401);
	checkEq('challenge_header', r.headers && r.headers['www-authenticate'], 'Basic realm="ocpp"');
});

await test('wrong_password_401', async () => {
	checkEq('wrong_password_status', (await upgrade(port, A, basic(A, 'not-the-password'))).status, 401);
	checkEq('other_user_status', (await upgrade(port, A, basic(B, PW))).status, 401);
	checkEq('garbage_status', (await upgrade(port, A, 'Basic !!!')).status, 401);
	checkEq('bearer_status', (await upgrade(port, A, 'Bearer abc')).status, 401);
	checkEq('no_password_set_status', (await upgrade(port, C, basic(C, PW))).status, 101);
});

await test('refusal_logged_with_address', async () => {
	const ok = await until(() => /handshake from 127\.0\.0\.1 refused \(401\): wrong password/
		.test(fs.readFileSync(d.log, 'utf8')), 3000);
	if (!ok) throw new Error('no log line');
	if (fs.readFileSync(d.log, 'utf8').includes(PW)) throw new Error('password in the log');
});

await test('right_password_101', async () => {
	checkEq('right_password_status', (await upgrade(port, A, basic(A, PW))).status, 101);
	const ws = await wsOpen(url, B, PW);
	ws.send(JSON.stringify([2, 'hb1', 'Heartbeat', {}]));
	const reply = await new Promise((r) => ws.once('message', (m) => r(JSON.parse(m))));
	checkEq('heartbeat_answered', reply[0], 3);
	ws.close();
});

await test('cpsim_basic_auth', async () => {
	const ok = await run(`${env.bin}/cpsim`, ['--sessions', '0', '--exit-after-session', '--quiet',
		'--basic-auth', `${A}:${PW}`, `${url}/${A}`]);
	checkEq('cpsim_right_exit', ok.code, 0);
	const bad = await run(`${env.bin}/cpsim`, ['--sessions', '0', '--exit-after-session', '--quiet',
		'--timeout', '5', '--basic-auth', `${A}:wrong-password`, `${url}/${A}`]);
	check('cpsim_wrong_fails', bad.code !== 0, `exit ${bad.code}`);
});

await test('password_change_applies', async () => {
	checkEq('old_cached_first', (await upgrade(port, A, basic(A, PW))).status, 101);
	const r = await ctl.req({ op: 'cp_set_password', cp_id: A, params: { password: PW2 } });
	if (!r.ok) throw new Error(JSON.stringify(r));
	checkEq('old_password_now_401', (await upgrade(port, A, basic(A, PW))).status, 401);
	checkEq('new_password_101', (await upgrade(port, A, basic(A, PW2))).status, 101);
});

await test('profile_0_and_2', async () => {
	let r = await ctl.req({ op: 'cp_set_security', cp_id: B, params: { profile: 0 } });
	checkEq('profile0_result', r.ok && r.result.profile, 0);
	checkEq('profile0_no_auth_101', (await upgrade(port, B)).status, 101);
	r = await ctl.req({ op: 'cp_set_security', cp_id: P2, params: { profile: 2 } });
	checkEq('profile2_result', r.ok && r.result.profile, 2);
	checkEq('profile2_plain_403', (await upgrade(port, P2)).status, 403);
	r = await ctl.req({ op: 'cp_set_password', cp_id: B, params: { password: null } });
	checkEq('password_cleared', r.ok && r.result.password_set, false);
	checkEq('hash_cleared', sqlValue(`SELECT auth_hash IS NULL FROM charge_points WHERE id = ${q(B)}`), '1');
});

await test('connect_cycles_1000', async () => {
	let rss200 = 0;
	for (let i = 0; i < 1000; i++) {
		const ws = await wsOpen(url, A, PW2);
		if (i % 10 === 0) {
			ws.send(JSON.stringify([2, `c${i}`, 'Heartbeat', {}]));
			await new Promise((r) => ws.once('message', r));
		}
		ws.close();
		await new Promise((r) => ws.once('close', r));
		if (i === 199) rss200 = rssKb(d.proc.pid);
	}
	const rss1000 = rssKb(d.proc.pid);
	// ASan's quarantine grows by itself: the leak check below is its test.
	if (!asan) check('rss_bounded', rss1000 - rss200 < 8192, `${rss200} -> ${rss1000} KiB`);
});

await test('repeated_failures_throttled', async () => {
	// auth_fail_limit = 6: the sixth wrong password in a row blocks the
	// address (the earlier tests never fail more than 5 times in a row:
	// a success clears the counter).
	for (let i = 0; i < 6; i++)
		checkEq(`failure_${i}_401`, (await upgrade(port, A, basic(A, `wrong-${i}-xx`))).status, 401);
	const r = await upgrade(port, A, basic(A, PW2));
	checkEq('blocked_429', r.status, 429);
	check('retry_after', Number(r.headers && r.headers['retry-after']) >= 1,
		() => JSON.stringify(r.headers));
	check('blocked_logged', /refused \(429\)/.test(fs.readFileSync(d.log, 'utf8')));
	const wait = Number(r.headers['retry-after']);
	await new Promise((res) => setTimeout(res, wait * 1000 + 200));
	checkEq('after_block_101', (await upgrade(port, A, basic(A, PW2))).status, 101);
});

ctl.close();
const ex = await d.stop();
checkEq('daemon_exit_0', ex.code, 0);
const log = fs.readFileSync(d.log, 'utf8');
check('no_leak_report', !/LeakSanitizer|ERROR: AddressSanitizer|runtime error:/.test(log),
	() => log.split('\n').filter((l) => /Sanitizer|runtime error/.test(l)).slice(0, 5).join(' | '));

// ---- limits -----------------------------------------------------------------

const lport = ownPort(22);
const l = await startOcppd({
	CSMS_OCPP_PORT: lport, CSMS_CONTROL_SOCKET: '', CSMS_ALLOW_UNKNOWN_CPS: 'yes',
	CSMS_MAX_CONNECTIONS: 4, CSMS_MSG_RATE: 50, CSMS_MSG_BURST: 200,
}, '91-limits');
const lurl = `ws://127.0.0.1:${lport}`;

await test('max_connections_503', async () => {
	const socks = [];
	for (let i = 0; i < 4; i++) socks.push(await wsOpen(lurl, `${tag}_L${i}`));
	const r = await upgrade(lport, `${tag}_L9`);
	checkEq('fifth_503', r.status, 503);
	for (const s of socks) s.close();
	await Promise.all(socks.map((s) => new Promise((res) => s.once('close', res))));
	const back = await until(async () => (await upgrade(lport, `${tag}_L9`)).status === 101, 3000);
	check('slot_freed', back);
});

await test('flood_closed_others_served', async () => {
	const victim = await wsOpen(lurl, `${tag}_V`);
	const flooder = await wsOpen(lurl, `${tag}_F`);
	const closed = new Promise((r) => flooder.on('close', (code) => r(code)));
	flooder.on('error', () => {});
	let sent = 0;
	const flood = () => {
		while (sent < 5000 && flooder.readyState === WebSocket.OPEN && flooder.bufferedAmount < 1 << 20)
			flooder.send(JSON.stringify([2, `f${sent++}`, 'Heartbeat', {}]));
		if (sent < 5000 && flooder.readyState === WebSocket.OPEN) setImmediate(flood);
	};
	const lat = [];
	const pings = (async () => {
		for (let i = 0; i < 40; i++) {
			const t0 = process.hrtime.bigint();
			victim.send(JSON.stringify([2, `v${i}`, 'Heartbeat', {}]));
			await new Promise((r) => victim.once('message', r));
			lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
			await new Promise((r) => setTimeout(r, 5));
		}
	})();
	flood();
	const code = await Promise.race([closed, new Promise((r) => setTimeout(() => r('open'), 10000))]);
	await pings;
	// 1008 when the close frame wins the race with the flood still in
	// flight; the kernel may turn it into a reset (1006): either way the
	// link is gone, and the log below says why.
	check('flooder_closed', code === 1008 || code === 1006, `close code ${code}`);
	lat.sort((a, b) => a - b);
	const p99 = lat[Math.floor(lat.length * 0.99) - 1] ?? lat[lat.length - 1];
	check('victim_p99_under_200ms', p99 < 200, `p99 ${p99.toFixed(1)} ms (max ${lat[lat.length - 1].toFixed(1)})`);
	check('rate_logged', /messages\/s \(burst 200\): closing \(1008\)/.test(fs.readFileSync(l.log, 'utf8')));
	victim.close();
});

checkEq('limits_exit_0', (await l.stop()).code, 0);
done();
