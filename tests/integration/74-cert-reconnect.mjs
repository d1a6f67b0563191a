#!/usr/bin/env node
// 74-cert-reconnect.mjs — the Security Whitepaper's certificate flow with
// cpsim (docs/cpsim.md): an ocppd of our own (base+35) with TLS, tls_ca
// and the same CA for SignCertificate; the charge point has profile 2
// (password over TLS) with 3 pending.  cpsim connects with its password
// (the fallback), gets ExtendedTriggerMessage SignChargePointCertificate,
// sends its CSR, accepts CertificateSigned and reconnects by itself with
// the new certificate and no password: ocppd lets it in by that
// certificate — only a verified certificate meets the pending profile 3,
// which becomes final — and the log names it.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import {
	check, checkEq, done, env, ownPort, q, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const tag = `W${process.pid % 100000}`;
const CP = `${tag}_CP`;
const ORG = 'Test CSO';
const PW = 'reconnect-pw-5a1e';
const dir = `${env.out}/74r-pki`;
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
const ossl = (...a) => execFileSync('openssl', a, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const ecKey = (name) => ossl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
ecKey('ca');
ossl('req', '-x509', '-new', '-key', 'ca.key', '-subj', `/O=${ORG}/CN=csms test CA`, '-days', '2',
	'-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
	'-out', 'ca.crt');
ecKey('server');
ossl('req', '-new', '-key', 'server.key', '-subj', '/CN=127.0.0.1', '-out', 'server.csr');
fs.writeFileSync(`${dir}/server.ext`, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
ossl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
	'-extfile', 'server.ext', '-out', 'server.crt');

const NAME = '74-cert-reconnect';
async function control(req) {
	await until(() => fs.existsSync(`${env.out}/${NAME}.sock`), 10000, 50);
	return new Promise((resolve, reject) => {
		const sock = net.connect(`${env.out}/${NAME}.sock`);
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

sql(`DELETE FROM security_events WHERE cp_id = ${q(CP)}`);
sql(`DELETE FROM cp_certificates WHERE cp_id = ${q(CP)}`);
sql(`DELETE FROM charge_points WHERE id = ${q(CP)}`);
sql(`INSERT INTO charge_points (id, security_profile) VALUES (${q(CP)}, 2)`);
const port = ownPort(35);
const d = await startOcppd({
	CSMS_OCPP_PORT: port,
	CSMS_TLS_CERT: `${dir}/server.crt`, CSMS_TLS_KEY: `${dir}/server.key`, CSMS_TLS_CA: `${dir}/ca.crt`,
	CSMS_CERT_CA_CERT: `${dir}/ca.crt`, CSMS_CERT_CA_KEY: `${dir}/ca.key`, CSMS_CERT_ORGANIZATION: ORG,
}, NAME);

await test('cpsim_reconnects_with_new_certificate', async () => {
	checkEq('password_set', (await control({ op: 'cp_set_password', cp_id: CP, params: { password: PW } }))?.ok, true);
	checkEq('pending_3', (await control({ op: 'cp_set_security', cp_id: CP, params: { profile: 3, pending: true } }))
		?.result?.profile, 2);
	const sim = spawn(`${env.bin}/cpsim`, ['--sessions', '0', '--cert-org', ORG, '--cert-dir', dir,
		'--ca', `${dir}/ca.crt`, '--basic-auth', `${CP}:${PW}`, `wss://localhost:${port}/${CP}`],
	{ stdio: ['ignore', 'ignore', 'pipe'] });
	let err = '';
	sim.stderr.on('data', (x) => { err += x; });
	try {
		check('password_fallback', await until(() => fs.readFileSync(d.log, 'utf8')
			.includes(`${CP} | fell back to profile 2 (profile 3 pending)`), 10000, 50), err);
		const t = await control({ op: 'ExtendedTriggerMessage', cp_id: CP,
			params: { requestedMessage: 'SignChargePointCertificate' } });
		checkEq('trigger_accepted', t?.result?.status, 'Accepted');
		check('signed_accepted', await until(() => sqlValue(`SELECT signed_status FROM cp_certificates
			WHERE cp_id = ${q(CP)}`) === 'Accepted', 10000, 50), err);
		check('cpsim_says_reconnecting', await until(() => /reconnecting with the certificate/.test(err), 10000, 50),
			err);
		check('profile_3_final', await until(() => sqlValue(`SELECT CONCAT(security_profile, '/',
			COALESCE(security_profile_pending, '-')) FROM charge_points WHERE id = ${q(CP)}`) === '3/-', 10000, 50),
		`${sqlValue(`SELECT CONCAT(security_profile, '/', COALESCE(security_profile_pending, '-'))
			FROM charge_points WHERE id = ${q(CP)}`)} ${err}`);
		check('logged_final', fs.readFileSync(d.log, 'utf8').includes(`${CP} | security profile 3 is now final`),
			'no log line');
		check('connected_again', await until(() => sqlValue(`SELECT connected FROM charge_points
			WHERE id = ${q(CP)}`) === '1', 5000, 50), err);
		// The certificate it uses is the one issued: its serial is recorded.
		const serial = ossl('x509', '-in', `${CP}.crt`, '-noout', '-serial').trim().replace('serial=', '');
		checkEq('issued_serial', sqlValue(`SELECT UPPER(serial) FROM cp_certificates WHERE cp_id = ${q(CP)}
			AND signed_status = 'Accepted'`), serial.toUpperCase().replace(/^0+/, ''));
	} finally {
		sim.kill('SIGINT');
		await new Promise((r) => sim.on('exit', r));
	}
});

checkEq('exit_0', (await d.stop()).code, 0);
sql(`DELETE FROM security_events WHERE cp_id = ${q(CP)}`);
sql(`DELETE FROM cp_certificates WHERE cp_id = ${q(CP)}`);
sql(`DELETE FROM charge_points WHERE id = ${q(CP)}`);
done();
