#!/usr/bin/env node
// 42-cpsim-retry.mjs — cpsim resends a transaction message answered with
// CALLERROR InternalError (OCPP 1.6 TransactionMessageAttempts /
// TransactionMessageRetryInterval; docs/cpsim.md).
//
// ocppd answers InternalError when it cannot store a message.  As in
// 34-ocpp-db-outage.mjs, a daemon of our own with a database account of
// its own loses the database (account locked, connections killed) after
// cpsim's StartTransaction was answered and before its StopTransaction:
// the stop is refused, cpsim waits, sends the same payload again, and once
// the account is unlocked the stop is stored and journaled once.  With
// --tx-attempts 1 the refusal is final and the stop is not journaled.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import {
	check, checkEq, cpId, done, env, ownPort, q, sql, sqlValue, startOcppd, test, until, sleep,
} from '../node/lib.mjs';

const USER = `csms_t42_${process.pid % 100000}`;
const TAG = `T42${process.pid % 100000}`;
function admin(query) {
	return execFileSync('mariadb', ['--no-defaults', '-S', env.dbSocket, '-u', os.userInfo().username,
		'-N', '-B', '-e', query], { encoding: 'utf8' });
}
function outage() {
	admin(`ALTER USER ${q(USER)}@'localhost' ACCOUNT LOCK`);
	const ids = admin(`SELECT id FROM information_schema.processlist WHERE user = ${q(USER)}`).split('\n').filter((l) => l);
	for (const id of ids) {
		try { admin(`KILL CONNECTION ${Number(id)}`); } catch { /* gone */ }
	}
}
const recover = () => admin(`ALTER USER ${q(USER)}@'localhost' ACCOUNT UNLOCK`);

admin(`CREATE USER IF NOT EXISTS ${q(USER)}@'localhost' IDENTIFIED BY 'retry';
	GRANT ALL ON ${env.dbName}.* TO ${q(USER)}@'localhost'`);
sql(`INSERT INTO users (id_tag, status) VALUES (${q(TAG)}, 'Accepted') ON DUPLICATE KEY UPDATE status = 'Accepted'`);
const d = await startOcppd({ CSMS_OCPP_PORT: ownPort(66), CSMS_DB_USER: USER, CSMS_DB_PASSWORD: 'retry' }, `42-retry-${process.pid}`);

function cpsim(id, args) {
	const out = { stdout: '', stderr: '' };
	const p = spawn(`${env.bin}/cpsim`, ['--exit-after-session', '--sessions', '1', '--duration', '4',
		'--meter-interval', '0', '--id-tag', TAG, ...args, `${d.url}/${id}`]);
	p.stdout.on('data', (x) => { out.stdout += x; });
	p.stderr.on('data', (x) => { out.stderr += x; });
	out.exited = new Promise((r) => p.on('exit', (code) => r(code)));
	out.proc = p;
	return out;
}
const journalLines = (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l)) : []);

// A session whose stop meets the outage; the database comes back when
// cpsim says it will retry (or when it gave up).
async function run(id, journal, attempts) {
	const r = cpsim(id, ['--journal', journal, '--tx-attempts', String(attempts), '--tx-retry-interval', '1']);
	const started = await until(() => journalLines(journal).some((l) => l.action === 'StartTransaction'), 20000, 50);
	if (!started) { r.proc.kill(); throw new Error(`not started: ${r.stderr}`); }
	await sleep(800); // the Charging status is answered meanwhile
	outage();
	await Promise.race([r.exited,
		until(() => /StopTransaction answered InternalError: retrying/.test(r.stderr), 20000, 50)]);
	r.refusedFirst = /StopTransaction answered InternalError: retrying/.test(r.stderr);
	recover();
	r.code = await r.exited;
	return r;
}

try {
	await test('retried_stop_is_stored_and_journaled', async () => {
		const CP = cpId('retry'), j = `${env.out}/42-retry-${process.pid}.jsonl`;
		const r = await run(CP, j, 10);
		check('stop_refused_first', r.refusedFirst, r.stderr);
		if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stdout} ${r.stderr}`);
		const retries = Number((/ tx_retries=(\d+)/.exec(r.stdout) || [])[1]);
		check('summary_counts_retries', retries >= 1 && /ok\s*$/.test(r.stdout), r.stdout);
		const rows = sql(`SELECT id, meter_stop FROM transactions WHERE cp_id = ${q(CP)}`);
		const stops = journalLines(j).filter((l) => l.action === 'StopTransaction');
		checkEq('journaled_once_as_stored', stops.map((l) => [String(l.transactionId), String(l.meterStop)]), rows);
	});

	await test('single_attempt_fails_unjournaled', async () => {
		const CP = cpId('once'), j = `${env.out}/42-once-${process.pid}.jsonl`;
		const r = await run(CP, j, 1);
		if (r.code !== 1 || !/FAILED: CALLERROR InternalError for StopTransaction/.test(r.stdout))
			throw new Error(`exit ${r.code}: ${r.stdout}`);
		checkEq('no_retries', (/ tx_retries=(\d+)/.exec(r.stdout) || [])[1], '0');
		checkEq('stop_not_journaled', journalLines(j).filter((l) => l.action === 'StopTransaction').length, 0);
		checkEq('stop_not_stored', sqlValue(`SELECT COUNT(*) FROM transactions WHERE cp_id = ${q(CP)} AND stop_ts IS NOT NULL`), '0');
	});
} finally {
	recover();
	await d.stop();
	admin(`DROP USER IF EXISTS ${q(USER)}@'localhost'`);
}
done();
