#!/usr/bin/env node
// 92-cp-tls.mjs — security profiles 2 and 3 (docs/security.md): a
// throwaway CA, server and client certificates made with openssl at test
// time, a second ocppd on wss:// (port base+23) and one that requires
// client certificates (base+24).
//   - cpsim wss:// --ca connects; plain ws:// to the TLS port is refused;
//     TLS 1.1 is refused;
//   - profile 2: Basic auth over TLS (401 without, 101 with);
//   - profile 3: the client certificate's CN must be the identity (a
//     certificate of another CN gets 403, none 403 (the listener asks
//     for one but lets profile 1/2 in without), one not issued by
//     tls_ca fails the TLS handshake).
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import {
	check, checkEq, done, env, ownPort, q, sql, startOcppd, test, until,
} from '../node/lib.mjs';

const tag = `S${process.pid % 100000}`;
const P1 = `${tag}_T1`, P2 = `${tag}_T2`, P3 = `${tag}_T3`;
const PW = 'tls-password-4e8b';
const dir = `${env.out}/92-pki`;
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });

// ---- a throwaway PKI ----------------------------------------------------------
const ossl = (...a) => execFileSync('openssl', a, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
const key = (name) => ossl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
key('ca');
ossl('req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=csms test CA', '-days', '2', '-out', 'ca.crt');
function issue(name, cn, ext) {
	key(name);
	ossl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`);
	fs.writeFileSync(`${dir}/${name}.ext`, ext);
	ossl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
		'-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.crt`);
}
issue('server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
issue('cp3', P3, 'extendedKeyUsage=clientAuth\n');
issue('other', `${tag}_someone_else`, 'extendedKeyUsage=clientAuth\n');
// The right CN, self-signed: not issued by tls_ca.
key('self3');
ossl('req', '-x509', '-new', '-key', 'self3.key', '-subj', `/CN=${P3}`, '-days', '2', '-out', 'self3.crt');
const pem = (f) => fs.readFileSync(`${dir}/${f}`);

// ---- helpers ---------------------------------------------------------------
function control(path) {
	const sock = net.connect(path);
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
	return {
		ready: new Promise((r, j) => { sock.once('connect', r); sock.once('error', j); }),
		req(obj) {
			sock.write(JSON.stringify(obj) + '\n');
			return new Promise((r) => waiters.push(r));
		},
		close() { sock.end(); },
	};
}

// A WebSocket upgrade over TLS (tls: ca/cert/key/maxVersion) or plain
// (tls null); resolves { status } (0: no HTTP answer at all).
function upgrade(port, id, auth, tls) {
	return new Promise((resolve) => {
		const headers = {
			Connection: 'Upgrade', Upgrade: 'websocket',
			'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
			'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Protocol': 'ocpp1.6',
		};
		if (auth) headers.Authorization = `Basic ${Buffer.from(`${id}:${auth}`).toString('base64')}`;
		const mod = tls ? https : http;
		const req = mod.request({ host: '127.0.0.1', port, path: `/${id}`, headers,
			servername: 'localhost', timeout: 5000, ...(tls || {}) });
		req.on('upgrade', (res, s) => { resolve({ status: 101 }); s.destroy(); });
		req.on('response', (res) => { resolve({ status: res.statusCode }); res.resume(); req.destroy(); });
		req.on('timeout', () => { resolve({ status: 0, error: 'timeout' }); req.destroy(); });
		req.on('error', (e) => resolve({ status: 0, error: e.message }));
		req.end();
	});
}

const run = (bin, args) => new Promise((resolve) => execFile(bin, args, { timeout: 30000 },
	(err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, stderr })));

// ---- profile 2: wss:// with Basic --------------------------------------------
sql(`DELETE FROM charge_points WHERE id IN (${[P1, P2, P3].map(q).join(',')})`);
sql(`INSERT INTO charge_points (id, security_profile) VALUES (${q(P1)}, 0), (${q(P2)}, 2), (${q(P3)}, 3)`);

const port = ownPort(23);
const sock = `${env.out}/92-ocppd.sock`;
const d = await startOcppd({
	CSMS_OCPP_PORT: port, CSMS_CONTROL_SOCKET: sock,
	CSMS_TLS_CERT: `${dir}/server.crt`, CSMS_TLS_KEY: `${dir}/server.key`,
}, '92-tls');
const ca = { ca: pem('ca.crt') };

await test('cpsim_wss_with_ca', async () => {
	const r = await run(`${env.bin}/cpsim`, ['--sessions', '0', '--exit-after-session', '--quiet',
		'--ca', `${dir}/ca.crt`, `wss://localhost:${port}/${P1}`]);
	if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr.slice(0, 300)}`);
});

await test('plain_ws_refused', async () => {
	const r = await upgrade(port, P1, null, null);
	check('plain_ws_not_101', r.status !== 101 && r.status < 200 || r.status >= 400, JSON.stringify(r));
	checkEq('plain_ws_status', r.status === 101 ? 'upgraded' : 'refused', 'refused');
});

await test('tls11_refused', async () => {
	const r = await upgrade(port, P1, null, { ...ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.1',
		ciphers: 'DEFAULT@SECLEVEL=0' });
	checkEq('tls11_status', r.status, 0);
});

await test('tls12_accepted', async () => {
	checkEq('tls12_status', (await upgrade(port, P1, null, { ...ca, maxVersion: 'TLSv1.2' })).status, 101);
});

await test('profile2_basic_over_tls', async () => {
	await until(() => fs.existsSync(sock), 5000, 20);
	const ctl = control(sock);
	await ctl.ready;
	const r = await ctl.req({ op: 'cp_set_password', cp_id: P2, params: { password: PW } });
	if (!r.ok) throw new Error(JSON.stringify(r));
	ctl.close();
	checkEq('profile2_no_password_401', (await upgrade(port, P2, null, ca)).status, 401);
	checkEq('profile2_password_101', (await upgrade(port, P2, PW, ca)).status, 101);
	const c = await run(`${env.bin}/cpsim`, ['--sessions', '0', '--exit-after-session', '--quiet',
		'--ca', `${dir}/ca.crt`, '--basic-auth', `${P2}:${PW}`, `wss://localhost:${port}/${P2}`]);
	checkEq('profile2_cpsim_exit', c.code, 0);
});

await test('profile3_without_ca_config_403', async () => {
	checkEq('profile3_no_client_certs_403', (await upgrade(port, P3, null, ca)).status, 403);
});
checkEq('tls_exit_0', (await d.stop()).code, 0);

// ---- profile 3: client certificates -------------------------------------------
const port3 = ownPort(24);
const d3 = await startOcppd({
	CSMS_OCPP_PORT: port3, CSMS_CONTROL_SOCKET: '',
	CSMS_TLS_CERT: `${dir}/server.crt`, CSMS_TLS_KEY: `${dir}/server.key`,
	CSMS_TLS_CA: `${dir}/ca.crt`,
}, '92-tls-client');

await test('profile3_client_cert', async () => {
	checkEq('right_cn_101', (await upgrade(port3, P3, null,
		{ ...ca, cert: pem('cp3.crt'), key: pem('cp3.key') })).status, 101);
	checkEq('wrong_cn_403', (await upgrade(port3, P3, null,
		{ ...ca, cert: pem('other.crt'), key: pem('other.key') })).status, 403);
	checkEq('no_cert_403', (await upgrade(port3, P3, null, ca)).status, 403);
	checkEq('untrusted_cert_refused', (await upgrade(port3, P3, null,
		{ ...ca, cert: pem('self3.crt'), key: pem('self3.key') })).status, 0);
	check('cn_mismatch_logged', /refused \(403\): client certificate is not the charge point's/
		.test(fs.readFileSync(d3.log, 'utf8')));
});
checkEq('tls_client_exit_0', (await d3.stop()).code, 0);
done();
