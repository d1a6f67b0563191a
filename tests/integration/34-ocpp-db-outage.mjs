#!/usr/bin/env node
// 34-ocpp-db-outage.mjs — the database goes away under a running ocppd:
// heartbeats keep being answered from the event loop, messages that must
// be stored get InternalError (the charge point retries) instead of a
// false confirmation, and when the database is back the daemon reconnects
// by itself and the connection flags written meanwhile catch up.  A link
// cut while the database is up costs the charge point nothing: the batch
// runs again on a new link.
//
// The outage is simulated on a daemon of our own with a database account
// of its own, locked and with its connections killed; the shared test
// daemon is untouched.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import {
	check, checkEq, cpId, done, env, isoNow, ownPort, q, rawClient, sql,
	sqlValue, startOcppd, test, until, sleep,
} from '../node/lib.mjs';

const USER = `csms_t34_${process.pid % 100000}`;
function admin(query) {
	return execFileSync('mariadb', ['--no-defaults', '-S', env.dbSocket, '-u', os.userInfo().username,
		'-N', '-B', '-e', query], { encoding: 'utf8' });
}
function killSessions() {
	const ids = admin(`SELECT id FROM information_schema.processlist WHERE user = ${q(USER)}`)
		.split('\n').filter((l) => l);
	for (const id of ids) {
		try { admin(`KILL CONNECTION ${Number(id)}`); } catch { /* already gone */ }
	}
	return ids.length;
}

try {
	admin(`CREATE USER ${q(USER)}@'localhost' IDENTIFIED BY 'outage';
		GRANT ALL ON ${env.dbName}.* TO ${q(USER)}@'localhost'`);
} catch (e) {
	console.log(`FAIL admin_access: cannot manage database accounts: ${e.message.split('\n')[0]}`);
	process.exit(1);
}

const d = await startOcppd({ CSMS_OCPP_PORT: ownPort(44), CSMS_DB_USER: USER, CSMS_DB_PASSWORD: 'outage' }, '34-outage');
const call = (ws, id, action, payload) => ws.call(JSON.stringify([2, id, action, payload]));
const A = cpId('out'), B = cpId('out2');
try {
	const ws = await rawClient(A, { url: d.url });
	const boot = await call(ws, 'b1', 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
	check('boot_before_outage', boot?.[0] === 3 && boot[2].status === 'Accepted', JSON.stringify(boot));

	admin(`ALTER USER ${q(USER)}@'localhost' ACCOUNT LOCK`);
	check('outage_killed_worker_sessions', killSessions() >= 1);

	const hb = await call(ws, 'h1', 'Heartbeat', {});
	check('heartbeat_answered_during_outage', hb?.[0] === 3 && typeof hb[2].currentTime === 'string', JSON.stringify(hb));
	const sn = await call(ws, 's1', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
	check('store_refused_with_internal_error', sn?.[0] === 4 && sn[2] === 'InternalError', JSON.stringify(sn));
	const st = await call(ws, 's2', 'StartTransaction', { connectorId: 1, idTag: 'X', meterStart: 0, timestamp: isoNow() });
	check('start_refused_with_internal_error', st?.[0] === 4 && st[2] === 'InternalError', JSON.stringify(st));
	const hb2 = await call(ws, 'h2', 'Heartbeat', {});
	check('heartbeat_still_answered', hb2?.[0] === 3, JSON.stringify(hb2));
	// A charge point connecting now: its connected flag waits for the
	// database.
	const ws2 = await rawClient(B, { url: d.url });

	admin(`ALTER USER ${q(USER)}@'localhost' ACCOUNT UNLOCK`);
	await test('reconnects_and_stores_again', async () => {
		for (let i = 0; i < 100; i++) {
			const r = await call(ws, `r${i}`, 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
			if (r?.[0] === 3) {
				checkEq('status_after_outage', sqlValue(`SELECT status FROM connectors WHERE cp_id = ${q(A)} AND connector_id = 1`), 'Charging');
				return;
			}
			await sleep(100);
		}
		throw new Error('no success within 10 s');
	});
	check('deferred_connected_flag_written', await until(() =>
		sqlValue(`SELECT connected FROM charge_points WHERE id = ${q(B)}`) === '1', 10000));
	// The database is up but the link was cut (as HAProxy cuts its
	// sessions when a Galera writer comes back): the batch runs again on
	// a new link, and the charge point never sees the cut.
	await test('cut_link_batch_runs_again', async () => {
		for (let i = 0; i < 3; i++) {
			const a = await call(ws, `c${i}a`, 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing' });
			check(`before_cut_${i}`, a?.[0] === 3, JSON.stringify(a));
			if (killSessions() < 1) throw new Error('no session to cut');
			const b = await call(ws, `c${i}b`, 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
			if (b?.[0] !== 3) throw new Error(`after cut ${i}: ${JSON.stringify(b)}`);
		}
		checkEq('stored_after_cut', sqlValue(`SELECT status FROM connectors WHERE cp_id = ${q(A)} AND connector_id = 1`), 'Charging');
	});
	ws.close();
	ws2.close();
	await ws.closed;
	await ws2.closed;
	check('disconnected_flags_written', await until(() =>
		sqlValue(`SELECT SUM(connected) FROM charge_points WHERE id IN (${q(A)}, ${q(B)})`) === '0', 10000));
	checkEq('graceful_exit', await d.stop(), { code: 0, sig: null });
} finally {
	await d.stop('SIGKILL');
	try { admin(`DROP USER ${q(USER)}@'localhost'`); } catch { /* best effort */ }
}
done();
