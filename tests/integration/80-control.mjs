#!/usr/bin/env node
// 80-control.mjs — ocppd's control socket (docs/control.md): commands to
// charge points and back, the commands history, id-tag management.
//
// cpsim is the charge point for the round trips (the CP must react: a
// transaction appears, it reboots, a connector goes Unavailable); a raw
// WebSocket plays the charge point that answers late, never, with a
// CALLERROR or by hanging up.  Those run against a second ocppd with a
// short command_timeout and its own control socket.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import {
	check, checkEq, cpId, done, env, ocppClient, ownPort, q, rawClient, sql,
	sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const mainSock = (() => {
	const m = /^\s*control_socket\s*=\s*(.+?)\s*$/m.exec(fs.readFileSync(env.conf, 'utf8'));
	return m[1];
})();
const TIMEOUT_S = 3;

// A control connection: send(obj or raw text), next() -> parsed line.
function control(path) {
	const sock = net.connect(path);
	let buf = '';
	const lines = [];
	const waiters = [];
	sock.setEncoding('utf8');
	sock.on('data', (d) => {
		buf += d;
		let i;
		while ((i = buf.indexOf('\n')) >= 0) {
			const line = buf.slice(0, i);
			buf = buf.slice(i + 1);
			if (waiters.length) waiters.shift()(line);
			else lines.push(line);
		}
	});
	sock.on('error', () => {});
	const closed = new Promise((r) => sock.on('close', r));
	const ready = new Promise((resolve, reject) => {
		sock.once('connect', resolve);
		sock.once('error', reject);
	});
	return {
		sock, closed, ready,
		send(x) { sock.write(typeof x === 'string' ? x : JSON.stringify(x) + '\n'); },
		next(ms = 10000) {
			return new Promise((resolve) => {
				if (lines.length) return resolve(JSON.parse(lines.shift()));
				const t = setTimeout(() => {
					const k = waiters.indexOf(w);
					if (k >= 0) waiters.splice(k, 1);
					resolve(null);
				}, ms);
				const w = (l) => { clearTimeout(t); resolve(JSON.parse(l)); };
				waiters.push(w);
			});
		},
		async req(x, ms) { await ready; this.send(x); return this.next(ms); },
		close() { sock.destroy(); },
	};
}

async function ask(path, x, ms) {
	const c = control(path);
	try { return await c.req(x, ms); } finally { c.close(); }
}

// csmsctl against a control socket: { code, out (parsed), err }.
function csmsctl(args, sock = mainSock) {
	return new Promise((resolve) => {
		execFile(`${env.bin}/csmsctl`, ['-u', 'tester', ...args], {
			env: { ...process.env, CSMS_CONTROL_SOCKET: sock }, timeout: 60000,
		}, (error, stdout, stderr) => {
			let out = null;
			try { out = JSON.parse(stdout); } catch { out = stdout; }
			resolve({ code: error ? error.code : 0, out, err: stderr });
		});
	});
}

const tag = (t) => `T80${process.pid % 1000}${t}`.slice(0, 20);

// ---- the protocol itself ----------------------------------------------

await test('status_op', async () => {
	const r = await ask(mainSock, { op: 'status' });
	if (!r.ok) throw new Error(JSON.stringify(r));
	for (const k of ['version', 'uptime_s', 'connected_cps', 'commands_pending', 'db_queue'])
		if (!(k in r.result)) throw new Error(`no ${k}: ${JSON.stringify(r.result)}`);
});

// The workers' batches and where their time went: a message answered
// after its COMMIT is one more job in a committed batch, and the parts'
// times only grow.
await test('status_counts_batches_and_their_time', async () => {
	const before = (await ask(mainSock, { op: 'status' })).result;
	const cp = await ocppClient(cpId('batches'));
	await cp.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
	await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
	await cp.close();
	const after = (await ask(mainSock, { op: 'status' })).result;
	check('status_db_jobs_grow', after.db_jobs >= before.db_jobs + 2 && after.db_batches > before.db_batches,
		JSON.stringify([before.db_jobs, after.db_jobs, before.db_batches, after.db_batches]));
	const parts = ['read', 'run', 'write', 'commit'];
	check('status_db_time_parts', parts.every((p) => Number.isInteger(after.db_time_us?.[p]) &&
		after.db_time_us[p] >= before.db_time_us[p]) && after.db_time_us.commit > before.db_time_us.commit,
		JSON.stringify([before.db_time_us, after.db_time_us]));
	// The server's reply latency: the two calls are in it, in order of size.
	const l = after.reply_us;
	check('status_reply_latency', l && l.count >= before.reply_us.count + 2 && l.p50 > 0 &&
		l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max, JSON.stringify([before.reply_us, l]));
});

// Per-thread figures (top -H, schedstat, make bench-profile) tell the
// database workers from the event loop by their names.
await test('threads_named', async () => {
	const st = (await ask(mainSock, { op: 'status' })).result;
	const dir = `/proc/${st.pid}/task`;
	const names = fs.readdirSync(dir).map((t) => fs.readFileSync(`${dir}/${t}/comm`, 'utf8').trim());
	const want = [...Array(st.db_workers).keys()].map((i) => `db worker ${i}`);
	check('worker_threads_named', want.every((n) => names.includes(n)) && names.includes('upkeep'),
		JSON.stringify(names));
});

await test('status_reply_latency_reset', async () => {
	const first = (await ask(mainSock, { op: 'status', params: { reset_reply_latency: true } })).result.reply_us;
	const next = (await ask(mainSock, { op: 'status' })).result.reply_us;
	check('reply_latency_starts_over', next.since > first.since && next.count < first.count,
		JSON.stringify([first, next]));
});

await test('bad_requests_answered_and_connection_kept', async () => {
	const c = control(mainSock);
	await c.ready;
	const cases = [
		['not json\n', 'not valid JSON'],
		['[1,2]\n', 'one JSON object'],
		['{"cp_id":"x"}\n', 'op: required'],
		['{"op":7}\n', 'op: must be a string'],
		['{"op":"Reset","cp_id":"x","params":[1]}\n', 'params'],
	];
	for (const [line, why] of cases) {
		c.send(line);
		const r = await c.next();
		if (r?.ok !== false || r.error.code !== 'bad_request' || !r.error.message.includes(why))
			throw new Error(`${line.trim()} -> ${JSON.stringify(r)}`);
	}
	const u = await c.req({ op: 'NoSuchOp', cp_id: 'x' });
	checkEq('unknown_op', u.error?.code, 'unknown_op');
	const s = await c.req({ op: 'status' });
	c.close();
	if (!s?.ok) throw new Error('the same connection no longer answers');
});

await test('several_requests_on_one_connection_answered_in_order', async () => {
	const c = control(mainSock);
	await c.ready;
	c.send('{"op":"status"}\n{"op":"bogus"}\n{"op":"cps"}\n');
	const a = [await c.next(), await c.next(), await c.next()];
	c.close();
	if (!a[0]?.result?.version || a[1]?.error?.code !== 'unknown_op' || !Array.isArray(a[2]?.result?.cps))
		throw new Error(JSON.stringify(a));
});

await test('over_long_line_refused_and_closed', async () => {
	const c = control(mainSock);
	await c.ready;
	c.send('{"op":"status","x":"' + 'x'.repeat(70000));
	const r = await c.next();
	if (r?.error?.code !== 'bad_request' || !/longer than/.test(r.error.message))
		throw new Error(JSON.stringify(r));
	const how = await Promise.race([c.closed.then(() => 'closed'),
		new Promise((res) => setTimeout(() => res('open'), 3000))]);
	checkEq('over_long_line_closes', how, 'closed');
	const s = await ask(mainSock, { op: 'status' });
	if (!s?.ok) throw new Error('ocppd no longer answers');
});

await test('half_closed_client_still_answered', async () => {
	const c = control(mainSock);
	await c.ready;
	c.sock.end('{"op":"status"}'); // no newline, then FIN
	const r = await c.next();
	if (!r?.ok) throw new Error(JSON.stringify(r));
});

await test('offline_cp_and_invalid_params', async () => {
	const off = await csmsctl(['Reset', cpId('nobody'), 'type=Soft']);
	checkEq('offline_exit_status', off.code, 1);
	checkEq('offline_code', off.out?.code, 'cp_offline');
	const bad = await csmsctl(['Reset', cpId('nobody'), 'type=Bogus']);
	if (bad.out?.code !== 'invalid_params' || bad.out.field !== 'type')
		throw new Error(JSON.stringify(bad.out));
	const miss = await ask(mainSock, { op: 'RemoteStartTransaction', cp_id: 'x', params: { connectorId: 1 } });
	if (miss.error?.code !== 'invalid_params' || !/idTag/.test(miss.error.message))
		throw new Error(JSON.stringify(miss));
});

// ---- id tags ------------------------------------------------------------

const T1 = tag('A'), T2 = tag('B');
await test('tag_add_update_delete_take_effect_on_next_authorize', async () => {
	const cp = await ocppClient(cpId('auth'));
	const auth = async (t) => (await cp.call('Authorize', { idTag: t })).idTagInfo.status;
	checkEq('tag_unknown_first', await auth(T1), 'Invalid');
	const add = await csmsctl(['tag_add', `id_tag=${T1}`, 'name=Alice Example']);
	checkEq('tag_add_exit', add.code, 0);
	checkEq('tag_add_row', [add.out.id_tag, add.out.name, add.out.status, add.out.expiry_date],
		[T1, 'Alice Example', 'Accepted', null]);
	checkEq('tag_added_accepted', await auth(T1), 'Accepted');
	const dup = await csmsctl(['tag_add', `id_tag=${T1.toLowerCase()}`]);
	checkEq('tag_add_duplicate_case_insensitive', dup.out?.code, 'exists');
	const blk = await csmsctl(['tag_update', `id_tag=${T1}`, 'status=Blocked']);
	checkEq('tag_update_row', [blk.out.status, blk.out.name], ['Blocked', 'Alice Example']);
	checkEq('tag_blocked_next_authorize', await auth(T1), 'Blocked');
	await csmsctl(['tag_update', `id_tag=${T1}`, 'status=Accepted', 'expiry_date=2020-01-01T00:00:00Z']);
	checkEq('tag_expired_by_date', await auth(T1), 'Expired');
	const par = await csmsctl(['tag_update', `id_tag=${T1}`, 'expiry_date:=null', `parent_id_tag=${T2}`, 'name:=null']);
	checkEq('tag_update_nulls', [par.out.expiry_date, par.out.parent_id_tag, par.out.name], [null, T2, null]);
	const ok = (await cp.call('Authorize', { idTag: T1 })).idTagInfo;
	checkEq('tag_parent_in_idtaginfo', [ok.status, ok.parentIdTag], ['Accepted', T2]);
	const del = await csmsctl(['tag_delete', `id_tag=${T1}`]);
	checkEq('tag_delete', del.out, { id_tag: T1, deleted: true });
	checkEq('tag_deleted_invalid', await auth(T1), 'Invalid');
	checkEq('tag_delete_missing', (await csmsctl(['tag_delete', `id_tag=${T1}`])).out?.code, 'not_found');
	checkEq('tag_update_missing', (await csmsctl(['tag_update', `id_tag=${T1}`, 'status=Blocked'])).out?.code, 'not_found');
	await cp.close();
});

await test('tag_validation', async () => {
	const bad = [
		[['tag_add', `id_tag=${'X'.repeat(21)}`], 'id_tag'],
		[['tag_add', 'name=x'], 'id_tag'],
		[['tag_add', `id_tag=${T2}`, 'status=Open'], 'status'],
		[['tag_add', `id_tag=${T2}`, 'expiry_date=tomorrow'], 'expiry_date'],
		[['tag_add', `id_tag=${T2}`, `parent_id_tag=${'P'.repeat(21)}`], 'parent_id_tag'],
		[['tag_add', `id_tag=${T2}`, 'colour=red'], 'colour'],
		[['tag_update', `id_tag=${T2}`], null],
	];
	for (const [args, field] of bad) {
		const r = await csmsctl(args);
		if (r.code !== 1 || r.out?.code !== 'invalid_params' || (field && r.out.field !== field))
			throw new Error(`${args.join(' ')} -> ${JSON.stringify(r.out)}`);
	}
	checkEq('tag_nothing_stored', sqlValue(`SELECT COUNT(*) FROM users WHERE id_tag = ${q(T2)}`), '0');
});

// ---- cpsim round trips ---------------------------------------------------

const SIM = cpId('sim');
const simTag = tag('S');
await csmsctl(['tag_add', `id_tag=${simTag}`]);
const sim = spawn(`${env.bin}/cpsim`, ['--sessions', '0', '--connectors', '2', '--quiet',
	`${env.ocppUrl}/${SIM}`], { stdio: ['ignore', 'ignore', fs.openSync(`${env.out}/80-cpsim.log`, 'a')] });
const simUp = async () => (await ask(mainSock, { op: 'cps' })).result.cps
	.some((c) => c.id === SIM && c.boot_status === 'Accepted');

await test('cpsim_connected_and_listed', async () => {
	if (!await until(simUp, 10000, 50)) throw new Error('cpsim not in cps');
});

await test('get_and_change_configuration', async () => {
	const g = await csmsctl(['GetConfiguration', SIM, 'key=HeartbeatInterval']);
	checkEq('get_configuration_key', g.out?.configurationKey?.map((k) => k.key), ['HeartbeatInterval']);
	const all = await csmsctl(['GetConfiguration', SIM]);
	check('get_configuration_all', all.out?.configurationKey?.length > 10, JSON.stringify(all.out));
	const c = await csmsctl(['ChangeConfiguration', SIM, 'key=HeartbeatInterval', 'value=120']);
	checkEq('change_configuration', [c.code, c.out], [0, { status: 'Accepted' }]);
	const ro = await csmsctl(['ChangeConfiguration', SIM, 'key=NumberOfConnectors', 'value=3']);
	checkEq('change_configuration_readonly', [ro.code, ro.out], [0, { status: 'Rejected' }]);
	const g2 = await csmsctl(['GetConfiguration', SIM, 'key:=["HeartbeatInterval"]']);
	checkEq('configuration_changed', g2.out?.configurationKey?.[0]?.value, '120');
});

await test('other_core_and_trigger_commands', async () => {
	checkEq('clear_cache', (await csmsctl(['ClearCache', SIM])).out, { status: 'Accepted' });
	checkEq('data_transfer', (await csmsctl(['DataTransfer', SIM, 'vendorId=acme'])).out, { status: 'UnknownVendorId' });
	checkEq('trigger_message', (await csmsctl(['TriggerMessage', SIM, 'requestedMessage=Heartbeat'])).out, { status: 'Accepted' });
	checkEq('unlock_connector', (await csmsctl(['UnlockConnector', SIM, 'connectorId=1'])).out, { status: 'Unlocked' });
	// cpsim does not do firmware updates: a CALLERROR NotSupported.
	const ns = await csmsctl(['UpdateFirmware', SIM, 'location=https://example.com/fw.bin', 'retrieveDate=2030-01-01T00:00:00Z']);
	checkEq('callerror_code_passed_through', [ns.code, ns.out?.code, ns.out?.source], [1, 'NotSupported', 'cp']);
});

await test('remote_start_then_remote_stop', async () => {
	const r = await csmsctl(['RemoteStartTransaction', SIM, `idTag=${simTag}`, 'connectorId=1']);
	checkEq('remote_start_answer', r.out, { status: 'Accepted' });
	const tx = await until(() => sqlValue(`SELECT id FROM transactions WHERE cp_id = ${q(SIM)}
		AND id_tag = ${q(simTag)} AND stop_ts IS NULL`), 10000, 50);
	if (!tx) throw new Error('no open transaction after RemoteStartTransaction');
	const s = await csmsctl(['RemoteStopTransaction', SIM, `transactionId=${tx}`]);
	checkEq('remote_stop_answer', s.out, { status: 'Accepted' });
	const reason = await until(() => sqlValue(`SELECT stop_reason FROM transactions WHERE id = ${tx}
		AND stop_ts IS NOT NULL`), 10000, 50);
	checkEq('remote_stop_reason', reason, 'Remote');
});

await test('change_availability_unavailable', async () => {
	const r = await csmsctl(['ChangeAvailability', SIM, 'connectorId=2', 'type=Inoperative']);
	checkEq('change_availability_answer', r.out, { status: 'Accepted' });
	const st = await until(() => sqlValue(`SELECT status FROM connectors WHERE cp_id = ${q(SIM)}
		AND connector_id = 2 AND status = 'Unavailable'`), 10000, 50);
	checkEq('connector_unavailable', st, 'Unavailable');
});

await test('reset_reconnects_and_boots_again', async () => {
	const before = sqlValue(`SELECT last_boot FROM charge_points WHERE id = ${q(SIM)}`);
	const r = await csmsctl(['Reset', SIM, 'type=Soft']);
	checkEq('reset_answer', r.out, { status: 'Accepted' });
	const after = await until(() => {
		const v = sqlValue(`SELECT last_boot FROM charge_points WHERE id = ${q(SIM)}`);
		return v && v !== before ? v : null;
	}, 15000, 100);
	if (!after) throw new Error(`last_boot still ${before}`);
	if (!await until(simUp, 10000, 50)) throw new Error('not back in cps');
});

await test('commands_history_recorded', async () => {
	const rows = await until(() => {
		const r = sql(`SELECT action, status, requested_by, finished_at IS NOT NULL, response
			FROM commands WHERE cp_id = ${q(SIM)} ORDER BY id`);
		return r.length >= 12 && r.every((x) => x[3] === '1') ? r : null;
	}, 5000, 50);
	if (!rows) throw new Error('history incomplete');
	const got = rows.map((x) => `${x[0]}:${x[1]}`);
	for (const want of ['GetConfiguration:answered', 'ChangeConfiguration:Accepted',
		'ChangeConfiguration:Rejected', 'UpdateFirmware:callerror', 'RemoteStartTransaction:Accepted',
		'RemoteStopTransaction:Accepted', 'ChangeAvailability:Accepted', 'Reset:Accepted'])
		if (!got.includes(want)) throw new Error(`no ${want} in ${got.join(' ')}`);
	check('commands_requested_by', rows.every((x) => x[2] === 'tester'), JSON.stringify(rows.map((x) => x[2])));
	const off = sqlValue(`SELECT status FROM commands WHERE cp_id = ${q(cpId('nobody'))} AND action = 'Reset'
		ORDER BY id LIMIT 1`);
	checkEq('offline_command_recorded', off, 'offline');
});
sim.kill('SIGINT');

// ---- a charge point that misbehaves (second ocppd, short timeout) -------

const sock2 = `${env.out}/80-ocppd.sock`;
const d = await startOcppd({
	CSMS_OCPP_PORT: ownPort(47), CSMS_COMMAND_TIMEOUT: TIMEOUT_S, CSMS_CONTROL_SOCKET: sock2,
}, '80-ocppd');
await until(() => fs.existsSync(sock2), 5000, 20);

async function rawCp(name, boot = 'Accepted') {
	const id = cpId(name);
	const ws = await rawClient(id, { url: d.url });
	await until(() => sqlValue(`SELECT connected FROM charge_points WHERE id = ${q(id)}`) === '1', 5000, 20);
	if (boot !== 'Accepted') sql(`UPDATE charge_points SET boot_answer = ${q(boot)} WHERE id = ${q(id)}`);
	const r = await ws.call(JSON.stringify([2, 'b1', 'BootNotification', { chargePointVendor: 'v', chargePointModel: 'm' }]));
	if (r?.[2]?.status !== boot) throw new Error(`boot ${JSON.stringify(r)}`);
	// The boot status reaches the link with the reply; a status op
	// afterwards is ordered behind it on the event loop.
	return { id, ws };
}

const cfgReq = (id, key) => ({ op: 'ChangeConfiguration', cp_id: id, params: { key, value: '1' }, requested_by: 'raw' });

await test('one_outstanding_call_per_cp_in_order', async () => {
	const { id, ws } = await rawCp('serial');
	const c = [control(sock2), control(sock2), control(sock2)];
	await Promise.all(c.map((x) => x.ready));
	const answers = c.map((x) => x.next());
	c[0].send(cfgReq(id, 'K1'));
	const m1 = await ws.next();
	checkEq('first_call', [m1?.[0], m1?.[2], m1?.[3]?.key], [2, 'ChangeConfiguration', 'K1']);
	c[1].send(cfgReq(id, 'K2'));
	await until(async () => (await ask(sock2, { op: 'status' })).result.commands_pending === 2, 2000, 10);
	c[2].send(cfgReq(id, 'K3'));
	await until(async () => (await ask(sock2, { op: 'status' })).result.commands_pending === 3, 2000, 10);
	checkEq('no_second_call_while_one_outstanding', await ws.next(200), null);
	ws.send(JSON.stringify([3, m1[1], { status: 'Accepted' }]));
	const m2 = await ws.next();
	checkEq('second_call_after_first_answer', m2?.[3]?.key, 'K2');
	checkEq('still_one_outstanding', await ws.next(100), null);
	ws.send(JSON.stringify([3, m2[1], { status: 'Rejected' }]));
	const m3 = await ws.next();
	checkEq('third_call', m3?.[3]?.key, 'K3');
	ws.send(JSON.stringify([3, m3[1], { status: 'NotSupported' }]));
	const got = await Promise.all(answers);
	checkEq('answers_in_order', got.map((a) => a?.result?.status), ['Accepted', 'Rejected', 'NotSupported']);
	check('unique_ids', new Set([m1[1], m2[1], m3[1]]).size === 3 && m1[1].length <= 36, `${m1[1]} ${m2[1]} ${m3[1]}`);
	c.forEach((x) => x.close());
	ws.close();
});

await test('invalid_params_never_sent', async () => {
	const { id, ws } = await rawCp('invalid');
	const r = await ask(sock2, { op: 'GetConfiguration', cp_id: id, params: { key: 5 } });
	checkEq('invalid_params_code', [r.error?.code, r.error?.field], ['invalid_params', 'key']);
	const u = await ask(sock2, { op: 'Reset', cp_id: id, params: { type: 'Soft', extra: 1 } });
	checkEq('unknown_property_refused', u.error?.code, 'invalid_params');
	checkEq('nothing_sent', await ws.next(200), null);
	ws.close();
});

await test('callerror_and_unknown_reply', async () => {
	const { id, ws } = await rawCp('callerror');
	const c = control(sock2);
	const pending = c.req({ op: 'ClearCache', cp_id: id });
	const m = await ws.next();
	ws.send(JSON.stringify([3, 'no-such-id', {}])); // ignored
	ws.send(JSON.stringify([4, m[1], 'InternalError', 'cache on fire', { why: 'x' }]));
	const r = await pending;
	checkEq('callerror_answer', [r.ok, r.error?.code, r.error?.message, r.error?.source, r.error?.details],
		[false, 'InternalError', 'cache on fire', 'cp', { why: 'x' }]);
	c.close();
	// The link still works after the stray reply.
	const h = await ws.call(JSON.stringify([2, 'h1', 'Heartbeat', {}]));
	checkEq('link_fine_after_stray_reply', h?.[0], 3);
	ws.close();
});

await test('timeout_when_cp_never_answers', async () => {
	const { id, ws } = await rawCp('silent');
	const c1 = control(sock2), c2 = control(sock2), c3 = control(sock2);
	const t0 = Date.now();
	const a1 = c1.req({ op: 'Reset', cp_id: id, params: { type: 'Hard' } }, 20000);
	const first = await ws.next();
	// Queued behind it: one with the default limit (it runs out while
	// waiting, as its time counts from acceptance), one with its own.
	const a2 = c2.req({ op: 'ClearCache', cp_id: id }, 20000);
	await until(async () => (await ask(sock2, { op: 'status' })).result.commands_pending === 2, 2000, 10);
	const a3 = c3.req({ op: 'GetLocalListVersion', cp_id: id, timeout: 30 }, 20000);
	const r1 = await a1;
	const took = Date.now() - t0;
	checkEq('timeout_code', r1.error?.code, 'timeout');
	check('timeout_after_command_timeout', took >= TIMEOUT_S * 1000 - 200 && took < TIMEOUT_S * 1000 + 2000, `${took} ms`);
	// The second may or may not still be in time when the first gives
	// up (a tick apart); either way it times out.
	let next = await ws.next(TIMEOUT_S * 1000 + 2000);
	if (next?.[2] === 'ClearCache') next = await ws.next(TIMEOUT_S * 1000 + 2000);
	checkEq('queued_call_sent_after_timeout', next?.[2], 'GetLocalListVersion');
	const r2 = await a2;
	checkEq('queued_call_times_out_too', r2.error?.code, 'timeout');
	ws.send(JSON.stringify([3, first[1], { status: 'Accepted' }])); // too late: ignored
	ws.send(JSON.stringify([3, next[1], { listVersion: 7 }]));
	checkEq('own_timeout_answered', (await a3).result, { listVersion: 7 });
	const st = await until(() => sqlValue(`SELECT GROUP_CONCAT(status ORDER BY id) FROM commands
		WHERE cp_id = ${q(id)} AND finished_at IS NOT NULL HAVING COUNT(*) = 3`), 3000, 20);
	checkEq('timeouts_recorded', st, 'timeout,timeout,answered');
	const bad = await ask(sock2, { op: 'ClearCache', cp_id: id, timeout: 0 });
	checkEq('timeout_out_of_range', bad.error?.code, 'bad_request');
	[c1, c2, c3].forEach((x) => x.close());
	ws.close();
});

await test('disconnect_fails_outstanding_and_queued', async () => {
	const { id, ws } = await rawCp('hangup');
	const c1 = control(sock2), c2 = control(sock2);
	const a1 = c1.req({ op: 'UnlockConnector', cp_id: id, params: { connectorId: 1 } });
	await ws.next();
	const a2 = c2.req({ op: 'ClearCache', cp_id: id });
	await until(async () => (await ask(sock2, { op: 'status' })).result.commands_pending === 2, 2000, 10);
	ws.terminate();
	const [r1, r2] = await Promise.all([a1, a2]);
	checkEq('disconnect_codes', [r1.error?.code, r2.error?.code], ['cp_offline', 'cp_offline']);
	c1.close();
	c2.close();
});

await test('boot_pending_and_rejected', async () => {
	const p = await rawCp('pending', 'Pending');
	await until(async () => (await ask(sock2, { op: 'cps' })).result.cps
		.some((c) => c.id === p.id && c.boot_status === 'Pending'), 2000, 10);
	const rs = await ask(sock2, { op: 'RemoteStartTransaction', cp_id: p.id, params: { idTag: 'X' } });
	checkEq('pending_no_remote_start', rs.error?.code, 'cp_pending');
	const rt = await ask(sock2, { op: 'RemoteStopTransaction', cp_id: p.id, params: { transactionId: 1 } });
	checkEq('pending_no_remote_stop', rt.error?.code, 'cp_pending');
	checkEq('pending_nothing_sent', await p.ws.next(100), null);
	const c = control(sock2);
	const g = c.req({ op: 'GetConfiguration', cp_id: p.id });
	const m = await p.ws.next();
	checkEq('pending_may_be_configured', m?.[2], 'GetConfiguration');
	p.ws.send(JSON.stringify([3, m[1], { configurationKey: [] }]));
	checkEq('pending_get_configuration_answer', (await g).result, { configurationKey: [] });
	c.close();
	p.ws.close();
	const r = await rawCp('rejected', 'Rejected');
	await until(async () => (await ask(sock2, { op: 'cps' })).result.cps
		.some((x) => x.id === r.id && x.boot_status === 'Rejected'), 2000, 10);
	const x = await ask(sock2, { op: 'GetConfiguration', cp_id: r.id });
	checkEq('rejected_nothing_sent', [x.error?.code, await r.ws.next(100)], ['cp_rejected', null]);
	r.ws.close();
});

await test('client_gone_mid_request_is_harmless', async () => {
	const { id, ws } = await rawCp('gone');
	const c = control(sock2);
	await c.ready;
	c.send({ op: 'GetConfiguration', cp_id: id });
	const m = await ws.next();
	c.close();
	await c.closed;
	ws.send(JSON.stringify([3, m[1], { configurationKey: [] }]));
	// Many clients that vanish at once, some mid-line.
	for (let i = 0; i < 20; i++) {
		const g = control(sock2);
		await g.ready;
		g.send(i % 2 ? '{"op":"stat' : '{"op":"cps"}\n');
		g.close();
	}
	const s = await ask(sock2, { op: 'status' });
	checkEq('daemon_still_answers', [s.ok, s.result.commands_pending], [true, 0]);
	ws.close();
});

// The control socket's clients are descriptors on the OCPP event loop:
// every way a client ends gives its descriptor back (and its slot: more
// clients than CONTROL_CLIENT_MAX come and go).
await test('control_clients_leave_no_descriptors', async () => {
	const fds = () => fs.readdirSync(`/proc/${d.proc.pid}/fd`).length;
	await ask(sock2, { op: 'status' });
	await new Promise((r) => setTimeout(r, 200));
	const before = fds();
	for (let i = 0; i < 300; i++) {
		const c = control(sock2);
		await c.ready;
		if (i % 3 === 0) {
			await c.req({ op: 'status' });
			c.close();
		} else if (i % 3 === 1) {
			c.send('{"op":"status"}\n');
			c.sock.end(); // half-close: answered, then closed by ocppd
			await c.closed;
		} else {
			c.send('{"op":"cp');
			c.close(); // gone mid-line
		}
	}
	const s = await ask(sock2, { op: 'status' });
	await until(() => fds() <= before, 5000, 50);
	checkEq('descriptors_back', [s.ok, fds() <= before], [true, true]);
});

const exit = await d.stop();
checkEq('second_ocppd_clean_exit', exit.code, 0);
check('control_socket_removed_at_exit', !fs.existsSync(sock2), sock2);
check('main_control_socket_kept', fs.existsSync(mainSock), mainSock);
done();
