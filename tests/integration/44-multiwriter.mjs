#!/usr/bin/env node
// 44-multiwriter.mjs — several ocppd writing one database
// (sql/009_multiwriter.sql, docs/scale-out.md), with two nodes of our own
// beside the suite's single node: A (node_id "n44a", a short id) and B (a
// 60-character node_id).
//
//  - tx_daily: each node's workers write their own shards (@csms_shard,
//    from the node id and worker number, never 0..7), set again after the
//    database connection was killed; any other writer falls back to
//    CONNECTION_ID() % 8; the sums still equal the rows;
//  - command uniqueIds carry the node's tag (the id itself when short, a
//    hash when long), at most 36 characters;
//  - credential reloads are incremental: an SQL INSERT, an SQL UPDATE of a
//    charge point's credentials and an SQL DELETE are seen by a running
//    ocppd within a reload or two, and an UPDATE of another column does
//    not touch the change stamp;
//  - migrate_on_start = no: a database without the schema, or behind this
//    build, stops ocppd with one line naming `ocppd --migrate`; the
//    database is untouched; after the migration it starts; 009 applies
//    again over itself.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import {
	check, checkEq, cpId, done, env, ocppClient, ownPort, q, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const NODE_A = 'n44a';
const NODE_B = `node-44-${'x'.repeat(52)}`;
const WORKERS = 2;

function fnv1a32(s) {
	let h = 2166136261;
	for (const b of Buffer.from(s, 'utf8')) h = Math.imul(h ^ b, 16777619) >>> 0;
	return h;
}
// lib/nodetag.c's shard and uid tag, written again from the comment.
const shard = (node, w) => 8 + (((fnv1a32(node) & 0xffffff) << 6 | w) >>> 0);
const shards = (node) => Array.from({ length: WORKERS }, (_, w) => String(shard(node, w)));
const hashTag = (node) => `~${(fnv1a32(node) & 0xfffffff).toString(16).padStart(7, '0')}`;

// A day of our own (the suite's database outlives runs).
const base = Date.UTC(1990, 0, 1) + Math.floor(Math.random() * 9000) * 86400000;
const day = (k) => new Date(base + k * 86400000).toISOString().slice(0, 10);
const dayTs = (k) => `${day(k)}T10:00:00.000Z`;

function control(p) {
	const sock = net.connect(p);
	let buf = '';
	const waiters = [];
	sock.setEncoding('utf8');
	sock.on('data', (d) => {
		buf += d;
		let i;
		while ((i = buf.indexOf('\n')) >= 0) {
			const l = buf.slice(0, i);
			buf = buf.slice(i + 1);
			if (waiters.length) waiters.shift()(JSON.parse(l));
		}
	});
	sock.on('error', () => {});
	const ready = new Promise((r, j) => { sock.once('connect', r); sock.once('error', j); });
	return {
		async req(o) { await ready; sock.write(JSON.stringify(o) + '\n'); return new Promise((r) => waiters.push(r)); },
		close() { sock.end(); },
	};
}

function upgrade(port, id, auth) {
	return new Promise((resolve) => {
		const headers = {
			Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
			'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Protocol': 'ocpp1.6',
		};
		if (auth) headers.Authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
		const req = http.request({ host: '127.0.0.1', port, path: `/${encodeURIComponent(id)}`, headers });
		req.on('upgrade', (res, s) => { resolve(101); s.destroy(); });
		req.on('response', (res) => { resolve(res.statusCode); res.resume(); req.destroy(); });
		req.on('error', () => resolve(0));
		req.end();
	});
}

const TAG = `T44${process.pid % 100000}`.slice(0, 20);
sql(`INSERT INTO users (id_tag, status) VALUES (${q(TAG)}, 'Accepted') ON DUPLICATE KEY UPDATE status = 'Accepted'`);

// Registered before the nodes start (A refuses unknown charge points).
const CA = cpId('a'), CB = cpId('b'), CUPD = cpId('upd'), CDEL = cpId('del'), CNEW = cpId('new'), CPW = cpId('pw');
for (const id of [CA, CB, CUPD, CDEL, CPW])
	sql(`INSERT INTO charge_points (id) VALUES (${q(id)}) ON DUPLICATE KEY UPDATE security_profile = 0, auth_hash = NULL`);
sql(`DELETE FROM charge_points WHERE id = ${q(CNEW)}`);

const portA = ownPort(62), portB = ownPort(63);
const common = { CSMS_DB_WORKERS: String(WORKERS), CSMS_ALLOW_UNKNOWN_CPS: 'no', CSMS_LOG_LEVEL: 'debug' };
const nodeA = await startOcppd({ ...common, CSMS_OCPP_PORT: String(portA), CSMS_NODE_ID: NODE_A }, `44-node-a-${process.pid}`);
const nodeB = await startOcppd({ ...common, CSMS_OCPP_PORT: String(portB), CSMS_NODE_ID: NODE_B }, `44-node-b-${process.pid}`);
const sockA = `${env.out}/44-node-a-${process.pid}.sock`;

async function session(url, id, k) {
	const cli = await ocppClient(id, { url });
	try {
		await cli.call('BootNotification', { chargePointVendor: 'T44', chargePointModel: 'multi' });
		const s = await cli.call('StartTransaction', { connectorId: 1, idTag: TAG, meterStart: 1000, timestamp: dayTs(k) });
		await cli.call('StopTransaction', { transactionId: s.transactionId, meterStop: 1500, timestamp: dayTs(k) });
		return s.transactionId;
	} finally {
		await cli.close({ force: true });
	}
}
// The shards holding day k's counts (rows that count something).
const dayShards = (k) => sql(`SELECT shard FROM tx_daily WHERE day = '${day(k)}' AND (n <> 0 OR wh <> 0) ORDER BY shard`).map((r) => r[0]);
const daySums = (k) => sql(`SELECT (SELECT COALESCE(SUM(n), 0) FROM tx_daily WHERE day = '${day(k)}'),
	(SELECT COALESCE(SUM(wh), 0) FROM tx_daily WHERE day = '${day(k)}'),
	(SELECT COUNT(*) FROM transactions WHERE DATE(start_ts) = '${day(k)}')`)[0];

try {
	// ---- tx_daily shards ------------------------------------------------
	await test('node_a_writes_its_own_shards', async () => {
		await session(nodeA.url, CA, 0);
		const got = dayShards(0);
		if (!got.length || got.some((s) => !shards(NODE_A).includes(s)))
			throw new Error(`shards ${got}, node A's are ${shards(NODE_A)}`);
	});
	await test('node_b_writes_other_shards', async () => {
		await session(nodeB.url, CB, 1);
		const got = dayShards(1);
		if (!got.length || got.some((s) => !shards(NODE_B).includes(s)))
			throw new Error(`shards ${got}, node B's are ${shards(NODE_B)}`);
		if (shards(NODE_B).some((s) => shards(NODE_A).includes(s))) throw new Error('the nodes share a shard');
	});
	checkEq('sums_equal_rows', [daySums(0), daySums(1)], [['1', '500', '1'], ['1', '500', '1']]);

	await test('other_writers_fall_back_to_connection_id', async () => {
		sql(`INSERT INTO transactions (cp_id, connector_id, id_tag, meter_start, meter_stop, start_ts, stop_ts)
			VALUES (${q(CA)}, 2, ${q(TAG)}, 0, 100, '${day(2)} 08:00:00', '${day(2)} 09:00:00')`);
		const got = dayShards(2);
		if (got.length !== 1 || Number(got[0]) > 7) throw new Error(`shards ${got}`);
		sql(`DELETE FROM transactions WHERE cp_id = ${q(CA)} AND DATE(start_ts) = '${day(2)}'`);
		checkEq('sums_after_delete', daySums(2), ['0', '0', '0']);
	});

	// ---- uniqueIds --------------------------------------------------------
	async function uidOf(url, sock, id) {
		const cli = await ocppClient(id, { url });
		let seen = null;
		cli.handle('ClearCache', ({ messageId }) => { seen = messageId; return { status: 'Accepted' }; });
		try {
			await cli.call('BootNotification', { chargePointVendor: 'T44', chargePointModel: 'multi' });
			const c = control(sock);
			const r = await c.req({ op: 'ClearCache', cp_id: id, params: {} });
			c.close();
			if (!r.ok) throw new Error(JSON.stringify(r));
		} finally {
			await cli.close({ force: true });
		}
		const stored = await until(() => sqlValue(`SELECT uid FROM commands WHERE cp_id = ${q(id)} AND action = 'ClearCache' ORDER BY id DESC LIMIT 1`), 5000);
		return { seen, stored };
	}
	await test('uid_carries_short_node_id', async () => {
		const { seen, stored } = await uidOf(nodeA.url, sockA, CA);
		if (!/^cs-n44a-[0-9a-f]+-\d+$/.test(seen || '') || stored !== seen)
			throw new Error(`sent ${seen}, stored ${stored}`);
	});
	await test('uid_carries_hash_of_long_node_id', async () => {
		const { seen, stored } = await uidOf(nodeB.url, `${env.out}/44-node-b-${process.pid}.sock`, CB);
		const re = new RegExp(`^cs-${hashTag(NODE_B)}-[0-9a-f]+-\\d+$`);
		if (!re.test(seen || '') || seen.length > 36 || stored !== seen)
			throw new Error(`sent ${seen} (${seen && seen.length} chars), stored ${stored}`);
	});

	// ---- incremental credential reloads -----------------------------------
	await test('sql_changes_to_credentials_seen_without_restart', async () => {
		const c = control(sockA);
		const r = await c.req({ op: 'cp_set_password', cp_id: CPW, params: { password: 'multi-writer-44', profile: 1 } });
		c.close();
		if (!r.ok) throw new Error(JSON.stringify(r));
		checkEq('before_update', await upgrade(portA, CUPD), 101);
		checkEq('before_delete', await upgrade(portA, CDEL), 101);
		checkEq('before_insert', await upgrade(portA, CNEW), 404);
		const stamp = () => sqlValue(`SELECT sec_changed_at FROM charge_points WHERE id = ${q(CUPD)}`);
		const s0 = stamp();
		sql(`UPDATE charge_points SET vendor = 'other column' WHERE id = ${q(CUPD)}`);
		checkEq('other_column_keeps_stamp', stamp(), s0);
		// An admin's SQL, three ways at once.
		sql(`SELECT auth_hash INTO @h FROM charge_points WHERE id = ${q(CPW)};
			UPDATE charge_points SET security_profile = 1, auth_hash = @h WHERE id = ${q(CUPD)};
			DELETE FROM charge_points WHERE id = ${q(CDEL)};
			INSERT INTO charge_points (id) VALUES (${q(CNEW)})`);
		check('credential_update_stamps', stamp() !== s0, 'sec_changed_at unchanged');
		const seen = await until(async () => (await upgrade(portA, CUPD)) === 401
			&& (await upgrade(portA, CDEL)) === 404 && (await upgrade(portA, CNEW)) === 101, 30000, 500);
		if (!seen) throw new Error(`after 30 s: update ${await upgrade(portA, CUPD)}, delete ${await upgrade(portA, CDEL)}, insert ${await upgrade(portA, CNEW)}`);
		checkEq('updated_password_works', await upgrade(portA, CUPD, `${CUPD}:multi-writer-44`), 101);
		// Read as changes, not by reading every charge point again.
		const log = fs.readFileSync(nodeA.log, 'utf8');
		check('read_incrementally', /credentials reload: [1-9]\d* changed, [1-9]\d* gone/.test(log),
			'no incremental reload carried the changes');
		check('one_full_reload', (log.match(/credentials reload: all/g) || []).length === 1,
			'full reloads: ' + (log.match(/credentials reload: all/g) || []).length);
	});
	// Last: the other nodes' workers lose their connections too.
	await test('shard_set_again_after_reconnect', async () => {
		// Every connection of the write account but this one: the
		// workers of all three nodes reconnect.
		const ids = sql(`SELECT id FROM information_schema.PROCESSLIST WHERE user = ${q(env.dbUser)} AND id <> CONNECTION_ID()`);
		for (const [id] of ids) {
			try { sql(`KILL CONNECTION ${Number(id)}`); } catch { /* gone already */ }
		}
		check('connections_killed', ids.length >= WORKERS, `${ids.length} connections`);
		let ok = false, last;
		for (let i = 0; i < 40 && !ok; i++) {
			try { await session(nodeA.url, CA, 3); ok = true; } catch (e) { last = e; await new Promise((r) => setTimeout(r, 250)); }
		}
		if (!ok) throw new Error(`no session after the kill: ${last}`);
		const got = dayShards(3);
		if (!got.length || got.some((s) => !shards(NODE_A).includes(s)))
			throw new Error(`shards ${got} after reconnect, node A's are ${shards(NODE_A)}`);
	});
} finally {
	await nodeA.stop();
	await nodeB.stop();
}

// ---- migrate_on_start = no ------------------------------------------------
const DB = `csms_t44_${process.pid}`;
const ADMIN = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
const admin = (query, db = '') => execFileSync('mariadb', ['--no-defaults', '-S', env.dbSocket,
	'-u', ADMIN, '-N', '-B', '-r', ...(db ? [db] : []), '-e', query], { encoding: 'utf8' }).trim();
const sqlDir = path.join(new URL('../..', import.meta.url).pathname, 'sql');
const newest = Math.max(...fs.readdirSync(sqlDir).filter((f) => /^\d+_.*\.sql$/.test(f)).map((f) => parseInt(f, 10)));
const portM = ownPort(64);

function ocppd(args, extra = {}) {
	const r = spawnSync(`${env.bin}/ocppd`, ['-c', env.conf, ...args], {
		encoding: 'utf8', timeout: 120000,
		env: { ...process.env, CSMS_DB_NAME: DB, CSMS_OCPP_PORT: String(portM),
			CSMS_CONTROL_SOCKET: `${env.out}/44-m-${process.pid}.sock`, CSMS_MIGRATE_ON_START: 'no', ...extra },
	});
	return { status: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

admin(`CREATE DATABASE \`${DB}\`; GRANT ALL ON \`${DB}\`.* TO '${env.dbUser}'@'localhost'`);
try {
	await test('no_schema_refused_with_command', async () => {
		const r = ocppd([]);
		if (r.status === 0 || !/no schema yet.*ocppd --migrate/.test(r.out) || r.out.split('\n').length !== 1)
			throw new Error(`status ${r.status}: ${r.out}`);
	});
	checkEq('nothing_created', admin(`SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '${DB}'`), '0');
	await test('migrate_then_start', async () => {
		const m = ocppd(['--migrate']);
		if (m.status !== 0) throw new Error(m.out);
		const d = await startOcppd({ CSMS_DB_NAME: DB, CSMS_OCPP_PORT: String(portM), CSMS_MIGRATE_ON_START: 'no' }, `44-m-${process.pid}`);
		await d.stop();
	});
	await test('behind_refused_with_versions', async () => {
		admin(`DELETE FROM schema_version WHERE version = ${newest}`, DB);
		const have = admin('SELECT MAX(version) FROM schema_version', DB);
		const r = ocppd([]);
		const want = new RegExp(`schema is at version ${have}, this build needs ${newest}.*ocppd --migrate`);
		if (r.status === 0 || !want.test(r.out) || r.out.split('\n').length !== 1)
			throw new Error(`status ${r.status}: ${r.out}`);
		checkEq('not_migrated', admin('SELECT MAX(version) FROM schema_version', DB), have);
	});
	await test('newest_migration_applies_over_itself', async () => {
		const m = ocppd(['--migrate']);
		if (m.status !== 0) throw new Error(m.out);
		checkEq('recorded_again', admin('SELECT MAX(version) FROM schema_version', DB), String(newest));
	});
	await test('default_still_migrates', async () => {
		admin(`DROP DATABASE \`${DB}\`; CREATE DATABASE \`${DB}\``);
		const d = await startOcppd({ CSMS_DB_NAME: DB, CSMS_OCPP_PORT: String(portM) }, `44-m2-${process.pid}`);
		await d.stop();
		checkEq('migrated_at_start', admin('SELECT MAX(version) FROM schema_version', DB), String(newest));
	});
} finally {
	admin(`DROP DATABASE IF EXISTS \`${DB}\``);
}
done();
