#!/usr/bin/env node
// 45-ocpp-log.mjs — ocppd's OCPP message log (ocppd/oplog.c, table
// ocpp_log): every frame in and out with its type, id and action (a
// CALLRESULT/CALLERROR carries the action of the CALL it answers, in both
// directions), connects, disconnects and refused handshakes with their
// reason, AuthorizationKey values masked, huge frames cut, the per charge
// point level (control op cp_set_log), and a full queue dropping and
// counting records while the charge point is still answered at once.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import {
	check, checkEq, cpId, done, env, handshakeStatus, isoNow, ocppClient, ownPort,
	q, rawClient, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const mainSock = /^\s*control_socket\s*=\s*(.+?)\s*$/m.exec(fs.readFileSync(env.conf, 'utf8'))[1];

// One control request on a fresh connection; the parsed answer.
function ask(path, req, ms = 10000) {
	return new Promise((resolve, reject) => {
		const sock = net.connect(path);
		let buf = '';
		const t = setTimeout(() => { sock.destroy(); reject(new Error('control timeout')); }, ms);
		sock.setEncoding('utf8');
		sock.on('data', (d) => {
			buf += d;
			const i = buf.indexOf('\n');
			if (i >= 0) { clearTimeout(t); sock.destroy(); resolve(JSON.parse(buf.slice(0, i))); }
		});
		sock.on('error', (e) => { clearTimeout(t); reject(e); });
		sock.on('connect', () => sock.write(JSON.stringify(req) + '\n'));
	});
}

// The log rows of a charge point, oldest first.
function rows(cp, where = '1') {
	return sql(`SELECT id, kind, IFNULL(msg_type,''), IFNULL(msg_id,''), IFNULL(action,''),
		IFNULL(error_code,''), frame_len, IFNULL(node_id,''), frame
		FROM ocpp_log WHERE cp_id = ${q(cp)} AND ${where} ORDER BY ts, id`).map((l) => {
		const [id, kind, type, msgId, action, code, len, node, frame] = l;
		return { id: Number(id), kind, type, msgId, action, code, len: Number(len), node, frame };
	});
}
const count = (cp, where = '1') => Number(sqlValue(`SELECT COUNT(*) FROM ocpp_log WHERE cp_id = ${q(cp)} AND ${where}`));

await test('schema_partitioned_by_day', async () => {
	const names = () => sql(`SELECT PARTITION_NAME FROM information_schema.PARTITIONS
		WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'ocpp_log' ORDER BY PARTITION_ORDINAL_POSITION`)
		.map((r) => r[0]);
	const parts = names();
	check('pmax_last', parts[parts.length - 1] === 'pmax', parts.join(','));
	const today = new Date().toISOString().slice(0, 10).replaceAll('-', '');
	// ocppd splits today and the next days off pmax at start.
	check('today_partition', await until(() => names().includes(`p${today}`), 10000, 200), parts.join(','));
	// The primary key is the (cp_id, ts) index every read uses.
	const idx = sql(`SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
		AND TABLE_NAME = 'ocpp_log' ORDER BY INDEX_NAME, SEQ_IN_INDEX`).map((r) => r.join('.'));
	checkEq('only_key_cp_ts', idx.join(','), 'PRIMARY.cp_id,PRIMARY.ts,PRIMARY.id,PRIMARY.day');
});

await test('frames_both_ways_with_actions', async () => {
	const id = cpId('log-a');
	const cli = await ocppClient(id);
	await cli.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
	await cli.call('Heartbeat', {});
	await cli.close();
	check('rows_arrive', await until(() => count(id, "kind = 'disconnect'") === 1, 5000, 50), 'no disconnect row');
	const r = rows(id);
	checkEq('kinds_in_order', r.map((x) => `${x.kind}:${x.type}:${x.action}`).join(' '),
		'connect:: in:CALL:BootNotification out:CALLRESULT:BootNotification in:CALL:Heartbeat out:CALLRESULT:Heartbeat disconnect::');
	checkEq('reply_has_call_id', r[2].msgId, r[1].msgId);
	check('connect_names_peer', /"peer":"127\.0\.0\.1/.test(r[0].frame), r[0].frame);
	check('disconnect_reason', /"reason":"closed by the charge point \(code 1000\)"/.test(r[5].frame), r[5].frame);
	checkEq('single_node_null', r[0].node, '');
	check('ids_in_order', r.every((x, i) => i === 0 || x.id > r[i - 1].id), r.map((x) => x.id).join(','));
	checkEq('ids_below_2_53', sqlValue(`SELECT MAX(id) < POW(2, 53) FROM ocpp_log WHERE cp_id = ${q(id)}`), '1');
	check('frame_text_kept', JSON.parse(r[1].frame)[2] === 'BootNotification' && r[1].len === Buffer.byteLength(r[1].frame), r[1].frame);
});

await test('callerrors_and_unreadable_frames', async () => {
	const id = cpId('log-b');
	const ws = await rawClient(id);
	const bad = await ws.call('[2,"b1","Heartbeat",{"extra":1}]');
	checkEq('callerror_sent', bad[0], 4);
	const junk = await ws.call('[2,"b2"');
	check('junk_answered', junk === null || junk[0] === 4, JSON.stringify(junk));
	ws.close();
	await ws.closed;
	check('rows_arrive', await until(() => count(id, "kind = 'disconnect'") === 1, 5000, 50), 'no disconnect');
	const err = rows(id, "kind = 'out' AND msg_type = 'CALLERROR'");
	check('callerror_row', err.length >= 1 && err[0].msgId === 'b1' && err[0].action === 'Heartbeat' &&
		/Violation$/.test(err[0].code), JSON.stringify(err));
	const unreadable = rows(id, "kind = 'in' AND msg_id = 'b2'");
	check('unreadable_in_kept', unreadable.length === 1 && unreadable[0].frame === '[2,"b2"', JSON.stringify(unreadable));
});

await test('commands_paired_and_secrets_masked', async () => {
	const id = cpId('log-c');
	const secret = 'Sup3rSecretKey-45';
	const ws = await rawClient(id);
	const boot = await ws.call('[2,"c0","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}]');
	checkEq('booted', boot[2].status, 'Accepted');
	const pending = ask(mainSock, { op: 'ChangeConfiguration', cp_id: id, params: { key: 'AuthorizationKey', value: secret } });
	const call = await ws.next();
	checkEq('call_received', call[2], 'ChangeConfiguration');
	ws.send(JSON.stringify([3, call[1], { status: 'Accepted' }]));
	const res = await pending;
	check('command_ok', res.ok, JSON.stringify(res));
	// A CALLERROR from the charge point carries the command's action too.
	const pending2 = ask(mainSock, { op: 'GetConfiguration', cp_id: id, params: {} });
	const call2 = await ws.next();
	ws.send(JSON.stringify([4, call2[1], 'NotSupported', 'no', {}]));
	await pending2;
	// A long answer naming the key: masked whole, then cut.
	const pending3 = ask(mainSock, { op: 'GetConfiguration', cp_id: id, params: {} });
	const call3 = await ws.next();
	const keys = [];
	for (let i = 0; i < 300; i++) keys.push({ key: `Key${i}`, readonly: false, value: 'v'.repeat(40) });
	keys.push({ key: 'AuthorizationKey', readonly: false, value: secret });
	const big = JSON.stringify([3, call3[1], { configurationKey: keys }]);
	ws.send(big);
	await pending3;
	ws.close();
	await ws.closed;
	check('rows_arrive', await until(() => count(id, "kind = 'disconnect'") === 1, 5000, 50), 'no disconnect');
	const out = rows(id, "kind = 'out' AND msg_type = 'CALL'");
	check('call_out_row', out.length === 3 && out[0].action === 'ChangeConfiguration' && out[0].msgId === call[1], JSON.stringify(out));
	check('secret_masked_out', out[0].frame.includes('********') && !out[0].frame.includes(secret), out[0].frame);
	const ans = rows(id, `kind = 'in' AND msg_id = ${q(call[1])}`);
	check('answer_paired', ans.length === 1 && ans[0].type === 'CALLRESULT' && ans[0].action === 'ChangeConfiguration', JSON.stringify(ans));
	const ans2 = rows(id, `kind = 'in' AND msg_id = ${q(call2[1])}`);
	check('callerror_paired', ans2.length === 1 && ans2[0].type === 'CALLERROR' && ans2[0].action === 'GetConfiguration' &&
		ans2[0].code === 'NotSupported', JSON.stringify(ans2));
	const b = rows(id, `msg_id = ${q(call3[1])} AND kind = 'in'`);
	check('big_frame_cut', b.length === 1 && b[0].len === Buffer.byteLength(big) && b[0].frame.length <= 8192, `${b[0]?.len} ${b[0]?.frame.length}`);
	checkEq('secret_nowhere', sqlValue(`SELECT COUNT(*) FROM ocpp_log WHERE cp_id = ${q(id)} AND frame LIKE ${q('%' + secret + '%')}`), '0');
});

await test('refused_handshake_recorded', async () => {
	const id = cpId('log-d');
	const r = await handshakeStatus(`/${id}`, ['ocpp2.1']);
	checkEq('refused_400', r.status, 400);
	check('refusal_row', await until(() => count(id, "kind = 'refused'") === 1, 5000, 50), 'no refused row');
	const x = rows(id)[0];
	checkEq('refusal_status', x.code, '400');
	check('refusal_reason', /"reason":"[^"]*[Ss]ubprotocol/.test(x.frame) && /"peer":"127\.0\.0\.1/.test(x.frame), x.frame);
});

await test('per_cp_level', async () => {
	const id = cpId('log-e');
	const ws = await rawClient(id);
	await ws.call('[2,"e0","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}]');
	const bad = await ask(mainSock, { op: 'cp_set_log', cp_id: id, params: { level: 'loud' } });
	checkEq('bad_level_refused', bad.error?.code, 'invalid_params');
	const none = await ask(mainSock, { op: 'cp_set_log', cp_id: cpId('log-none'), params: { level: 'off' } });
	checkEq('unknown_cp_not_found', none.error?.code, 'not_found');
	const set = await ask(mainSock, { op: 'cp_set_log', cp_id: id, params: { level: 'errors' } });
	check('set_errors', set.ok && set.result.level === 'errors' && set.result.effective === 'errors', JSON.stringify(set));
	checkEq('stored', sqlValue(`SELECT log_level FROM charge_points WHERE id = ${q(id)}`), 'errors');
	await ws.call('[2,"e1","Heartbeat",{}]');
	await ws.call('[2,"e2","Heartbeat",{}]');
	// At "errors" a CALLERROR is kept (both ways), not the CALLs.
	const e3 = await ws.call(`[2,"e3","Authorize",{"idTag":"${'x'.repeat(30)}"}]`);
	checkEq('authorize_refused', e3[0], 4);
	const off = await ask(mainSock, { op: 'cp_set_log', cp_id: id, params: { level: 'off' } });
	check('set_off', off.ok, JSON.stringify(off));
	await ws.call(`[2,"e4","Authorize",{"idTag":"${'y'.repeat(30)}"}]`);
	const back = await ask(mainSock, { op: 'cp_set_log', cp_id: id, params: { level: null } });
	check('set_default', back.ok && back.result.level === null && back.result.effective === 'all', JSON.stringify(back));
	checkEq('stored_null', sqlValue(`SELECT log_level FROM charge_points WHERE id = ${q(id)}`), null);
	await ws.call('[2,"e5","Heartbeat",{}]');
	ws.close();
	await ws.closed;
	check('rows_arrive', await until(() => count(id, "kind = 'disconnect'") === 1, 5000, 50), 'no disconnect');
	const hb = rows(id, "action = 'Heartbeat'");
	checkEq('only_heartbeat_after_default', hb.length, 2);
	const errs = rows(id, "msg_type = 'CALLERROR'");
	check('errors_level_kept_error', errs.length === 1 && errs[0].action === 'Authorize' && errs[0].msgId === 'e3', JSON.stringify(errs));
	checkEq('off_level_kept_nothing', count(id, "msg_id = 'e4'"), 0);
	checkEq('errors_level_dropped_call', count(id, "msg_type = 'CALL' AND action = 'Authorize'"), 0);
});

await test('global_errors_level', async () => {
	const port = ownPort(43);
	const d = await startOcppd({ CSMS_OCPP_PORT: port, CSMS_OCPP_LOG: 'errors' }, '45-errors');
	try {
		const id = cpId('log-f');
		const cli = await ocppClient(id, { url: d.url });
		await cli.call('Heartbeat', {});
		await cli.close();
		check('disconnect_kept', await until(() => count(id, "kind = 'disconnect'") === 1, 5000, 50), 'no disconnect');
		checkEq('frames_not_kept', count(id, "kind IN ('in', 'out')"), 0);
		checkEq('connect_kept', count(id, "kind = 'connect'"), 1);
	} finally {
		await d.stop();
	}
});

// auto (the default): every frame while the node holds at most
// ocpp_log_auto_cps links, errors only above.
await test('auto_level_follows_links', async () => {
	const port = ownPort(46);
	const d = await startOcppd({ CSMS_OCPP_PORT: port, CSMS_OCPP_LOG: 'auto', CSMS_OCPP_LOG_AUTO_CPS: 1 }, '45-auto');
	try {
		const a = cpId('log-auto-a'), b = cpId('log-auto-b');
		const hb = () => count(a, "kind = 'in' AND action = 'Heartbeat'");
		const ca = await ocppClient(a, { url: d.url });
		await ca.call('Heartbeat', {});
		check('one_link_all', await until(() => hb() === 1, 5000, 50), `heartbeats kept: ${hb()}`);
		const cb = await ocppClient(b, { url: d.url });
		await new Promise((r) => setTimeout(r, 300)); // the next tick counts two links
		await ca.call('Heartbeat', {});
		await cb.close();
		await until(() => count(b, "kind = 'disconnect'") === 1, 5000, 50);
		checkEq('two_links_errors_only', hb(), 1);
		checkEq('events_still_kept', count(b, "kind = 'connect'"), 1);
		await new Promise((r) => setTimeout(r, 300));
		await ca.call('Heartbeat', {});
		check('one_link_again_all', await until(() => hb() === 2, 5000, 50), `heartbeats kept: ${hb()}`);
		await ca.close();
	} finally {
		await d.stop();
	}
});

// A full queue drops and counts; the charge point is answered all the same.
await test('full_queue_drops_and_counts', async () => {
	const port = ownPort(44);
	const sock = `${env.out}/45-full.sock`;
	const d = await startOcppd({ CSMS_OCPP_PORT: port, CSMS_OCPP_LOG_QUEUE: 16, CSMS_CONTROL_SOCKET: sock,
		CSMS_DB_WORKERS: 1 }, '45-full');
	const admin = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
	let locker = null;
	try {
		const id = cpId('log-g');
		const ws = await rawClient(id, { url: d.url });
		await ws.call('[2,"g0","Heartbeat",{}]');
		// The writer blocks on the table; the queue (16 records) fills.
		locker = spawn('mariadb', ['--no-defaults', '-S', env.dbSocket, '-u', admin, env.dbName, '-e',
			'LOCK TABLES ocpp_log WRITE; SELECT SLEEP(6); UNLOCK TABLES;'], { stdio: 'ignore' });
		await until(() => sql('SHOW PROCESSLIST').some((r) => (r[7] || '').includes('SLEEP(6)')), 5000, 50);
		const t0 = Date.now();
		let answered = 0;
		for (let i = 0; i < 60; i++) {
			const r = await ws.call(`[2,"g${i + 1}","Heartbeat",{}]`, 3000);
			if (Array.isArray(r) && r[0] === 3) answered++;
		}
		checkEq('all_answered_while_blocked', answered, 60);
		check('answered_fast', Date.now() - t0 < 4000, `${Date.now() - t0} ms`);
		const st = await ask(sock, { op: 'status' });
		const lg = st.result?.ocpp_log;
		check('dropped_counted', lg && lg.dropped > 0 && lg.queued <= 16 && lg.queue_max === 16, JSON.stringify(lg));
		await new Promise((r) => locker.on('exit', r));
		locker = null;
		check('queue_empties_after_unlock', await until(async () =>
			(await ask(sock, { op: 'status' })).result.ocpp_log.queued === 0, 10000, 100), 'still queued');
		ws.close();
		await ws.closed;
		check('written_after_unlock', await until(() => count(id, "kind = 'disconnect'") === 1, 10000, 100),
			'no disconnect row');
		const st2 = (await ask(sock, { op: 'status' })).result.ocpp_log;
		const n = count(id);
		check('rows_plus_dropped', n < 123 && n > 0 && st2.written >= n && st2.dropped === lg.dropped, `${n} rows, ${JSON.stringify(st2)}`);
	} finally {
		if (locker) locker.kill();
		await d.stop();
	}
});

done();
