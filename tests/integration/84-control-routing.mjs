#!/usr/bin/env node
// 84-control-routing.mjs — commands reach the ocppd node that holds the
// charge point's link (docs/control.md, "Routing").  Two nodes, A and B,
// run on the suite's database with control listeners (control_listen) and
// the shared secret; the suite's lighttpd and API are the web tier.
//
//  - a TCP control client must send the secret first: none, or a wrong
//    one, is "unauthorized" and the connection is closed; csmsctl -a
//    speaks to a listener with it; a listener other hosts reach without a
//    secret is a start-up error;
//  - a command through the API reaches the node holding the link (A's
//    charge point on A, B's on B);
//  - a charge point that moved between the owner lookup and the send
//    (the old node answers cp_offline) gets its command through the one
//    retry on the node holding it now;
//  - a command to a charge point whose node does not answer (and no
//    other node holds it yet) is cp_offline naming the node, not a 503;
//  - /health asks every live node for its status and counts both;
//  - a tag change reaches a live node when the configured socket does not.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
	check, checkEq, cpId, done, env, ocppClient, ownPort, portOpen, q, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const API = `${env.httpUrl}/cgi-bin/api`;
const SECRET = `s84-${process.pid}-${Math.random().toString(16).slice(2)}0123456789`;
const tag = `T84${process.pid % 100000}`;

// Where the web tier (the suite's config) looks for the secret.
const printed = spawnSync(`${env.bin}/ocppd`, ['-c', env.conf, '--print-config'], { encoding: 'utf8' }).stdout;
const secretFile = /^control_secret_file='([^']*)'$/m.exec(printed)?.[1];
if (!secretFile) throw new Error(`control_secret_file not in --print-config:\n${printed}`);
const hadSecret = fs.existsSync(secretFile);
if (hadSecret) throw new Error(`${secretFile} exists already: not this test's to overwrite`);
fs.mkdirSync(path.dirname(secretFile), { recursive: true, mode: 0o755 });
// ocppd runs as the service user, the web programs as the web server's:
// in this throwaway instance both may read it.
for (let d = path.dirname(secretFile); d.startsWith(path.dirname(env.conf)) && d !== '/'; d = path.dirname(d)) fs.chmodSync(d, 0o755);
fs.writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o644 });
fs.chmodSync(secretFile, 0o644);

const ctlA = ownPort(63), ctlB = ownPort(65);
const nodeEnv = (id, ocpp, ctl) => ({
	CSMS_OCPP_PORT: String(ocpp), CSMS_NODE_ID: `${id}84-${process.pid}`,
	CSMS_CONTROL_LISTEN: `127.0.0.1:${ctl}`, CSMS_CONTROL_SECRET_FILE: secretFile,
});
const A = await startOcppd(nodeEnv('A', ownPort(62), ctlA), `84-node-a-${process.pid}`);
const B = await startOcppd(nodeEnv('B', ownPort(64), ctlB), `84-node-b-${process.pid}`);
const idA = `A84-${process.pid}`, idB = `B84-${process.pid}`, idF = `F84-${process.pid}`;
// The control listener opens a moment after the OCPP port.
await until(async () => await portOpen(ctlA) && portOpen(ctlB), 15000, 50);

async function call(method, p, body) {
	const init = { method };
	if (body !== undefined) {
		init.body = JSON.stringify(body);
		init.headers = { 'Content-Type': 'application/json' };
	}
	const r = await fetch(API + p, init);
	const text = await r.text();
	let json;
	try { json = JSON.parse(text); } catch { json = undefined; }
	return { status: r.status, json, text };
}
const reset = (cp) => call('POST', `/cps/${encodeURIComponent(cp)}/commands/Reset?wait=5`, { type: 'Soft' });

// One control connection: lines in, answers out, and whether it closed.
function control(port) {
	const s = net.connect(port, '127.0.0.1');
	let buf = '';
	const lines = [];
	let closed = false;
	const waiters = [];
	const wake = () => { while (waiters.length) waiters.shift()(); };
	s.on('data', (d) => {
		buf += d;
		let i;
		while ((i = buf.indexOf('\n')) >= 0) { lines.push(JSON.parse(buf.slice(0, i))); buf = buf.slice(i + 1); }
		wake();
	});
	s.on('close', () => { closed = true; wake(); });
	s.on('error', () => {});
	const next = () => new Promise((resolve, reject) => {
		const t = setTimeout(() => reject(new Error('no answer in 5 s')), 5000);
		const look = () => {
			if (lines.length) { clearTimeout(t); resolve(lines.shift()); } else if (closed) { clearTimeout(t); resolve(null); } else waiters.push(look);
		};
		look();
	});
	const isClosed = () => new Promise((resolve) => {
		const t = setTimeout(() => resolve(closed), 5000);
		const look = () => { if (closed) { clearTimeout(t); resolve(true); } else waiters.push(look); };
		look();
	});
	return { send: (o) => s.write(`${JSON.stringify(o)}\n`), next, isClosed, end: () => s.destroy() };
}

const boot = (cli) => cli.call('BootNotification', { chargePointVendor: 'T84', chargePointModel: 'routing' });
const owner = (id) => sql(`SELECT connected, node_id FROM charge_points WHERE id = ${q(id)}`)[0];
// A charge point that records the Resets it gets.
async function cp(id, url) {
	const cli = await ocppClient(id, { url });
	cli.resets = 0;
	cli.handle('Reset', () => { cli.resets++; return { status: 'Accepted' }; });
	await boot(cli);
	return cli;
}

const cleanups = [];
try {
	await test('tcp_control_needs_the_secret', async () => {
		const c1 = control(ctlA);
		c1.send({ op: 'status' });
		const a1 = await c1.next();
		checkEq('request_before_auth_refused', a1?.error?.code, 'unauthorized');
		checkEq('request_before_auth_closed', await c1.isClosed(), true);
		const c2 = control(ctlA);
		c2.send({ op: 'auth', secret: 'not-the-secret-0123456789' });
		checkEq('wrong_secret_refused', (await c2.next())?.error?.code, 'unauthorized');
		checkEq('wrong_secret_closed', await c2.isClosed(), true);
		const c3 = control(ctlA);
		c3.send({ op: 'auth' });
		checkEq('missing_secret_refused', (await c3.next())?.error?.code, 'unauthorized');
		checkEq('missing_secret_closed', await c3.isClosed(), true);
		const c4 = control(ctlA);
		c4.send({ op: 'auth', secret: SECRET });
		const ok = await c4.next();
		checkEq('right_secret_accepted', [ok?.ok, ok?.result?.node_id], [true, idA]);
		c4.send({ op: 'status' });
		checkEq('status_after_auth', (await c4.next())?.ok, true);
		c4.end();
		const log = fs.readFileSync(A.log, 'utf8');
		check('failed_attempts_logged', /wrong secret: connection closed/.test(log) &&
			/a request before authenticating/.test(log), 'no log line for the refused clients');
		check('secret_not_logged', !log.includes('not-the-secret') && !log.includes(SECRET), 'a secret is in the log');
	});

	await test('csmsctl_over_tcp', async () => {
		const run = (args) => spawnSync(`${env.bin}/csmsctl`, args, { encoding: 'utf8', timeout: 15000, env: { ...process.env, CSMS_CONF: env.conf } });
		const ok = run(['-a', `127.0.0.1:${ctlB}`, 'status']);
		checkEq('csmsctl_status_over_tcp', [ok.status, typeof JSON.parse(ok.stdout || '{}').connected_cps], [0, 'number']);
		const wrong = `${env.out}/84-wrong-secret-${process.pid}`;
		fs.writeFileSync(wrong, 'wrong-secret-0123456789\n');
		const bad = run(['-a', `127.0.0.1:${ctlB}`, '-s', wrong, 'status']);
		checkEq('csmsctl_wrong_secret', [bad.status, /secret refused/.test(bad.stderr)], [1, true]);
		fs.unlinkSync(wrong);
	});

	await test('non_loopback_listener_without_secret_is_a_startup_error', async () => {
		const log = `${env.out}/84-no-secret-${process.pid}.log`;
		const fd = fs.openSync(log, 'w');
		const p = spawn(`${env.bin}/ocppd`, ['-c', env.conf], {
			env: { ...process.env, CSMS_OCPP_PORT: String(ownPort(66)), CSMS_CONTROL_SOCKET: `${env.out}/84-no-secret-${process.pid}.sock`,
				CSMS_CONTROL_LISTEN: `0.0.0.0:${ownPort(67)}`, CSMS_CONTROL_SECRET_FILE: `${env.out}/84-none`,
				CSMS_NODE_ID: `N84-${process.pid}` },
			stdio: ['ignore', fd, fd] });
		fs.closeSync(fd);
		const code = await new Promise((resolve) => {
			const t = setTimeout(() => { p.kill('SIGKILL'); resolve('still running'); }, 20000);
			p.on('exit', (c) => { clearTimeout(t); resolve(c); });
		});
		check('refused_to_start', code !== 0 && code !== 'still running', `exit ${code}`);
		check('names_the_problem', /control_listen 0\.0\.0\.0:\d+ is not a loopback address/.test(fs.readFileSync(log, 'utf8')),
			fs.readFileSync(log, 'utf8').split('\n').slice(-3).join(' | '));
	});

	const X = cpId('onA'), Y = cpId('onB');
	const onA = await cp(X, A.url), onB = await cp(Y, B.url);
	cleanups.push(() => onA.close(), () => onB.close());
	await until(() => owner(X)?.[1] === idA && owner(Y)?.[1] === idB, 5000);
	// Both nodes have beaten with their control address.
	await until(() => sqlValue(`SELECT COUNT(*) FROM nodes WHERE node_id IN (${q(idA)}, ${q(idB)}) AND control_addr IS NOT NULL`) === '2', 15000, 100);

	await test('commands_reach_the_node_holding_the_link', async () => {
		checkEq('owners', [owner(X), owner(Y)], [['1', idA], ['1', idB]]);
		checkEq('advertised', sql(`SELECT node_id, control_addr FROM nodes WHERE node_id IN (${q(idA)}, ${q(idB)}) ORDER BY node_id`),
			[[idA, `127.0.0.1:${ctlA}`], [idB, `127.0.0.1:${ctlB}`]]);
		const ra = await reset(X);
		checkEq('reset_on_a', [ra.status, ra.json?.result?.status, onA.resets], [200, 'Accepted', 1]);
		const rb = await reset(Y);
		checkEq('reset_on_b', [rb.status, rb.json?.result?.status, onB.resets], [200, 'Accepted', 1]);
		// Before routing both went to the configured (suite's) socket,
		// which holds neither link: cp_offline.
		const W = cpId('nowhere');
		sql(`INSERT INTO charge_points (id, connected) VALUES (${q(W)}, 0)`);
		const off = await reset(W);
		checkEq('unconnected_offline', [off.status, off.json?.error?.code], [409, 'cp_offline']);
	});

	await test('health_asks_every_node', async () => {
		const h = await call('GET', '/health');
		const mine = (h.json?.nodes || []).filter((n) => n.node_id === idA || n.node_id === idB)
			.map((n) => [n.node_id, n.state, n.connected_cps]);
		checkEq('health_nodes', mine, [[idA, 'ok', 1], [idB, 'ok', 1]]);
		const sum = (h.json?.nodes || []).reduce((s, n) => s + (n.connected_cps || 0), 0);
		checkEq('health_total', [h.status, h.json?.ocppd, h.json?.connected_cps], [200, 'ok', sum]);
		check('health_total_counts_both', h.json?.connected_cps >= 2, JSON.stringify(h.json));
	});

	await test('moved_charge_point_gets_its_command_by_the_retry', async () => {
		// Node F is where the database says the charge point is when the
		// API looks; while F is asked, the charge point moves to node B
		// (it connects there) and F answers as a node that lost the link
		// does: cp_offline.  The API reads the owner again and sends the
		// command to B.
		const Z = cpId('moved');
		let moved, seen = [];
		const fake = net.createServer((s) => {
			let buf = '';
			s.on('data', async (d) => {
				buf += d;
				let i;
				while ((i = buf.indexOf('\n')) >= 0) {
					const req = JSON.parse(buf.slice(0, i));
					buf = buf.slice(i + 1);
					seen.push(req.op === 'auth' ? { op: 'auth', secret_ok: req.secret === SECRET } : { op: req.op, cp_id: req.cp_id });
					if (req.op === 'auth') { s.write(`${JSON.stringify({ ok: true, result: { node_id: idF } })}\n`); continue; }
					moved = await cp(Z, B.url);
					await until(() => owner(Z)?.[1] === idB, 5000);
					s.write(`${JSON.stringify({ ok: false, error: { code: 'cp_offline', message: `${Z} is not connected` } })}\n`);
				}
			});
		});
		await new Promise((r) => fake.listen(0, '127.0.0.1', r));
		cleanups.push(() => fake.close(), () => sql(`DELETE FROM nodes WHERE node_id = ${q(idF)}`));
		sql(`INSERT INTO nodes (node_id, started_at, seen_at, control_addr) VALUES
			(${q(idF)}, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), ${q(`127.0.0.1:${fake.address().port}`)})`);
		sql(`INSERT INTO charge_points (id, connected, connected_since, node_id) VALUES
			(${q(Z)}, 1, UTC_TIMESTAMP(3), ${q(idF)})`);
		const r = await reset(Z);
		checkEq('old_node_asked_with_the_secret', seen, [{ op: 'auth', secret_ok: true }, { op: 'Reset', cp_id: Z }]);
		checkEq('retried_on_the_new_owner', [r.status, r.json?.result?.status, moved?.resets], [200, 'Accepted', 1]);
		await moved?.close();
		sql(`DELETE FROM nodes WHERE node_id = ${q(idF)}`);
	});

	await test('owner_node_gone_is_cp_offline', async () => {
		// The database still names node G, which stopped: nothing listens
		// at its control address (a port this test holds closed).
		const idG = `G84-${process.pid}`, Y = cpId('orphan');
		const closed = net.createServer();
		await new Promise((r) => closed.listen(0, '127.0.0.1', r));
		const gone = closed.address().port;
		await new Promise((r) => closed.close(r));
		cleanups.push(() => sql(`DELETE FROM nodes WHERE node_id = ${q(idG)}`));
		sql(`INSERT INTO nodes (node_id, started_at, seen_at, control_addr) VALUES
			(${q(idG)}, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), ${q(`127.0.0.1:${gone}`)})`);
		sql(`INSERT INTO charge_points (id, connected, connected_since, node_id) VALUES
			(${q(Y)}, 1, UTC_TIMESTAMP(3), ${q(idG)})`);
		const r = await reset(Y);
		checkEq('owner_gone_status', [r.status, r.json?.error?.code], [409, 'cp_offline']);
		check('owner_gone_names_node', String(r.json?.error?.message).includes(idG), JSON.stringify(r.json));
		sql(`DELETE FROM nodes WHERE node_id = ${q(idG)}`);
	});

	await test('tag_change_reaches_a_live_node_when_the_configured_one_is_down', async () => {
		const body = JSON.stringify({ id_tag: tag, name: 'routed' });
		const r = spawnSync(`${env.bin}/api`, [], {
			env: {
				PATH: process.env.PATH, CSMS_CONF: env.conf, GATEWAY_INTERFACE: 'CGI/1.1',
				REQUEST_METHOD: 'POST', SCRIPT_NAME: '/cgi-bin/api', PATH_INFO: '/users', QUERY_STRING: '',
				CONTENT_LENGTH: String(Buffer.byteLength(body)), CONTENT_TYPE: 'application/json',
				REMOTE_ADDR: '127.0.0.1', CSMS_CONTROL_SOCKET: `${env.out}/84-no-such.sock`,
			},
			input: body, encoding: 'utf8', timeout: 20000,
		});
		checkEq('tag_added_via_a_node', Number(/^Status: (\d+)/m.exec(r.stdout || '')?.[1]), 201);
		checkEq('tag_in_database', sqlValue(`SELECT name FROM users WHERE id_tag = ${q(tag)}`), 'routed');
	});
} finally {
	for (const f of cleanups.reverse()) { try { await f(); } catch { /* already gone */ } }
	await A.stop();
	await B.stop();
	// Gone nodes would be asked by /health for 30 s more.
	sql(`DELETE FROM nodes WHERE node_id IN (${q(idA)}, ${q(idB)}, ${q(idF)}, ${q(`N84-${process.pid}`)})`);
	sql(`DELETE FROM users WHERE id_tag = ${q(tag)}`);
	fs.rmSync(secretFile, { force: true });
}
checkEq('node_a_clean_exit', (await A.exited).code, 0);
checkEq('node_b_clean_exit', (await B.exited).code, 0);
done();
