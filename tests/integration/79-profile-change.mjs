#!/usr/bin/env node
// 79-profile-change.mjs — security profile changes (docs/security.md,
// "Security profile changes"), against ocppds of our own on the shared
// database: two plain nodes (base+58, base+59) and a TLS one with
// tls_ca (base+68).
//   - cp_raise_profile 0 -> 1 on node A: after ChangeConfiguration
//     SecurityProfile Accepted the new profile is pending; a connection
//     with the old one (no credentials) is let in as a fallback, logged
//     and recorded as a security event, on node B too (its credential
//     reload sees the pending profile); the first connection with the new
//     one (Basic) makes it final, after which the old one is refused on
//     both nodes;
//   - one TLS listener with tls_ca serves profile 2 (password, no
//     certificate) and profile 3 (certificate) charge points: a profile-3
//     one without a valid certificate is refused, a profile-2 one without
//     a password is refused, a certificate not issued by tls_ca fails the
//     TLS handshake;
//   - a pending 2 -> 3 on that listener: the password login is a
//     fallback, the certificate login makes 3 final, the password alone
//     is refused afterwards.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import {
	WebSocket, check, checkEq, done, env, ownPort, q, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const tag = `R${process.pid % 100000}`;
const R = `${tag}_R`, P2 = `${tag}_P2`, P3 = `${tag}_P3`, U = `${tag}_U`;
const PW = 'raise-profile-8c1d';
const ids = [R, P2, P3, U];
sql(`DELETE FROM security_events WHERE cp_id IN (${ids.map(q).join(',')})`);
sql(`DELETE FROM charge_points WHERE id IN (${ids.map(q).join(',')})`);
sql(`INSERT INTO charge_points (id, security_profile) VALUES (${q(R)}, 0), (${q(P2)}, 2), (${q(P3)}, 3),
	(${q(U)}, 2)`);

// ---- helpers ---------------------------------------------------------------
// The control socket may come up a moment after the OCPP port.
async function control(name, req) {
	await until(() => fs.existsSync(`${env.out}/${name}.sock`), 10000, 50);
	return new Promise((resolve, reject) => {
		const sock = net.connect(`${env.out}/${name}.sock`);
		let buf = '';
		sock.setEncoding('utf8');
		sock.on('connect', () => sock.write(JSON.stringify(req) + '\n'));
		sock.on('data', (d) => {
			buf += d;
			const i = buf.indexOf('\n');
			if (i >= 0) { resolve(JSON.parse(buf.slice(0, i))); sock.end(); }
		});
		sock.on('error', reject);
	});
}

const basic = (u, p) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

// The status of a WebSocket upgrade (0: no HTTP answer); tls: https
// options, or null for plain ws.
function upgrade(port, id, pw, tls = null) {
	return new Promise((resolve) => {
		const headers = {
			Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
			'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Protocol': 'ocpp1.6',
		};
		if (pw) headers.Authorization = basic(id, pw);
		const req = (tls ? https : http).request({ host: '127.0.0.1', port, path: `/${id}`, headers,
			timeout: 5000, ...(tls ? { servername: 'localhost', ...tls } : {}) });
		req.on('upgrade', (res, s) => { resolve(101); s.destroy(); });
		req.on('response', (res) => { resolve(res.statusCode); res.resume(); req.destroy(); });
		req.on('timeout', () => { resolve(0); req.destroy(); });
		req.on('error', () => resolve(0));
		req.end();
	});
}

const profileOf = (id) => sqlValue(`SELECT CONCAT(security_profile, '/', COALESCE(security_profile_pending, '-'))
	FROM charge_points WHERE id = ${q(id)}`);
const events = (id, type) => Number(sqlValue(`SELECT COUNT(*) FROM security_events WHERE cp_id = ${q(id)}
	AND type = ${q(type)}`));
const disconnected = (id) => until(() => sqlValue(`SELECT connected FROM charge_points
	WHERE id = ${q(id)}`) === '0', 5000, 50);

// ---- the raise and its fallback, on two nodes --------------------------------
const portA = ownPort(58), portB = ownPort(59);
const a = await startOcppd({ CSMS_OCPP_PORT: portA, CSMS_NODE_ID: `${tag}a` }, '79-a');
const b = await startOcppd({ CSMS_OCPP_PORT: portB, CSMS_NODE_ID: `${tag}b` }, '79-b');

await test('raise_is_pending_until_connected', async () => {
	checkEq('password_set', (await control('79-a', { op: 'cp_set_password', cp_id: R,
		params: { password: PW } }))?.ok, true);
	const ws = new WebSocket(`ws://127.0.0.1:${portA}/${R}`, ['ocpp1.6']);
	ws.on('message', (d) => {
		const m = JSON.parse(d.toString());
		if (m[0] === 2 && m[2] === 'ChangeConfiguration')
			ws.send(JSON.stringify([3, m[1], { status: 'Accepted' }]));
	});
	await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
	const r = await control('79-a', { op: 'cp_raise_profile', cp_id: R, params: { profile: 1 }, requested_by: 'test' });
	checkEq('raise_started', r?.result?.status, 'started');
	check('raise_pending', await until(() => profileOf(R) === '0/1', 10000, 50), profileOf(R));
	ws.close();
	await disconnected(R);
});

await test('fallback_accepted_and_recorded', async () => {
	checkEq('old_profile_101', await upgrade(portA, R, null), 101);
	check('fallback_event', await until(() => events(R, 'SecurityProfileFallback') === 1, 5000, 50),
		'no SecurityProfileFallback event');
	checkEq('fallback_info', sqlValue(`SELECT tech_info FROM security_events WHERE cp_id = ${q(R)}
		AND type = 'SecurityProfileFallback'`), 'fell back to profile 0 (profile 1 pending)');
	check('fallback_logged', /fell back to profile 0 \(profile 1 pending\)/.test(fs.readFileSync(a.log, 'utf8')),
		'no "fell back" line');
	checkEq('still_pending', profileOf(R), '0/1');
	await disconnected(R);
	// Node B learns of the pending profile from its credential reload.
	check('other_node_fallback', await until(async () => {
		if (await upgrade(portB, R, null) !== 101) return false;
		await disconnected(R);
		return /fell back to profile 0/.test(fs.readFileSync(b.log, 'utf8'));
	}, 25000, 500), 'node B recorded no fallback');
	await disconnected(R);
	checkEq('wrong_password_401', await upgrade(portA, R, 'not-the-password'), 401);
});

await test('new_profile_becomes_final', async () => {
	checkEq('new_profile_101', await upgrade(portA, R, PW), 101);
	check('final', await until(() => profileOf(R) === '1/-', 5000, 50), profileOf(R));
	checkEq('final_event', events(R, 'SecurityProfileChanged'), 1);
	await disconnected(R);
	checkEq('old_refused_401', await upgrade(portA, R, null), 401);
	check('old_refused_on_other_node', await until(async () => await upgrade(portB, R, null) === 401, 25000, 500),
		'node B still lets the old profile in');
	checkEq('new_on_other_node_101', await upgrade(portB, R, PW), 101);
	checkEq('no_second_final_event', events(R, 'SecurityProfileChanged'), 1);
});
checkEq('a_exit_0', (await a.stop()).code, 0);
checkEq('b_exit_0', (await b.stop()).code, 0);

// ---- profiles 2 and 3 on one TLS listener ------------------------------------
const dir = `${env.out}/79-pki`;
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
const ossl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
const key = (n) => ossl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${n}.key`);
key('ca');
ossl('req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=csms 79 CA', '-days', '2', '-out', 'ca.crt');
function issue(n, cn, ext) {
	key(n);
	ossl('req', '-new', '-key', `${n}.key`, '-subj', `/CN=${cn}`, '-out', `${n}.csr`);
	fs.writeFileSync(`${dir}/${n}.ext`, ext);
	ossl('x509', '-req', '-in', `${n}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
		'-extfile', `${n}.ext`, '-out', `${n}.crt`);
}
issue('server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
issue('p3', P3, 'extendedKeyUsage=clientAuth\n');
issue('u', U, 'extendedKeyUsage=clientAuth\n');
// The right CN, but not issued by tls_ca.
key('self');
ossl('req', '-x509', '-new', '-key', 'self.key', '-subj', `/CN=${P3}`, '-days', '2', '-out', 'self.crt');
const pem = (f) => fs.readFileSync(`${dir}/${f}`);
const ca = { ca: pem('ca.crt') };
const cert = (n) => ({ ...ca, cert: pem(`${n}.crt`), key: pem(`${n}.key`) });

const portT = ownPort(68);
const t = await startOcppd({
	CSMS_OCPP_PORT: portT, CSMS_TLS_CERT: `${dir}/server.crt`, CSMS_TLS_KEY: `${dir}/server.key`,
	CSMS_TLS_CA: `${dir}/ca.crt`,
}, '79-tls');
for (const id of [P2, U])
	checkEq(`password_${id === U ? 'u' : 'p2'}`, (await control('79-tls', { op: 'cp_set_password', cp_id: id,
		params: { password: PW } }))?.ok, true);

await test('mixed_profiles_one_listener', async () => {
	checkEq('p2_password_no_cert_101', await upgrade(portT, P2, PW, ca), 101);
	await disconnected(P2);
	checkEq('p2_no_password_401', await upgrade(portT, P2, null, ca), 401);
	checkEq('p2_wrong_password_401', await upgrade(portT, P2, 'not-the-password', ca), 401);
	checkEq('p3_cert_101', await upgrade(portT, P3, null, cert('p3')), 101);
	await disconnected(P3);
	checkEq('p3_no_cert_403', await upgrade(portT, P3, null, ca), 403);
	checkEq('p3_password_no_cert_403', await upgrade(portT, P3, PW, ca), 403);
	checkEq('p3_untrusted_cert_refused', await upgrade(portT, P3, null, cert('self')), 0);
	checkEq('p3_other_cn_403', await upgrade(portT, P3, null, cert('u')), 403);
	checkEq('p2_other_cn_403', await upgrade(portT, P2, PW, cert('p3')), 403);
	check('listener_logged', /client certificates checked; required for security profile 3/
		.test(fs.readFileSync(t.log, 'utf8')), 'no listener line');
});

await test('pending_2_to_3_on_one_listener', async () => {
	const r = await control('79-tls', { op: 'cp_set_security', cp_id: U, params: { profile: 3, pending: true } });
	checkEq('set_pending', [r?.result?.profile, r?.result?.pending_profile], [2, 3]);
	checkEq('u_password_fallback_101', await upgrade(portT, U, PW, ca), 101);
	check('u_fallback_event', await until(() => events(U, 'SecurityProfileFallback') === 1, 5000, 50),
		'no fallback event');
	checkEq('u_still_pending', profileOf(U), '2/3');
	await disconnected(U);
	checkEq('u_cert_101', await upgrade(portT, U, null, cert('u')), 101);
	check('u_final', await until(() => profileOf(U) === '3/-', 5000, 50), profileOf(U));
	await disconnected(U);
	checkEq('u_password_refused_403', await upgrade(portT, U, PW, ca), 403);
	checkEq('u_cert_again_101', await upgrade(portT, U, null, cert('u')), 101);
});
checkEq('tls_exit_0', (await t.stop()).code, 0);
done();
