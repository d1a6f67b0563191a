// lib.mjs — helpers for the Node integration tests (tests/integration/*.mjs).
//
// Reporting: every check prints "PASS name" or "FAIL name: reason";
// done() exits non-zero when any failed.  The environment comes from
// scripts/test.sh (CSMS_OCPP_URL, CSMS_DB_SOCKET, CSMS_BIN, ...).
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';

const require = createRequire(import.meta.url);
export const WebSocket = require('ws');
export const { RPCClient, createRPCError } = require('ocpp-rpc');

export const env = {
	ocppUrl: process.env.CSMS_OCPP_URL || 'ws://127.0.0.1:19000',
	httpUrl: process.env.CSMS_HTTP_URL || '',
	conf: process.env.CSMS_CONF || '',
	bin: process.env.CSMS_BIN || 'build/bin',
	dbSocket: process.env.CSMS_DB_SOCKET || '',
	dbName: process.env.CSMS_DB_NAME || 'csms',
	dbUser: process.env.CSMS_DB_USER || 'csms',
	dbPassword: process.env.CSMS_DB_PASSWORD || 'csms',
	out: process.env.CSMS_TEST_OUT || '/tmp',
};

let failed = 0;
let checks = 0;

export function pass(name) {
	checks++;
	console.log(`PASS ${name}`);
}

export function fail(name, why) {
	checks++;
	failed++;
	console.log(`FAIL ${name}: ${String(why).replace(/\s+/g, ' ').slice(0, 600)}`);
}

// check(name, cond, why): PASS when cond is truthy.
export function check(name, cond, why = 'check failed') {
	if (cond) pass(name);
	else fail(name, typeof why === 'function' ? why() : why);
	return !!cond;
}

// Compares with JSON equality and reports both sides on failure.
export function checkEq(name, actual, expected) {
	const a = JSON.stringify(actual), e = JSON.stringify(expected);
	return check(name, a === e, () => `got ${a}, expected ${e}`);
}

// test(name, async fn): PASS if fn resolves, FAIL with the error if not.
export async function test(name, fn) {
	try {
		await fn();
		pass(name);
	} catch (e) {
		fail(name, e && e.stack ? e.message : e);
	}
}

export function done() {
	if (!checks) console.log('FAIL checks: none ran');
	process.exit(failed || !checks ? 1 : 0);
}

// sql(query): rows as arrays of strings (NULL is null), via the mariadb
// client on the test socket with the write account.
export function sql(query) {
	const out = execFileSync('mariadb', ['--no-defaults', '-S', env.dbSocket,
		'-u', env.dbUser, `-p${env.dbPassword}`, '-N', '-B', '-r',
		env.dbName, '-e', query], { encoding: 'utf8' });
	return out.split('\n').filter((l) => l.length)
		.map((l) => l.split('\t').map((v) => (v === 'NULL' ? null : v)));
}

// sqlValue(query): the first column of the first row (or undefined).
export function sqlValue(query) {
	const rows = sql(query);
	return rows.length ? rows[0][0] : undefined;
}

// A quoted SQL string literal (for test-controlled values only).
export function q(s) {
	return `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

// A charge point identity unique to this run of this test file.
export function cpId(name) {
	return `T${process.pid % 100000}_${name}`;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls fn until it returns a truthy value (or the timeout passes);
// returns the last value.  For effects that happen after a reply, such
// as the connected flag written when a socket closes.
export async function until(fn, timeoutMs = 5000, stepMs = 20) {
	const end = Date.now() + timeoutMs;
	let v;
	while (!(v = await fn()) && Date.now() < end) await sleep(stepMs);
	return v;
}

// A strict ocpp-rpc client (validates our replies against the schemas).
export async function ocppClient(identity, opts = {}) {
	const cli = new RPCClient({
		endpoint: opts.url || env.ocppUrl,
		identity,
		protocols: ['ocpp1.6'],
		strictMode: true,
		reconnect: false,
		callTimeoutMs: 10000,
		...opts.client,
	});
	await cli.connect();
	return cli;
}

// A raw WebSocket; resolves once open.  opts: url, protocols (default
// ['ocpp1.6']; null for none), path (overrides /identity).
export function rawClient(identity, opts = {}) {
	const base = opts.url || env.ocppUrl;
	const path = opts.path ?? `/${encodeURIComponent(identity)}`;
	const protocols = opts.protocols === undefined ? ['ocpp1.6'] : opts.protocols;
	const ws = protocols ? new WebSocket(base + path, protocols, opts.ws)
		: new WebSocket(base + path, opts.ws);
	const inbox = [];
	const waiters = [];
	ws.on('message', (data, isBinary) => {
		const text = data.toString();
		if (waiters.length) waiters.shift()(text);
		else inbox.push(text);
	});
	ws.closed = new Promise((resolve) => ws.on('close', (code, reason) =>
		resolve({ code, reason: reason.toString() })));
	// next(): the next text message (parsed if JSON), or null on timeout.
	ws.next = (timeoutMs = 5000) => new Promise((resolve) => {
		if (inbox.length) return resolve(parse(inbox.shift()));
		const t = setTimeout(() => {
			const i = waiters.indexOf(w);
			if (i >= 0) waiters.splice(i, 1);
			resolve(null);
		}, timeoutMs);
		const w = (text) => { clearTimeout(t); resolve(parse(text)); };
		waiters.push(w);
	});
	// call(text): send raw text and wait for the answer.
	ws.call = (text, timeoutMs) => { ws.send(text); return ws.next(timeoutMs); };
	return new Promise((resolve, reject) => {
		ws.once('open', () => resolve(ws));
		ws.once('error', reject);
		ws.once('unexpected-response', (req, res) =>
			reject(Object.assign(new Error(`HTTP ${res.statusCode}`),
				{ status: res.statusCode })));
	});
}

function parse(text) {
	try { return JSON.parse(text); } catch { return text; }
}

// The HTTP status of a WebSocket handshake: 101 when accepted.
export function handshakeStatus(path, protocols, opts = {}) {
	return new Promise((resolve) => {
		const url = (opts.url || env.ocppUrl) + path;
		const ws = protocols ? new WebSocket(url, protocols) : new WebSocket(url);
		ws.once('open', () => { resolve({ status: 101, protocol: ws.protocol }); ws.close(); });
		ws.once('unexpected-response', (req, res) => {
			resolve({ status: res.statusCode });
			req.destroy();
		});
		ws.once('error', (e) => resolve({ status: 0, error: e.message }));
	});
}

// A raw HTTP request line to the OCPP port (for paths the ws client
// would normalise); resolves with the status code.
export function rawHandshake(pathBytes, headers = {}, opts = {}) {
	const u = new URL(opts.url || env.ocppUrl);
	return new Promise((resolve) => {
		const sock = net.connect(Number(u.port), u.hostname, () => {
			const h = { Host: u.host, Upgrade: 'websocket', Connection: 'Upgrade',
				'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
				'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Protocol': 'ocpp1.6',
				...headers };
			let req = `GET ${pathBytes} HTTP/1.1\r\n`;
			for (const [k, v] of Object.entries(h)) if (v !== null) req += `${k}: ${v}\r\n`;
			sock.write(req + '\r\n');
		});
		let buf = '';
		sock.on('data', (d) => {
			buf += d.toString('latin1');
			const m = /^HTTP\/1\.[01] (\d+)/.exec(buf);
			if (m) { resolve(Number(m[1])); sock.destroy(); }
		});
		sock.on('close', () => resolve(0));
		sock.on('error', () => resolve(0));
		sock.setTimeout(5000, () => { resolve(0); sock.destroy(); });
	});
}

// Starts another ocppd with the test config and env overrides (e.g.
// { CSMS_OCPP_PORT: 19041, CSMS_ALLOW_UNKNOWN_CPS: 'no' }); resolves when
// it listens.  Returns { proc, url, port, log, stop() }.  opts.bin picks
// another build's binaries (e.g. the sanitizer build, env.asanBin).
export async function startOcppd(overrides, name, opts = {}) {
	const port = Number(overrides.CSMS_OCPP_PORT);
	const log = `${env.out}/${name}.log`;
	const fd = fs.openSync(log, 'a');
	// A control socket of its own unless the test names one: the stack's
	// ocppd owns the configured one, and a second daemon on it is a
	// start-up error.
	const childEnv = { ...process.env, CSMS_CONTROL_SOCKET: `${env.out}/${name}.sock`, ...overrides };
	delete childEnv.CSMS_CONF;
	const proc = spawn(`${opts.bin || env.bin}/ocppd`, ['-c', env.conf], {
		env: childEnv, stdio: ['ignore', fd, fd] });
	fs.closeSync(fd);
	const exited = new Promise((resolve) => proc.on('exit', (code, sig) => resolve({ code, sig })));
	proc.exited = exited;
	const ok = await until(() => portOpen(port), 15000, 50);
	if (!ok) {
		proc.kill('SIGKILL');
		throw new Error(`ocppd on port ${port} did not start, see ${log}`);
	}
	return {
		proc, port, log,
		url: `ws://127.0.0.1:${port}`,
		exited,
		async stop(sig = 'SIGTERM') {
			if (proc.exitCode === null && proc.signalCode === null) proc.kill(sig);
			return exited;
		},
	};
}

export function portOpen(port, host = '127.0.0.1') {
	return new Promise((resolve) => {
		const s = net.connect(port, host);
		s.once('connect', () => { s.destroy(); resolve(true); });
		s.once('error', () => resolve(false));
	});
}

// The OCPP port of the shared test stack, and a port of our own near it
// (scripts/test.sh gives OCPP the base port and HTTP base + 80; ocppd's
// tests use base + 41..49 for extra daemons).
export function ownPort(offset) {
	const u = new URL(env.ocppUrl);
	return Number(u.port) + offset;
}

export function isoNow(offsetMs = 0) {
	return new Date(Date.now() + offsetMs).toISOString();
}

// A REST API request as a client sends it (a JSON body when one is
// given): {status, json (undefined when not JSON), text}.
export async function apiCall(method, path, body) {
	const init = { method };
	if (body !== undefined) {
		init.body = JSON.stringify(body);
		init.headers = { 'Content-Type': 'application/json' };
	}
	const r = await fetch(`${env.httpUrl}/cgi-bin/api${path}`, init);
	const text = await r.text();
	let json;
	try { json = JSON.parse(text); } catch { json = undefined; }
	return { status: r.status, json, text };
}
