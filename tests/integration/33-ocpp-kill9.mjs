#!/usr/bin/env node
// 33-ocpp-kill9.mjs — durability: ocppd is killed with SIGKILL while
// charge points are in the middle of their sessions.  Everything it had
// acknowledged must be in the database (a reply is sent only after
// COMMIT), energy must be counted exactly once, and after a restart no
// charge point is left marked connected.  The restarted daemon keeps
// running (its PID in run_dir/ocppd.pid) for the tests after this one.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
	check, checkEq, cpId, done, env, isoNow, ocppClient, portOpen, q, sql,
	sqlValue, test, until,
} from '../node/lib.mjs';

const cfg = Object.fromEntries(execFileSync(`${env.bin}/ocppd`, ['-c', env.conf, '--print-config'],
	{ encoding: 'utf8' }).split('\n').filter((l) => l.includes('='))
	.map((l) => { const i = l.indexOf('='); return [l.slice(0, i), l.slice(i + 1).replace(/^'(.*)'$/, '$1')]; }));
const pidFile = path.join(cfg.run_dir, 'ocppd.pid');
const port = Number(new URL(env.ocppUrl).port);

const N = 12;
const ids = Array.from({ length: N }, (_, i) => cpId(`k${i}`));
const acked = { starts: [], stops: [], meters: [] };
let nAcked = 0;
let killed = false;

// Each charge point runs transactions back to back until the daemon dies.
async function session(id, n) {
	let cli;
	try {
		cli = await ocppClient(id, { client: { callTimeoutMs: 3000 } });
		await cli.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
		for (let k = 0; !killed; k++) {
			const meterStart = k * 1000;
			const start = { connectorId: 1, idTag: 'KILL9', meterStart, timestamp: isoNow() };
			const r = await cli.call('StartTransaction', start);
			acked.starts.push({ id, tx: r.transactionId, meterStart });
			nAcked++;
			await cli.call('MeterValues', { connectorId: 1, transactionId: r.transactionId,
				meterValue: [{ timestamp: isoNow(), sampledValue: [{ value: String(meterStart + 500) }] }] });
			acked.meters.push({ id, tx: r.transactionId });
			nAcked++;
			await cli.call('StopTransaction', { transactionId: r.transactionId, meterStop: meterStart + 700 + n, timestamp: isoNow() });
			acked.stops.push({ id, tx: r.transactionId, meterStop: meterStart + 700 + n });
			nAcked++;
		}
	} catch {
		// The daemon died under us: calls in flight were never answered.
	} finally {
		try { cli && await cli.close({ force: true }); } catch { /* gone */ }
	}
}

let oldPid;
await test('daemon_pid_known', async () => {
	oldPid = Number(fs.readFileSync(pidFile, 'utf8').trim());
	process.kill(oldPid, 0);
});

const sessions = ids.map((id, n) => session(id, n));
await until(() => nAcked >= 150, 20000, 5);
check('sessions_running_before_kill', nAcked >= 150, `only ${nAcked} answers`);
killed = true;
process.kill(oldPid, 'SIGKILL');
await Promise.all(sessions);
await until(async () => !(await portOpen(port)), 5000);

await test('every_acknowledged_start_is_stored', async () => {
	const missing = acked.starts.filter((s) => sqlValue(`SELECT COUNT(*) FROM transactions
		WHERE id = ${s.tx} AND cp_id = ${q(s.id)} AND meter_start = ${s.meterStart}`) !== '1');
	if (missing.length) throw new Error(`${missing.length} of ${acked.starts.length} missing`);
});

await test('every_acknowledged_meter_value_is_stored', async () => {
	const missing = acked.meters.filter((m) => Number(sqlValue(`SELECT COUNT(*) FROM meter_values
		WHERE transaction_id = ${m.tx} AND cp_id = ${q(m.id)}`)) < 1);
	if (missing.length) throw new Error(`${missing.length} of ${acked.meters.length} missing`);
});

await test('every_acknowledged_stop_is_stored', async () => {
	const missing = acked.stops.filter((s) => sqlValue(`SELECT meter_stop FROM transactions
		WHERE id = ${s.tx}`) !== String(s.meterStop));
	if (missing.length) throw new Error(`${missing.length} of ${acked.stops.length} missing`);
});

await test('energy_counted_exactly_once_per_stored_stop', async () => {
	for (const id of ids) {
		const total = Number(sqlValue(`SELECT total_kwh FROM charge_points WHERE id = ${q(id)}`));
		const sum = Number(sqlValue(`SELECT COALESCE(SUM(meter_stop - meter_start), 0) / 1000
			FROM transactions WHERE cp_id = ${q(id)} AND meter_stop IS NOT NULL`));
		if (Math.abs(total - sum) > 1e-9) throw new Error(`${id}: total_kwh ${total} != ${sum}`);
	}
});

// Restart the daemon the way scripts/stack.sh does, and leave it running.
let restarted;
await test('restart_after_kill', async () => {
	const logDir = path.join(cfg.run_dir, '..', 'log');
	fs.mkdirSync(logDir, { recursive: true });
	const fd = fs.openSync(path.join(logDir, 'ocppd.log'), 'a');
	const childEnv = { ...process.env };
	restarted = spawn(`${env.bin}/ocppd`, ['-c', env.conf], { env: childEnv, detached: true, stdio: ['ignore', fd, fd] });
	fs.closeSync(fd);
	restarted.unref();
	fs.writeFileSync(pidFile, `${restarted.pid}\n`);
	if (!await until(() => portOpen(port), 15000, 50)) throw new Error('did not listen again');
});

await test('no_stale_connected_flags_after_restart', async () => {
	const stale = sql(`SELECT id FROM charge_points WHERE connected = 1 AND id IN (${ids.map(q).join(',')})`);
	if (stale.length) throw new Error(`still connected: ${stale.map((r) => r[0]).join(' ')}`);
});

await test('restarted_daemon_serves', async () => {
	const cli = await ocppClient(ids[0]);
	const r = await cli.call('StartTransaction', { connectorId: 2, idTag: 'KILL9', meterStart: 0, timestamp: isoNow() });
	const s = await cli.call('StopTransaction', { transactionId: r.transactionId, meterStop: 10, timestamp: isoNow() });
	checkEq('restarted_stop_reply', s, {});
	checkEq('restarted_connected', sqlValue(`SELECT connected FROM charge_points WHERE id = ${q(ids[0])}`), '1');
	await cli.close();
});

done();
