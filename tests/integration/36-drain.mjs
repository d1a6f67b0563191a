#!/usr/bin/env node
// 36-drain.mjs — the control ops drain and undrain (a rolling upgrade,
// docs/control.md), against an ocppd of its own (port base+26):
//   - drain: GET /healthz answers 503 and new handshakes 503 at once;
//     after delay_s the links close with 1001, no faster than `rate` a
//     second; status reports draining and the links left;
//   - a StopTransaction the database is still working on when the drain
//     starts is answered before its link closes, and is in the database;
//   - undrain: healthz 200 and charge points accepted again;
//   - bad parameters are invalid_params; csmsctl speaks the ops.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import {
	check, checkEq, done, env, isoNow, ownPort, q, rawClient, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const tag = `D${process.pid % 100000}`;
const port = ownPort(26);
const sock = `${env.out}/36-ocppd.sock`;
const d = await startOcppd({ CSMS_OCPP_PORT: port, CSMS_CONTROL_SOCKET: sock }, '36-drain');
const url = `ws://127.0.0.1:${port}`;
await until(() => fs.existsSync(sock), 5000, 20);

function control() {
	const s = net.connect(sock);
	let buf = '';
	const waiters = [];
	s.setEncoding('utf8');
	s.on('data', (chunk) => {
		buf += chunk;
		let i;
		while ((i = buf.indexOf('\n')) >= 0) {
			const line = buf.slice(0, i);
			buf = buf.slice(i + 1);
			if (waiters.length) waiters.shift()(JSON.parse(line));
		}
	});
	s.on('error', () => {});
	return {
		ready: new Promise((r, j) => { s.once('connect', r); s.once('error', j); }),
		req(obj) { s.write(JSON.stringify(obj) + '\n'); return new Promise((r) => waiters.push(r)); },
		close() { s.end(); },
	};
}
const ctl = control();
await ctl.ready;
const status = async () => (await ctl.req({ op: 'status' })).result;
const healthz = async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status;
const handshake = (id) => rawClient(id, { url }).then((ws) => { ws.close(); return 101; },
	(e) => e.status || 0);

// Connects a charge point and boots it; records when and how it closed.
async function cp(id) {
	const ws = await rawClient(id, { url });
	const boot = await ws.call(JSON.stringify([2, 'b1', 'BootNotification',
		{ chargePointVendor: 'V', chargePointModel: 'M' }]));
	if (!Array.isArray(boot) || boot[0] !== 3) throw new Error(`boot: ${JSON.stringify(boot)}`);
	ws.closedAt = ws.closed.then((c) => ({ ...c, at: Date.now() }));
	return ws;
}

await test('drain_params_checked', async () => {
	const bad = await ctl.req({ op: 'drain', params: { rate: 0 } });
	checkEq('drain_rate_0', [bad.ok, bad.error?.code, bad.error?.field], [false, 'invalid_params', 'rate']);
	const other = await ctl.req({ op: 'drain', params: { pace: 5 } });
	checkEq('drain_unknown_param', [other.ok, other.error?.field], [false, 'pace']);
	checkEq('not_draining_yet', (await status()).draining, false);
	checkEq('healthz_200_before', await healthz(), 200);
});

// ---- the pace ----------------------------------------------------------------
const N = 10, RATE = 5, DELAY_S = 2;
await test('drain_closes_links_at_the_pace', async () => {
	const links = [];
	for (let i = 0; i < N; i++) links.push(await cp(`${tag}_P${i}`));
	const t0 = Date.now();
	const r = await ctl.req({ op: 'drain', params: { rate: RATE, delay_s: DELAY_S } });
	checkEq('drain_ok', [r.ok, r.result?.draining, r.result?.rate], [true, true, RATE]);
	// At once, before any link is closed.
	checkEq('healthz_503_while_draining', await healthz(), 503);
	checkEq('new_connect_refused_503', await handshake(`${tag}_NEW`), 503);
	const st = await status();
	checkEq('status_draining', st.draining, true);
	check('status_links_left', st.drain_links_left === N, `links left ${st.drain_links_left}`);
	check('status_refused_counted', st.drain_refused >= 1, JSON.stringify(st));
	const closes = await Promise.all(links.map((ws) => ws.closedAt));
	checkEq('all_closed_1001', closes.map((c) => c.code), Array(N).fill(1001));
	checkEq('close_reason', closes[0].reason, 'server draining');
	const at = closes.map((c) => c.at).sort((a, b) => a - b);
	// Nothing before the delay; then one link at once and RATE a second:
	// the last no earlier than (N - 1) / RATE s after the first.
	check('nothing_closed_before_delay', at[0] - t0 >= DELAY_S * 1000 - 100,
		`first close ${at[0] - t0} ms after drain`);
	const spread = at[N - 1] - at[0];
	check('paced_not_at_once', spread >= ((N - 1) / RATE) * 1000 - 300,
		`${N} links closed within ${spread} ms at rate ${RATE}`);
	check('paced_not_stalled', spread < 20000, `spread ${spread} ms`);
	const after = await status();
	checkEq('status_after', [after.draining, after.drain_links_left, after.drain_closed], [true, 0, N]);
	checkEq('connected_flags_cleared', await until(() => sqlValue(`SELECT COUNT(*) FROM charge_points
		WHERE id LIKE ${q(`${tag}_P%`)} AND connected = 1`) === '0', 5000) ? 0 : 1, 0);
});

await test('undrain_accepts_again', async () => {
	const r = await ctl.req({ op: 'undrain' });
	checkEq('undrain_ok', [r.ok, r.result?.draining], [true, false]);
	checkEq('healthz_200_after_undrain', await healthz(), 200);
	checkEq('connect_after_undrain', await handshake(`${tag}_BACK`), 101);
});

// ---- a StopTransaction in flight when the drain starts -----------------------
await test('inflight_stop_answered_before_close', async () => {
	const id = `${tag}_S`;
	const idTag = `${tag}TAG`.slice(0, 20);
	sql(`INSERT INTO users (id_tag, status) VALUES (${q(idTag)}, 'Accepted')`);
	const ws = await cp(id);
	const start = await ws.call(JSON.stringify([2, 's1', 'StartTransaction',
		{ connectorId: 1, idTag, meterStart: 100, timestamp: isoNow() }]));
	const txId = start?.[2]?.transactionId;
	if (!Number.isInteger(txId)) throw new Error(`start: ${JSON.stringify(start)}`);
	// Hold the transaction's row: the StopTransaction's UPDATE waits on it
	// inside its worker, answered only once the lock is let go.
	const locker = spawn('mariadb', ['--no-defaults', '-S', env.dbSocket, '-u', env.dbUser,
		`-p${env.dbPassword}`, '-N', '-B', '-n', env.dbName], { stdio: ['pipe', 'pipe', 'inherit'] });
	let lockOut = '';
	locker.stdout.on('data', (b) => { lockOut += b; });
	locker.stdin.write(`BEGIN; SELECT 'locked', id FROM transactions WHERE id = ${txId} FOR UPDATE;\n`);
	if (!await until(() => lockOut.includes('locked'), 10000)) throw new Error('could not lock the row');
	const replies = [];
	const got = new Promise((resolve) => ws.on('message', (m) => { replies.push(m.toString()); resolve(); }));
	ws.send(JSON.stringify([2, 's2', 'StopTransaction',
		{ transactionId: txId, meterStop: 4567, timestamp: isoNow(), reason: 'Local' }]));
	// The stop is in the database now: its UPDATE waits for the lock.
	const waiting = await until(() => sqlValue(`SELECT COUNT(*) FROM information_schema.PROCESSLIST
		WHERE INFO LIKE 'UPDATE transactions SET meter_stop%'`) !== '0', 10000);
	check('stop_waits_in_the_database', waiting, 'the StopTransaction never reached the database');
	const r = await ctl.req({ op: 'drain', params: { rate: 100, delay_s: 0 } });
	checkEq('drain_now_ok', r.ok, true);
	// Past the point where the link would have closed without the wait.
	await new Promise((res) => setTimeout(res, 700));
	checkEq('link_open_while_stop_in_flight', ws.readyState, 1);
	locker.stdin.end('COMMIT;\n');
	const closed = await ws.closedAt;
	await got;
	checkEq('stop_answered_before_close', replies.length ? JSON.parse(replies[0]).slice(0, 2) : null, [3, 's2']);
	checkEq('then_closed_1001', closed.code, 1001);
	checkEq('stop_in_database', sql(`SELECT meter_stop, stop_reason FROM transactions WHERE id = ${txId}`),
		[['4567', 'Local']]);
	await ctl.req({ op: 'undrain' });
	sql(`DELETE FROM users WHERE id_tag = ${q(idTag)}`);
});

await test('csmsctl_drain_undrain', async () => {
	const run = (args) => new Promise((resolve) => execFile(`${env.bin}/csmsctl`, args,
		{ env: { ...process.env, CSMS_CONTROL_SOCKET: sock } },
		(err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr })));
	const a = await run(['drain', 'rate=50', 'delay_s=30']);
	checkEq('csmsctl_drain_exit', a.code, 0);
	checkEq('csmsctl_drain_result', JSON.parse(a.stdout || '{}').draining, true);
	checkEq('healthz_503_csmsctl', await healthz(), 503);
	const b = await run(['undrain']);
	checkEq('csmsctl_undrain', [b.code, JSON.parse(b.stdout || '{}').draining], [0, false]);
	checkEq('healthz_200_csmsctl', await healthz(), 200);
});

ctl.close();
checkEq('exit_0', (await d.stop()).code, 0);
check('drain_logged', /ocppd: draining: no new charge points/.test(fs.readFileSync(d.log, 'utf8')));
done();
