#!/usr/bin/env node
// cert-upload.mjs — make test-cluster's certificate and file checks
// across nodes (run.sh passes the cluster's env: OCPP_URL, OCPP_TLS_URL,
// OCPP_TLS_CA, HTTP_URL, API_BASE, OPERATOR_PASSWORD, DB_*, NODE_PORT,
// CLUSTER_DIR, BIN, OUT).  Prints PASS/FAIL lines.
//   - cert: a charge point's certificate issued via SignCertificate on
//     one node (a link straight to it), then its profile set to 3, and its
//     reconnect with that certificate through HAProxy's TLS port (TLS ends
//     there; the node reads the client-certificate headers) lands on
//     another node (HAProxy's hash) and is let in by the certificate
//     alone; without it, it is refused;
//   - upload: an upload token made by the node holding a charge point
//     (GetDiagnostics through the API), the link then closed, the file
//     PUT through the web tier: recorded, the token used once.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(new URL('../node/', import.meta.url));
const WebSocket = require('ws');

const E = process.env;
const OUT = E.OUT;
let failed = 0;
const pass = (n) => console.log(`PASS ${n}`);
const fail = (n, why) => { failed++; console.log(`FAIL ${n}: ${why}`); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(fn, ms = 10000, step = 100) {
	const end = Date.now() + ms;
	let v;
	while (!(v = await fn()) && Date.now() < end) await sleep(step);
	return v;
}
const db = (query) => execFileSync('mariadb', ['--no-defaults', '-h', E.DB_HOST, '-P', E.DB_PORT, '-u', E.DB_USER,
	`-p${E.DB_PASS}`, E.DB_NAME, '-N', '-B', '-e', query], { encoding: 'utf8' }).trim();
const ctl = (n, ...args) => execFileSync(`${E.BIN}/csmsctl`, ['-c', `${E.CLUSTER_DIR}/ocppd-${n}/csms.conf`, '-t', '10',
	...args], { encoding: 'utf8' });
const nodeUrl = (n) => `ws://127.0.0.${1 + n}:${E.NODE_PORT}`;
const nodeOf = (id) => db(`SELECT node_id FROM charge_points WHERE id = '${id}' AND connected = 1`);

// A charge point link: answers CALLs from answers, call() sends one.
function link(url, id, answers = {}, wsOpts = {}) {
	const ws = new WebSocket(`${url}/${id}`, ['ocpp1.6'], wsOpts);
	const calls = [], waiting = new Map();
	let n = 0;
	ws.on('message', (d) => {
		const m = JSON.parse(d.toString());
		if (m[0] === 2) {
			calls.push(m);
			const a = answers[m[2]];
			ws.send(JSON.stringify([3, m[1], typeof a === 'function' ? a(m[3]) : (a || {})]));
		} else if (waiting.has(m[1])) {
			waiting.get(m[1])(m);
			waiting.delete(m[1]);
		}
	});
	const opened = new Promise((resolve) => {
		ws.on('open', () => resolve(true));
		ws.on('error', () => resolve(false));
		ws.on('unexpected-response', (req, res) => resolve(res.statusCode));
	});
	return {
		ws, calls, opened,
		call(action, payload) {
			const uid = `c${++n}`;
			ws.send(JSON.stringify([2, uid, action, payload]));
			return new Promise((resolve) => waiting.set(uid, resolve));
		},
		close() { ws.close(); return new Promise((r) => ws.on('close', r)); },
	};
}
const boot = (l) => l.call('BootNotification', { chargePointVendor: 'csms-c', chargePointModel: 'cluster' });

// ---- a certificate issued on one node, used through TLS on another --------
const T = 'CLK0000001';
const dir = `${OUT}/cert-pki`;
fs.mkdirSync(dir, { recursive: true });
try {
	// Where HAProxy's hash sends this identity.
	const probe = link(E.OCPP_URL, T);
	if ((await probe.opened) !== true) throw new Error('no link through HAProxy');
	await boot(probe);
	const home = await until(() => nodeOf(T), 5000);
	await probe.close();
	await until(() => nodeOf(T) === '', 5000);
	const issuer = home === 'ocppd-1' ? 2 : 1;
	execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
		'-keyout', `${dir}/cp.key`, '-subj', `/O=csms-cluster/CN=${T}`, '-out', `${dir}/cp.csr`],
	{ stdio: 'ignore' });
	const direct = link(nodeUrl(issuer), T, { CertificateSigned: { status: 'Accepted' } });
	if ((await direct.opened) !== true) throw new Error(`no link to ocppd-${issuer}`);
	await boot(direct);
	const sc = await direct.call('SignCertificate', { csr: fs.readFileSync(`${dir}/cp.csr`, 'utf8') });
	const signed = await until(() => direct.calls.find((m) => m[2] === 'CertificateSigned'), 15000);
	const held = nodeOf(T);
	await direct.close();
	if (sc?.[2]?.status === 'Accepted' && signed && held === `ocppd-${issuer}`) pass('certificate_issued_on_one_node');
	else fail('certificate_issued_on_one_node', `SignCertificate ${JSON.stringify(sc)}, CertificateSigned ${!!signed}, held by ${held}`);
	fs.writeFileSync(`${dir}/cp.crt`, signed?.[3]?.certificateChain || '');
	ctl(issuer, 'cp_set_security', T, 'profile=3');
	await sleep(11000); // every node reloads credentials every 10 s
	const tls = { ca: fs.readFileSync(E.OCPP_TLS_CA), servername: 'localhost' };
	const without = link(E.OCPP_TLS_URL, T, {}, tls);
	const w = await without.opened;
	if (w === true) await without.close();
	const withCert = link(E.OCPP_TLS_URL, T, {}, { ...tls, cert: fs.readFileSync(`${dir}/cp.crt`),
		key: fs.readFileSync(`${dir}/cp.key`) });
	const ok = await withCert.opened;
	let on = '';
	if (ok === true) {
		await boot(withCert);
		on = await until(() => nodeOf(T), 5000);
		await withCert.close();
	}
	if (w !== true && ok === true && on && on !== `ocppd-${issuer}`) pass('certificate_from_one_node_admits_on_another');
	else fail('certificate_from_one_node_admits_on_another',
		`without certificate: ${w}, with it: ${ok} on ${on || '-'} (issued on ocppd-${issuer})`);
} catch (e) {
	fail('certificate_across_nodes', e.message);
}

// ---- an upload token from one node, used through the web tier -------------
const U = 'CLU0000001';
try {
	const l = link(E.OCPP_URL, U, { GetDiagnostics: { fileName: 'diag.txt' } });
	if ((await l.opened) !== true) throw new Error('no link through HAProxy');
	await boot(l);
	const holder = await until(() => nodeOf(U), 5000);
	const auth = `Basic ${Buffer.from(`operator:${E.OPERATOR_PASSWORD}`).toString('base64')}`;
	const r = await fetch(`${E.API_BASE}/cps/${U}/commands/GetDiagnostics?wait=10`, { method: 'POST',
		headers: { Authorization: auth, 'Content-Type': 'application/json' }, body: '{}' });
	const call = l.calls.find((m) => m[2] === 'GetDiagnostics');
	await l.close();
	const loc = call?.[3]?.location || '';
	const path = loc.replace(/^https?:\/\/[^/]+/, '');
	if (!path.startsWith('/files/u/')) throw new Error(`GetDiagnostics ${r.status}, location "${loc}"`);
	const body = `diagnostics of ${U} ${Date.now()}`;
	const put = await fetch(`${E.HTTP_URL}${path}`, { method: 'PUT', body });
	const again = await fetch(`${E.HTTP_URL}${path}`, { method: 'PUT', body });
	const row = db(`SELECT CONCAT_WS(',', kind, size) FROM cp_files WHERE cp_id = '${U}' ORDER BY id DESC LIMIT 1`);
	if (put.status === 201 && again.status === 403 && row === `diagnostics,${body.length}`)
		pass('upload_token_from_one_node_used_through_the_web_tier');
	else fail('upload_token_from_one_node_used_through_the_web_tier',
		`token by ${holder}; PUT ${put.status}, again ${again.status}, row "${row}"`);
} catch (e) {
	fail('upload_token_from_one_node_used_through_the_web_tier', e.message);
}
process.exit(failed ? 1 : 0);
