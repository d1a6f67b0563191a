#!/usr/bin/env node
// 74-certificates.mjs — certificate management of the OCPP 1.6 Security
// Whitepaper (docs/certificates.md), with a throwaway CA made by openssl:
//   - a second ocppd (base+72) signs with the CA: a CSR of the charge
//     point's own identity and organisation is Accepted, CertificateSigned
//     follows with a chain that verifies against the CA, and the issue is
//     recorded; the charge point then connects with that certificate to a
//     third ocppd that requires client certificates (profile 3, base+73);
//   - a CSR for another identity, of another organisation, or with a weak
//     key is Rejected and kept as a security event;
//   - a certificate near expiry gets ExtendedTriggerMessage
//     SignChargePointCertificate, once;
//   - InstallCertificate, GetInstalledCertificateIds, DeleteCertificate
//     and ExtendedTriggerMessage through the API, the installed set and the
//     issued certificates in GET /cps/{id}/certificates;
//   - an unreadable CA key stops ocppd at start with one line.
import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import {
	WebSocket, apiCall, check, checkEq, done, env, ownPort, q, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const tag = `C${process.pid % 100000}`;
const CP = `${tag}_A`, CPB = `${tag}_B`;
const ORG = 'Test CSO';
const dir = `${env.out}/74-pki`;
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });

// ---- a throwaway CA --------------------------------------------------------
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
const pem = (f) => fs.readFileSync(`${dir}/${f}`, 'utf8');
// A CSR for subject, with a key made by keyArgs (genpkey's).
function csr(name, subject, keyArgs = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']) {
	ossl('genpkey', ...keyArgs, '-out', `${name}.key`);
	ossl('req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
	return pem(`${name}.csr`);
}

// ---- a charge point that answers the central system's calls ----------------
// answers: action -> payload (or function of the request); calls: every
// CALL received, in order; call(action, payload): our CALL, its answer.
function chargePoint(url, id, answers, wsOpts) {
	const ws = new WebSocket(`${url}/${id}`, ['ocpp1.6'], wsOpts);
	const calls = [], pending = new Map();
	let n = 0;
	ws.on('message', (d) => {
		const m = JSON.parse(d.toString());
		if (m[0] === 2) {
			calls.push(m);
			const a = answers[m[2]];
			if (a !== undefined) ws.send(JSON.stringify([3, m[1], typeof a === 'function' ? a(m[3]) : a]));
		} else if (pending.has(m[1])) {
			pending.get(m[1])(m);
			pending.delete(m[1]);
		}
	});
	return {
		ws, calls, answers,
		open: new Promise((r, j) => { ws.once('open', r); ws.once('error', j); }),
		call(action, payload) {
			const uid = `u${++n}`;
			ws.send(JSON.stringify([2, uid, action, payload]));
			return new Promise((r) => {
				pending.set(uid, r);
				setTimeout(() => { if (pending.delete(uid)) r(null); }, 10000);
			});
		},
		close() { ws.close(); },
	};
}

const run = (bin, args, extraEnv) => new Promise((resolve) => execFile(bin, args,
	{ timeout: 30000, env: { ...process.env, ...extraEnv } },
	(err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, stderr })));

// ---- start-up: a CA that cannot be read ------------------------------------
await test('unreadable_ca_key_stops_ocppd', async () => {
	const e = { ...process.env, CSMS_OCPP_PORT: String(ownPort(72)),
		CSMS_CONTROL_SOCKET: `${env.out}/74-bad.sock`, CSMS_CERT_CA_CERT: `${dir}/ca.crt`,
		CSMS_CERT_CA_KEY: `${dir}/missing.key`, CSMS_CERT_ORGANIZATION: ORG };
	delete e.CSMS_CONF;
	const r = await new Promise((resolve) => execFile(`${env.bin}/ocppd`, ['-c', env.conf],
		{ env: e, timeout: 30000 }, (err, stdout, stderr) => resolve({ code: err?.code ?? 0, stderr })));
	check('exit_not_0', r.code !== 0, `exit ${r.code}`);
	check('one_line_names_key', /cert_ca_key .*missing\.key: unreadable/.test(r.stderr), r.stderr);
});

// ---- issuing ----------------------------------------------------------------
sql(`DELETE FROM charge_points WHERE id IN (${q(CP)}, ${q(CPB)})`);
sql(`DELETE FROM cp_certificates WHERE cp_id IN (${q(CP)}, ${q(CPB)})`);
sql(`DELETE FROM security_events WHERE cp_id = ${q(CP)}`);
const portA = ownPort(72);
const a = await startOcppd({
	CSMS_OCPP_PORT: portA, CSMS_CERT_CA_CERT: `${dir}/ca.crt`, CSMS_CERT_CA_KEY: `${dir}/ca.key`,
	CSMS_CERT_ORGANIZATION: ORG, CSMS_CERT_VALIDITY_DAYS: '30', CSMS_CERT_RENEW_DAYS: '7',
	CSMS_CERT_CHECK_EVERY: '1',
}, '74-certs');

const cp = chargePoint(a.url, CP, { CertificateSigned: { status: 'Accepted' },
	ExtendedTriggerMessage: { status: 'Accepted' } });
await cp.open;
await cp.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });

await test('csr_accepted_signed_and_recorded', async () => {
	const r = await cp.call('SignCertificate', { csr: csr('cp', `/O=${ORG}/CN=${CP}`) });
	checkEq('sign_accepted', r?.[2], { status: 'Accepted' });
	const got = await until(() => cp.calls.find((m) => m[2] === 'CertificateSigned'), 10000, 50);
	check('certificate_signed_sent', got, 'no CertificateSigned within 10 s');
	fs.writeFileSync(`${dir}/cp.crt`, got[3].certificateChain);
	check('chain_verifies', /OK/.test(ossl('verify', '-CAfile', 'ca.crt', 'cp.crt')));
	const subj = ossl('x509', '-in', 'cp.crt', '-noout', '-subject');
	check('subject_kept', subj.includes(`CN = ${CP}`) && subj.includes(`O = ${ORG}`), subj);
	const serial = ossl('x509', '-in', 'cp.crt', '-noout', '-serial').trim().replace('serial=', '');
	await until(() => sqlValue(`SELECT signed_status FROM cp_certificates WHERE cp_id = ${q(CP)}`) === 'Accepted', 5000, 50);
	checkEq('recorded', sqlValue(`SELECT CONCAT_WS(',', state, serial, signed_status,
		DATEDIFF(not_after, UTC_TIMESTAMP())) FROM cp_certificates WHERE cp_id = ${q(CP)}`),
	`issued,${serial},Accepted,30`);
});

async function refused(name, pemText, why) {
	const before = Number(sqlValue(`SELECT COUNT(*) FROM security_events WHERE cp_id = ${q(CP)}`));
	const r = await cp.call('SignCertificate', { csr: pemText });
	checkEq(`${name}_rejected`, r?.[2], { status: 'Rejected' });
	const ev = sqlValue(`SELECT CONCAT(type, ': ', tech_info) FROM security_events WHERE cp_id = ${q(CP)}
		ORDER BY id DESC LIMIT 1`);
	checkEq(`${name}_one_event`, Number(sqlValue(`SELECT COUNT(*) FROM security_events WHERE cp_id = ${q(CP)}`)), before + 1);
	check(`${name}_event`, ev.startsWith('InvalidChargePointCertificate: CSR refused: ') && why.test(ev), ev);
}

await test('csr_for_another_identity_refused', async () => {
	await refused('other_cn', csr('other', `/O=${ORG}/CN=${tag}_SOMEONE`), /CN "C\d+_SOMEONE" is not/);
});
await test('csr_of_another_organisation_refused', async () => {
	await refused('other_o', csr('org', `/O=Evil Corp/CN=${CP}`), /O "Evil Corp"/);
});
await test('csr_with_weak_key_refused', async () => {
	await refused('weak', csr('weak', `/O=${ORG}/CN=${CP}`, ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024']),
		/RSA key of 1024 bits/);
	checkEq('nothing_signed_for_refused', sqlValue(`SELECT COUNT(*) FROM cp_certificates WHERE cp_id = ${q(CP)}`), '1');
});

// ---- renewal ------------------------------------------------------------------
await test('near_expiry_renewal_requested_once', async () => {
	const trig = () => cp.calls.filter((m) => m[2] === 'ExtendedTriggerMessage');
	checkEq('no_renewal_while_far', trig().length, 0);
	sql(`UPDATE cp_certificates SET not_after = UTC_TIMESTAMP() + INTERVAL 2 DAY WHERE cp_id = ${q(CP)}`);
	check('renewal_sent', await until(() => trig().length > 0, 10000, 50), 'no ExtendedTriggerMessage within 10 s');
	checkEq('renewal_message', trig()[0][3], { requestedMessage: 'SignChargePointCertificate' });
	await until(() => sqlValue(`SELECT renew_requested_at IS NOT NULL FROM cp_certificates WHERE cp_id = ${q(CP)}`) === '1', 5000, 50);
	// The claim holds for a day: the next passes (every second) send none.
	const passes = () => (fs.readFileSync(a.log, 'utf8').match(/renewal requested/g) || []).length;
	await new Promise((r) => setTimeout(r, 3000));
	checkEq('renewal_once', [trig().length, passes()], [1, 1]);
});

// ---- AuthorizationKey rotation ---------------------------------------------------
// One control request to a's socket, its answer.
function control(req, name = '74-certs') {
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

let authKey = '';
await test('authorization_key_rotation', async () => {
	sql(`UPDATE charge_points SET auth_hash = NULL WHERE id = ${q(CP)}`);
	const changes = () => cp.calls.filter((m) => m[2] === 'ChangeConfiguration');
	// Refused by the charge point: nothing stored.
	cp.answers.ChangeConfiguration = { status: 'Rejected' };
	const r1 = await control({ op: 'cp_rotate_auth_key', cp_id: CP, requested_by: 'test' });
	checkEq('rotation_started', r1, { ok: true, result: { status: 'started' } });
	check('rejected_logged', await until(() => /AuthorizationKey not rotated: ChangeConfiguration Rejected/
		.test(fs.readFileSync(a.log, 'utf8')), 10000, 50), 'no "not rotated" line');
	checkEq('rejected_keeps_password', sqlValue(`SELECT auth_hash IS NULL FROM charge_points WHERE id = ${q(CP)}`), '1');
	// Accepted: the hash of the key the charge point got.
	cp.answers.ChangeConfiguration = { status: 'Accepted' };
	await control({ op: 'cp_rotate_auth_key', cp_id: CP, requested_by: 'test' });
	check('hash_stored', await until(() => sqlValue(`SELECT auth_hash IS NOT NULL FROM charge_points
		WHERE id = ${q(CP)}`) === '1', 10000, 50), 'no hash stored');
	const sent = changes().at(-1)[3];
	authKey = sent.value;
	checkEq('key_sent', [sent.key, /^[0-9a-f]{40}$/.test(sent.value), changes().length], ['AuthorizationKey', true, 2]);
	check('the_two_keys_differ', changes()[0][3].value !== sent.value);
	const hash = sqlValue(`SELECT auth_hash FROM charge_points WHERE id = ${q(CP)}`);
	const salt = hash.split('$')[2];
	checkEq('hash_is_of_the_key', ossl('passwd', '-6', '-salt', salt, sent.value).trim(), hash);
	checkEq('history_masks_key', sqlValue(`SELECT params LIKE '%${sent.value}%' FROM commands WHERE cp_id = ${q(CP)}
		AND action = 'ChangeConfiguration' ORDER BY created_at DESC LIMIT 1`), '0');
	const off = await control({ op: 'cp_rotate_auth_key', cp_id: `${tag}_NOBODY` });
	checkEq('offline_refused', off?.error?.code, 'cp_offline');
});

await test('raise_profile_checks_prerequisites', async () => {
	const raise = (profile) => control({ op: 'cp_raise_profile', cp_id: CP, params: { profile }, requested_by: 'test' });
	cp.answers.ChangeConfiguration = (p) => ({ status: p.key === 'SecurityProfile' && p.value === '1' ? 'Accepted' : 'Rejected' });
	const r1 = await raise(1);
	checkEq('raise_1_started', r1?.result?.status, 'started');
	// Pending until the charge point connects with it (79-profile-change).
	check('raise_1_pending', await until(() => sqlValue(`SELECT CONCAT(security_profile, '/',
		security_profile_pending) FROM charge_points WHERE id = ${q(CP)}`) === '0/1', 10000, 50),
	'profile 1 not pending');
	checkEq('raise_1_sent', cp.calls.filter((m) => m[2] === 'ChangeConfiguration').at(-1)[3],
		{ key: 'SecurityProfile', value: '1' });
	const again = await raise(1);
	check('raise_same_refused', again?.error?.code === 'invalid_params' && /already/.test(again.error.message),
		JSON.stringify(again));
	const tls = await raise(2);
	check('raise_2_needs_tls', tls?.error?.code === 'invalid_params' && /need TLS/.test(tls.error.message),
		JSON.stringify(tls));
	checkEq('raise_bad_profile', (await raise(4))?.error?.code, 'invalid_params');
	checkEq('raise_offline', (await control({ op: 'cp_raise_profile', cp_id: `${tag}_NOBODY`,
		params: { profile: 2 } }))?.error?.code, 'cp_offline');
});

// ---- cpsim: a CSR on ExtendedTriggerMessage, the certificate saved ------------
const CPS = `${tag}_S`;
await test('cpsim_gets_a_certificate', async () => {
	const sim = spawn(`${env.bin}/cpsim`, ['--sessions', '0', '--cert-org', ORG, '--cert-dir', dir,
		`${a.url}/${CPS}`], { stdio: ['ignore', 'ignore', 'pipe'] });
	let err = '';
	sim.stderr.on('data', (d) => { err += d; });
	try {
		check('sim_connected', await until(() => sqlValue(`SELECT connected FROM charge_points
			WHERE id = ${q(CPS)}`) === '1', 10000, 50), err);
		const t = await control({ op: 'ExtendedTriggerMessage', cp_id: CPS,
			params: { requestedMessage: 'SignChargePointCertificate' } });
		checkEq('sim_trigger_accepted', t?.result?.status, 'Accepted');
		check('sim_certificate_saved', await until(() => fs.existsSync(`${dir}/${CPS}.crt`), 10000, 50), err);
		check('sim_signed_accepted', await until(() => sqlValue(`SELECT signed_status FROM cp_certificates
			WHERE cp_id = ${q(CPS)}`) === 'Accepted', 5000, 50), err);
		check('sim_chain_verifies', /OK/.test(ossl('verify', '-CAfile', 'ca.crt', `${CPS}.crt`)));
		const r = await control({ op: 'InstallCertificate', cp_id: CPS,
			params: { certificateType: 'ManufacturerRootCertificate', certificate: pem('ca.crt') } });
		checkEq('sim_install', r?.result?.status, 'Accepted');
		const g = await control({ op: 'GetInstalledCertificateIds', cp_id: CPS,
			params: { certificateType: 'ManufacturerRootCertificate' } });
		const h = g?.result?.certificateHashData?.[0];
		const caSerial = ossl('x509', '-in', 'ca.crt', '-noout', '-serial').trim().replace('serial=', '');
		checkEq('sim_installed_ids', [g?.result?.status, h?.hashAlgorithm, h?.serialNumber?.toUpperCase()],
			['Accepted', 'SHA256', caSerial]);
		const d = await control({ op: 'DeleteCertificate', cp_id: CPS, params: { certificateHashData: h } });
		checkEq('sim_delete', d?.result?.status, 'Accepted');
		const g2 = await control({ op: 'GetInstalledCertificateIds', cp_id: CPS,
			params: { certificateType: 'ManufacturerRootCertificate' } });
		checkEq('sim_none_left', g2?.result?.status, 'NotFound');
	} finally {
		sim.kill('SIGTERM');
		await new Promise((r) => sim.once('exit', r));
	}
});

// ---- the API ------------------------------------------------------------------
const HASH = { hashAlgorithm: 'SHA256', issuerNameHash: 'a'.repeat(64), issuerKeyHash: 'b'.repeat(64), serialNumber: '1f' };
let installed = [HASH];
const cpb = chargePoint(env.ocppUrl, CPB, {
	InstallCertificate: { status: 'Accepted' },
	DeleteCertificate: (p) => { installed = installed.filter((h) => h.serialNumber !== p.certificateHashData.serialNumber); return { status: 'Accepted' }; },
	GetInstalledCertificateIds: () => (installed.length ? { status: 'Accepted', certificateHashData: installed } : { status: 'NotFound' }),
	ExtendedTriggerMessage: { status: 'Accepted' },
});
await cpb.open;
await cpb.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
const cmd = (action, body) => apiCall('POST', `/cps/${CPB}/commands/${action}?wait=5`, body);
const certs = (id) => apiCall('GET', `/cps/${id}/certificates`);

await test('api_install_get_delete', async () => {
	const i = await cmd('InstallCertificate', { certificateType: 'CentralSystemRootCertificate', certificate: pem('ca.crt') });
	checkEq('install', [i.status, i.json?.result], [200, { status: 'Accepted' }]);
	const bad = await cmd('InstallCertificate', { certificateType: 'V2GRootCertificate', certificate: 'x' });
	checkEq('install_bad_type_400', bad.status, 400);
	const g = await cmd('GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' });
	checkEq('get_ids', [g.status, g.json?.result?.certificateHashData?.length], [200, 1]);
	const c1 = await certs(CPB);
	checkEq('installed_shown', [c1.status, c1.json?.installed?.map((x) => [x.certificate_type, x.serial_number])],
		[200, [['CentralSystemRootCertificate', '1f']]]);
	const d = await cmd('DeleteCertificate', { certificateHashData: HASH });
	checkEq('delete', [d.status, d.json?.result], [200, { status: 'Accepted' }]);
	checkEq('delete_removes_row', (await certs(CPB)).json?.installed, []);
	installed = [HASH];
	await cmd('GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' });
	installed = [];
	const nf = await cmd('GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' });
	checkEq('not_found', nf.json?.result, { status: 'NotFound' });
	checkEq('not_found_empties_set', (await certs(CPB)).json?.installed, []);
});

await test('api_extended_trigger_message', async () => {
	for (const m of ['BootNotification', 'LogStatusNotification', 'FirmwareStatusNotification', 'Heartbeat',
		'MeterValues', 'SignChargePointCertificate', 'StatusNotification']) {
		const r = await cmd('ExtendedTriggerMessage', { requestedMessage: m });
		checkEq(`trigger_${m}`, [r.status, r.json?.result?.status], [200, 'Accepted']);
	}
	const bad = await cmd('ExtendedTriggerMessage', { requestedMessage: 'DiagnosticsStatusNotification' });
	checkEq('trigger_unknown_message_400', bad.status, 400);
});

await test('api_issued_certificates', async () => {
	const c = await certs(CP);
	const i = c.json?.issued?.[0];
	checkEq('issued', [c.status, c.json?.issued?.length, i?.state, i?.signed_status, /CN = /.test(i?.subject || '')],
		[200, 1, 'issued', 'Accepted', true]);
	check('issued_fields', /^[0-9A-F]{32}$/.test(i?.serial) && i?.not_after && i?.renew_requested_at, JSON.stringify(i));
	checkEq('unknown_cp_404', (await certs(`${tag}_NOBODY`)).status, 404);
});
await test('dashboard_certificates_card', async () => {
	const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
	const page = async (id) => (await fetch(`${DASH}/cp/${id}`)).text();
	const a1 = await page(CP);
	const card = a1.slice(a1.indexOf('id="certificates"'));
	check('card_shown', a1.includes('id="certificates"') && card.includes('id="cp-certs-issued"'), 'no certificates card');
	const serial = sqlValue(`SELECT serial FROM cp_certificates WHERE cp_id = ${q(CP)}`);
	check('issued_serial_shown', card.includes(serial), 'serial not on the page');
	const token = (a1.match(/name="csrf" value="([0-9a-f]{64})"/) || [])[1];
	check('forms_shown', token && card.includes('value="InstallCertificate"') &&
		card.includes('value="SignChargePointCertificate"'), 'no forms');
	installed = [HASH];
	const post = (fields) => fetch(`${DASH}/cp/${CPB}/command`, { method: 'POST', redirect: 'manual',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ csrf: token, ...fields }).toString() });
	checkEq('get_ids_form_303', (await post({ action: 'GetInstalledCertificateIds',
		certificateType: 'CentralSystemRootCertificate' })).status, 303);
	await until(async () => (await certs(CPB)).json?.installed?.length === 1, 5000, 50);
	const b1 = await page(CPB);
	check('installed_with_delete_form', b1.includes('id="cp-certs-installed"') &&
		b1.includes(`name="issuerNameHash" value="${HASH.issuerNameHash}"`), 'installed row or its delete form missing');
	checkEq('delete_form_303', (await post({ action: 'DeleteCertificate', ...HASH })).status, 303);
	check('delete_form_deletes', await until(async () => (await certs(CPB)).json?.installed?.length === 0, 5000, 50),
		'the delete form did not delete');
	checkEq('renew_form_303', (await post({ action: 'ExtendedTriggerMessage',
		requestedMessage: 'SignChargePointCertificate' })).status, 303);
	check('renew_form_sent', await until(() => cpb.calls.some((m) => m[2] === 'ExtendedTriggerMessage' &&
		m[3].requestedMessage === 'SignChargePointCertificate'), 5000, 50), 'no ExtendedTriggerMessage');
});
cpb.close();

// ---- profile 3 with the issued certificate ----------------------------------
cp.close();
await until(() => sqlValue(`SELECT connected FROM charge_points WHERE id = ${q(CP)}`) === '0', 5000, 50);
checkEq('certs_exit_0', (await a.stop()).code, 0);
// ---- an external signer -------------------------------------------------------
// The command checks the CSR came on its stdin and prints a chain issued
// beforehand (the service user cannot read the test's CA key).
const CPX = `${tag}_X`;
sql(`DELETE FROM cp_certificates WHERE cp_id = ${q(CPX)}`);
const xcsr = csr('x', `/O=${ORG}/CN=${CPX}`);
ossl('x509', '-req', '-in', 'x.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', '0x5eed', '-days', '3',
	'-out', 'x.crt');
const xchain = pem('x.crt') + pem('ca.crt');
fs.writeFileSync(`${dir}/x.chain`, xchain, { mode: 0o644 });
const c = await startOcppd({
	CSMS_OCPP_PORT: portA, CSMS_CERT_SIGN_COMMAND:
		`openssl req -noout -subject | grep -qx 'subject=O = ${ORG}, CN = ${CPX}' && cat '${dir}/x.chain'`,
	CSMS_CERT_ORGANIZATION: ORG, CSMS_CERT_CHECK_EVERY: '1',
}, '74-certs-cmd');
await test('external_signer', async () => {
	const x = chargePoint(c.url, CPX, { CertificateSigned: { status: 'Rejected' } });
	await x.open;
	checkEq('x_accepted', (await x.call('SignCertificate', { csr: xcsr }))?.[2], { status: 'Accepted' });
	const got = await until(() => x.calls.find((m) => m[2] === 'CertificateSigned'), 10000, 50);
	checkEq('x_chain_is_the_commands', got?.[3]?.certificateChain, xchain);
	await until(() => sqlValue(`SELECT signed_status FROM cp_certificates WHERE cp_id = ${q(CPX)}`) === 'Rejected', 5000, 50);
	checkEq('x_recorded_with_answer', sqlValue(`SELECT CONCAT_WS(',', state, serial, signed_status)
		FROM cp_certificates WHERE cp_id = ${q(CPX)}`), 'issued,5EED,Rejected');
	// A CSR the command refuses (exit 1): failed, with why.
	checkEq('x2_accepted', (await x.call('SignCertificate', { csr: csr('x2', `/O=${ORG}/CN=${CPX}/OU=2`) }))?.[2],
		{ status: 'Accepted' });
	check('x2_failed', await until(() => sqlValue(`SELECT CONCAT_WS(',', state, error) FROM cp_certificates
		WHERE cp_id = ${q(CPX)} ORDER BY id DESC LIMIT 1`) === 'failed,cert_sign_command: exited with status 1', 10000, 50),
	sqlValue(`SELECT CONCAT_WS(',', state, error) FROM cp_certificates WHERE cp_id = ${q(CPX)} ORDER BY id DESC LIMIT 1`));
	checkEq('x2_nothing_sent', x.calls.filter((m) => m[2] === 'CertificateSigned').length, 1);
	x.close();
});
checkEq('cmd_exit_0', (await c.stop()).code, 0);

const portB = ownPort(73);
const b = await startOcppd({
	CSMS_OCPP_PORT: portB,
	CSMS_TLS_CERT: `${dir}/server.crt`, CSMS_TLS_KEY: `${dir}/server.key`, CSMS_TLS_CA: `${dir}/ca.crt`,
}, '74-certs-tls');

await test('raise_to_profile3_with_issued_certificate', async () => {
	// Profile 1 now: the rotated key, and the issued certificate on TLS.
	const tlsOpts = { ca: pem('ca.crt'), cert: pem('cp.crt'), key: pem('cp.key'), servername: 'localhost',
		headers: { Authorization: `Basic ${Buffer.from(`${CP}:${authKey}`).toString('base64')}` } };
	const t = chargePoint(`wss://localhost:${portB}`, CP, {
		ChangeConfiguration: (p) => ({ status: p.key === 'SecurityProfile' ? 'Accepted' : 'Rejected' }) }, tlsOpts);
	await t.open;
	await t.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
	// An expired certificate is no prerequisite.
	sql(`UPDATE cp_certificates SET not_after = not_after - INTERVAL 10 DAY WHERE cp_id = ${q(CP)}`);
	const e = await control({ op: 'cp_raise_profile', cp_id: CP, params: { profile: 3 } }, '74-certs-tls');
	check('raise_3_needs_certificate', e?.error?.code === 'invalid_params' &&
		/needs a valid client certificate/.test(e.error.message), JSON.stringify(e));
	sql(`UPDATE cp_certificates SET not_after = not_after + INTERVAL 10 DAY WHERE cp_id = ${q(CP)}`);
	const r = await control({ op: 'cp_raise_profile', cp_id: CP, params: { profile: 3 } }, '74-certs-tls');
	checkEq('raise_3_started', r?.result?.status, 'started');
	// This link (Basic) made 1 final; 3 waits for the certificate login.
	check('raise_3_pending', await until(() => sqlValue(`SELECT CONCAT(security_profile, '/',
		security_profile_pending) FROM charge_points WHERE id = ${q(CP)}`) === '1/3', 10000, 50),
	'profile 3 not pending');
	checkEq('raise_3_sent', t.calls.at(-1)?.[3], { key: 'SecurityProfile', value: '3' });
	t.close();
	await until(() => sqlValue(`SELECT connected FROM charge_points WHERE id = ${q(CP)}`) === '0', 5000, 50);
	const n = await control({ op: 'cp_raise_profile', cp_id: CP, params: { profile: 3 } }, '74-certs-tls');
	checkEq('raise_3_offline', n?.error?.code, 'cp_offline');
});

function upgrade(id, tls) {
	return new Promise((resolve) => {
		const req = https.request({ host: '127.0.0.1', port: portB, path: `/${id}`, servername: 'localhost',
			timeout: 5000, ca: pem('ca.crt'), ...tls, headers: {
				Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
				'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Protocol': 'ocpp1.6' } });
		req.on('upgrade', (res, s) => { resolve(101); s.destroy(); });
		req.on('response', (res) => { resolve(res.statusCode); res.resume(); req.destroy(); });
		req.on('timeout', () => { resolve(0); req.destroy(); });
		req.on('error', () => resolve(0));
		req.end();
	});
}

await test('profile3_with_issued_certificate', async () => {
	checkEq('issued_cert_101', await upgrade(CP, { cert: pem('cp.crt'), key: pem('cp.key') }), 101);
	check('raise_3_final', await until(() => sqlValue(`SELECT CONCAT(security_profile, '/',
		COALESCE(security_profile_pending, '-')) FROM charge_points WHERE id = ${q(CP)}`) === '3/-', 5000, 50),
	'profile 3 not final after the certificate login');
	checkEq('issued_cert_other_identity_403', await upgrade(CPB, { cert: pem('cp.crt'), key: pem('cp.key') }), 403);
});

await test('cpsim_reconnects_under_profile3', async () => {
	// Through ocppd, so its credentials map has it at once: the listener
	// lets charge points of lower profiles in without a certificate.
	checkEq('cpsim_profile3_set', (await control({ op: 'cp_set_security', cp_id: CPS, params: { profile: 3 } },
		'74-certs-tls'))?.result?.profile, 3);
	const r = await run(`${env.bin}/cpsim`, ['--sessions', '0', '--exit-after-session', '--quiet',
		'--ca', `${dir}/ca.crt`, '--cert', `${dir}/${CPS}.crt`, '--key', `${dir}/${CPS}.key`,
		`wss://localhost:${portB}/${CPS}`]);
	checkEq('cpsim_profile3_exit', r.code, 0);
	const w = await run(`${env.bin}/cpsim`, ['--sessions', '0', '--exit-after-session', '--quiet', '--timeout', '5',
		'--ca', `${dir}/ca.crt`, `wss://localhost:${portB}/${CPS}`]);
	check('cpsim_without_cert_refused', w.code !== 0, 'connected without a certificate');
});
checkEq('tls_exit_0', (await b.stop()).code, 0);
done();
