#!/usr/bin/env node
// 94-proxy-tls.mjs — TLS at HAProxy (docs/security.md): Debian's haproxy
// runs the shipped haproxy/ocpp.cfg as it is, its TLS frontend switched
// on by CSMS_OCPP_TLS_*, its three servers all pointed at an ocppd of
// this test (port base+27) that trusts 127.0.0.1 with trusted_proxy_tls.
// A throwaway CA and certificates are made with openssl (as 92-cp-tls).
//   - profile 3: a certificate with the charge point's CN is accepted
//     through the proxy; another CN, or none, is 403;
//   - profile 2: Basic over TLS accepted (401 without the password);
//     through the plain frontend 403 (no TLS), even with forged headers;
//   - certificate headers a client sends are removed by HAProxy;
//   - the same headers sent straight to ocppd from an untrusted address
//     (127.0.0.2) are refused with 400 and logged.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import {
	check, checkEq, done, env, fail, ownPort, q, sql, startOcppd, test, until,
} from '../node/lib.mjs';

const root = process.env.CSMS_ROOT || path.resolve(new URL('../..', import.meta.url).pathname);
const tag = `X${process.pid % 100000}`;
const P0 = `${tag}_P0`, P2 = `${tag}_P2`, P3 = `${tag}_P3`;
const PW = 'proxy-tls-password-77';
const dir = `${env.out}/94-pki`;
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });

let haproxyBin = '';
try {
	haproxyBin = execFileSync('sh', ['-c', 'command -v haproxy || ls /usr/sbin/haproxy'], { encoding: 'utf8' }).trim();
} catch { /* below */ }
if (!haproxyBin) {
	fail('haproxy_installed', 'haproxy not found (scripts/install-deps.sh --test installs it)');
	done();
}

// ---- a throwaway PKI ----------------------------------------------------------
const ossl = (...a) => execFileSync('openssl', a, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
const key = (name) => ossl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
key('ca');
ossl('req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=csms proxy test CA', '-days', '2', '-out', 'ca.crt');
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
const pem = (f) => fs.readFileSync(`${dir}/${f}`);
// HAProxy takes the chain and the key in one file.
fs.writeFileSync(`${dir}/server.pem`, Buffer.concat([pem('server.crt'), pem('server.key')]));

// ---- ocppd behind the proxy, and the proxy ------------------------------------
sql(`DELETE FROM charge_points WHERE id IN (${[P0, P2, P3].map(q).join(',')})`);
sql(`INSERT INTO charge_points (id, security_profile) VALUES (${q(P0)}, 0), (${q(P2)}, 2), (${q(P3)}, 3)`);

const ocppdPort = ownPort(27), plainPort = ownPort(28), tlsPort = ownPort(29);
const sock = `${env.out}/94-ocppd.sock`;
const d = await startOcppd({
	CSMS_OCPP_PORT: ocppdPort, CSMS_CONTROL_SOCKET: sock, CSMS_OCPP_LISTEN: '0.0.0.0',
	CSMS_TRUSTED_PROXIES: '127.0.0.1', CSMS_TRUSTED_PROXY_TLS: 'yes',
}, '94-proxy-tls');

const hlog = `${env.out}/94-haproxy.log`;
const hfd = fs.openSync(hlog, 'w');
const node = `127.0.0.1:${ocppdPort}`;
const hap = spawn(haproxyBin, ['-db', '-f', `${root}/haproxy/ocpp.cfg`], {
	env: {
		...process.env,
		CSMS_OCPP_BIND: `127.0.0.1:${plainPort}`,
		CSMS_OCPP_TLS_BIND: `127.0.0.1:${tlsPort}`,
		CSMS_OCPP_TLS_CRT: `${dir}/server.pem`,
		CSMS_OCPP_TLS_CA: `${dir}/ca.crt`,
		CSMS_OCPPD_1: node, CSMS_OCPPD_2: node, CSMS_OCPPD_3: node,
		CSMS_HAPROXY_MAXCONN: '1000',
	},
	stdio: ['ignore', hfd, hfd],
});
fs.closeSync(hfd);
const hapExited = new Promise((r) => hap.on('exit', (code, sig) => r({ code, sig })));

// A WebSocket upgrade; tls: https options (ca, cert, key) or null for
// plain; extra: more headers; local: the source address.  Resolves the
// HTTP status (101 upgraded; 0 no answer).
function upgrade(port, id, { auth = null, tls = null, extra = {}, local = undefined } = {}) {
	return new Promise((resolve) => {
		const headers = {
			Connection: 'Upgrade', Upgrade: 'websocket',
			'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
			'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Protocol': 'ocpp1.6', ...extra,
		};
		if (auth) headers.Authorization = `Basic ${Buffer.from(`${id}:${auth}`).toString('base64')}`;
		const mod = tls ? https : http;
		const req = mod.request({ host: '127.0.0.1', port, path: `/${id}`, headers, localAddress: local,
			servername: 'localhost', timeout: 5000, agent: false, ...(tls || {}) });
		req.on('upgrade', (res, s) => { resolve(101); s.destroy(); });
		req.on('response', (res) => { resolve(res.statusCode); res.resume(); req.destroy(); });
		req.on('timeout', () => { resolve(0); req.destroy(); });
		req.on('error', () => resolve(0));
		req.end();
	});
}
const ca = { ca: pem('ca.crt') };
const cert = (n) => ({ ...ca, cert: pem(`${n}.crt`), key: pem(`${n}.key`) });

try {
	// HAProxy is up once a profile-0 charge point gets through it.
	const up = await until(async () => (await upgrade(tlsPort, P0, { tls: ca })) === 101, 15000, 200);
	if (!up) throw new Error(`no upgrade through HAProxy (see ${hlog})`);

	await test('profile3_through_proxy', async () => {
		checkEq('p3_right_cn_101', await upgrade(tlsPort, P3, { tls: cert('cp3') }), 101);
		checkEq('p3_wrong_cn_403', await upgrade(tlsPort, P3, { tls: cert('other') }), 403);
		checkEq('p3_no_cert_403', await upgrade(tlsPort, P3, { tls: ca }), 403);
		// A client's own certificate headers never reach ocppd.
		checkEq('p3_forged_headers_tls_403', await upgrade(tlsPort, P3, { tls: ca,
			extra: { 'X-SSL-Client-Verify': '0', 'X-SSL-Client-CN': P3 } }), 403);
		checkEq('p3_plain_frontend_403', await upgrade(plainPort, P3, {
			extra: { 'X-Forwarded-Proto': 'https', 'X-SSL-Client-Verify': '0', 'X-SSL-Client-CN': P3 } }), 403);
		const log = fs.readFileSync(d.log, 'utf8');
		check('wrong_cn_logged', log.includes(`presented CN "${tag}_someone_else" (via the TLS proxy)`),
			'no log line for the wrong CN');
	});

	await test('profile2_through_proxy', async () => {
		await until(() => fs.existsSync(sock), 5000, 20);
		const ctl = net.connect(sock);
		const answer = new Promise((r) => ctl.once('data', (b) => r(JSON.parse(b.toString()))));
		ctl.write(JSON.stringify({ op: 'cp_set_password', cp_id: P2, params: { password: PW } }) + '\n');
		const a = await answer;
		ctl.end();
		if (!a.ok) throw new Error(JSON.stringify(a));
		checkEq('p2_no_password_401', await upgrade(tlsPort, P2, { tls: ca }), 401);
		checkEq('p2_password_over_tls_101', await upgrade(tlsPort, P2, { tls: ca, auth: PW }), 101);
		checkEq('p2_password_plain_403', await upgrade(plainPort, P2, { auth: PW,
			extra: { 'X-Forwarded-Proto': 'https' } }), 403);
	});

	await test('headers_from_untrusted_peer_refused', async () => {
		const forged = { 'X-Forwarded-Proto': 'https', 'X-SSL-Client-Verify': '0', 'X-SSL-Client-CN': P3 };
		checkEq('direct_untrusted_400', await upgrade(ocppdPort, P3, { extra: forged, local: '127.0.0.2' }), 400);
		checkEq('direct_untrusted_proto_only_400', await upgrade(ocppdPort, P2, { auth: PW,
			extra: { 'X-Forwarded-Proto': 'https' }, local: '127.0.0.2' }), 400);
		// Without the headers the untrusted peer is an ordinary client.
		checkEq('direct_untrusted_plain_p0_101', await upgrade(ocppdPort, P0, { local: '127.0.0.2' }), 101);
		const log = fs.readFileSync(d.log, 'utf8');
		check('untrusted_logged', /handshake from 127\.0\.0\.2 refused \(400\): client certificate headers .* from a peer that is not a trusted TLS proxy/
			.test(log), 'no log line for the refused headers');
	});
} catch (e) {
	fail('proxy_tls', e.message);
}

hap.kill('SIGTERM');
const hx = await hapExited;
check('haproxy_ran_until_stopped', hx.sig === 'SIGTERM' || hx.code === 0, `haproxy exited ${JSON.stringify(hx)}, see ${hlog}`);
checkEq('ocppd_exit_0', (await d.stop()).code, 0);
done();
