#!/usr/bin/env node
// 98-ocpp201-security.mjs — OCPP 2.0.1's security (A), firmware (L) and
// diagnostics (N) blocks through ocpp-rpc in strict mode (every frame
// validated against the official 2.0.1 schemas), on the stores 1.6 uses:
//   - SecurityEventNotification in security_events, critical ones marked,
//     shown by GET /security-events;
//   - SignCertificate signed by a throwaway CA (a second ocppd, base+98):
//     CertificateSigned in 2.0.1's shape with a chain that verifies; a
//     CSR for another identity and a V2GCertificate refused and logged;
//     TriggerMessage SignChargingStationCertificate brings a CSR, and is
//     what ocppd sends a 2.0.1 station whose certificate nears expiry;
//   - InstallCertificate, GetInstalledCertificateIds (2.0.1's
//     certificateHashDataChain), DeleteCertificate, the installed set in
//     GET /cps/{id}/certificates;
//   - UpdateFirmware of a hosted image: a tokened URL the station fetches
//     through lighttpd, FirmwareStatusNotification kept as the job's steps;
//   - GetLog: the one-time upload URL, the upload lands in cp_files,
//     LogStatusNotification kept.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import {
	RPCClient, apiCall, check, checkEq, cpId, done, env, ownPort, q, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const S = cpId('v201sec');
const ORG = 'Test CSO 98';
const dir = `${env.out}/98-pki`;
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
const ossl = (...a) => execFileSync('openssl', a, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const pem = (f) => fs.readFileSync(`${dir}/${f}`, 'utf8');
ossl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ca.key');
ossl('req', '-x509', '-new', '-key', 'ca.key', '-subj', `/O=${ORG}/CN=csms test CA 98`, '-days', '2',
	'-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
	'-out', 'ca.crt');
function csr(name, subject) {
	ossl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
	ossl('req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
	return pem(`${name}.csr`);
}

const station = async (url, id) => {
	const c = new RPCClient({ endpoint: url, identity: id, protocols: ['ocpp2.0.1'],
		strictMode: true, reconnect: false, callTimeoutMs: 10000 });
	await c.connect();
	await c.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'V', model: 'M98' } });
	return c;
};
const s = await station(env.ocppUrl, S);
const got = {};
const answer = (action, fn) => s.handle(action, ({ params }) => { got[action] = params; return fn(params); });
const cmd = (action, body) => apiCall('POST', `/cps/${encodeURIComponent(S)}/commands/${action}?wait=5`, body);
const lastPayload = (action) => JSON.parse(sqlValue(`SELECT params FROM commands
	WHERE cp_id = ${q(S)} AND action = ${q(action)} ORDER BY id DESC LIMIT 1`));

try {
	await test('security_event_201', async () => {
		const when = '2026-12-01T10:00:00.000Z';
		checkEq('tamper_answer', await s.call('SecurityEventNotification',
			{ type: 'TamperDetectionActivated', timestamp: when, techInfo: 'door 98' }), {});
		checkEq('csms_cert_answer', await s.call('SecurityEventNotification',
			{ type: 'InvalidCsmsCertificate', timestamp: when }), {});
		checkEq('maintenance_answer', await s.call('SecurityEventNotification',
			{ type: 'MaintenanceLoginFailed', timestamp: when }), {});
		checkEq('rows', sqlValue(`SELECT GROUP_CONCAT(CONCAT(type, ':', critical) ORDER BY id)
			FROM security_events WHERE cp_id = ${q(S)}`),
		'TamperDetectionActivated:1,InvalidCsmsCertificate:0,MaintenanceLoginFailed:1');
		const api = await apiCall('GET', `/security-events?cp_id=${encodeURIComponent(S)}&critical=true`);
		checkEq('api_critical', [api.status, api.json?.items?.map((e) => e.type)],
			[200, ['MaintenanceLoginFailed', 'TamperDetectionActivated']]);
	});

	await test('certificates_201', async () => {
		const HASH = { hashAlgorithm: 'SHA256', issuerNameHash: 'a'.repeat(64), issuerKeyHash: 'b'.repeat(64),
			serialNumber: '98' };
		const MFR = { hashAlgorithm: 'SHA256', issuerNameHash: 'c'.repeat(64), issuerKeyHash: 'd'.repeat(64),
			serialNumber: '99' };
		let installed = [];
		answer('InstallCertificate', () => ({ status: 'Accepted' }));
		answer('DeleteCertificate', () => ({ status: 'Accepted' }));
		answer('GetInstalledCertificateIds', () => (installed.length
			? { status: 'Accepted', certificateHashDataChain: installed } : { status: 'NotFound' }));
		const i = await cmd('InstallCertificate', { certificateType: 'CSMSRootCertificate', certificate: pem('ca.crt') });
		checkEq('install', [i.status, i.json?.result, got.InstallCertificate?.certificateType],
			[200, { status: 'Accepted' }, 'CSMSRootCertificate']);
		const bad = await cmd('InstallCertificate', { certificateType: 'CentralSystemRootCertificate', certificate: 'x' });
		checkEq('install_16_type_400', [bad.status, bad.json?.error?.code], [400, 'invalid_params']);
		installed = [{ certificateType: 'CSMSRootCertificate', certificateHashData: HASH },
			{ certificateType: 'ManufacturerRootCertificate', certificateHashData: MFR }];
		const g = await cmd('GetInstalledCertificateIds', {});
		checkEq('get_ids_all', [g.status, g.json?.result?.certificateHashDataChain?.length], [200, 2]);
		const certs = async () => (await apiCall('GET', `/cps/${encodeURIComponent(S)}/certificates`)).json?.installed
			?.map((x) => [x.certificate_type, x.serial_number]).sort();
		checkEq('installed_set', await certs(), [['CSMSRootCertificate', '98'], ['ManufacturerRootCertificate', '99']]);
		const d = await cmd('DeleteCertificate', { certificateHashData: MFR });
		checkEq('delete', [d.status, d.json?.result, got.DeleteCertificate], [200, { status: 'Accepted' },
			{ certificateHashData: MFR }]);
		checkEq('delete_removes_row', await certs(), [['CSMSRootCertificate', '98']]);
		installed = [];
		const nf = await cmd('GetInstalledCertificateIds', { certificateType: ['CSMSRootCertificate'] });
		checkEq('not_found', [nf.json?.result, got.GetInstalledCertificateIds],
			[{ status: 'NotFound' }, { certificateType: ['CSMSRootCertificate'] }]);
		checkEq('not_found_empties_type', await certs(), []);
	});

	await test('trigger_sign_certificate_201', async () => {
		// The stack's ocppd has no CA: the CSR the trigger brings is
		// refused, with a 2.0.1-named event.
		answer('TriggerMessage', (p) => {
			if (p.requestedMessage === 'SignChargingStationCertificate')
				setTimeout(() => s.call('SignCertificate', { csr: csr('t', `/O=${ORG}/CN=${S}`) })
					.then((r) => { got.signAnswer = r; }).catch(() => {}), 10);
			return { status: 'Accepted' };
		});
		const t = await cmd('TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' });
		checkEq('trigger', [t.status, t.json?.result?.status], [200, 'Accepted']);
		await until(() => got.signAnswer, 10000, 50);
		checkEq('triggered_csr_answered', got.signAnswer, { status: 'Rejected' });
		checkEq('refusal_event', sqlValue(`SELECT tech_info FROM security_events WHERE cp_id = ${q(S)}
			AND type = 'InvalidChargingStationCertificate'`), 'CSR refused: no CA or signing command configured');
	});

	const FILES = /^\s*files_dir\s*=\s*(.+?)\s*$/m.exec(fs.readFileSync(env.conf, 'utf8'))[1];
	await test('update_firmware_201', async () => {
		const image = Buffer.from(`FW98-${process.pid}-`.repeat(3000));
		const stored = `firmware-98-${process.pid}.bin`;
		fs.writeFileSync(`${FILES}/${stored}`, image);
		sql(`DELETE FROM firmware WHERE stored_name = ${q(stored)}`);
		sql(`INSERT INTO firmware (name, stored_name, size, sha256, signature, signing_cert, uploaded_at)
			VALUES ('fw-98.bin', ${q(stored)}, ${image.length}, ${q('0'.repeat(64))}, 'c2lnLTk4',
			'-----BEGIN CERTIFICATE-----\\nMIIB98\\n-----END CERTIFICATE-----', NOW(3))`);
		const fwId = Number(sqlValue(`SELECT id FROM firmware WHERE stored_name = ${q(stored)}`));
		let fetched;
		answer('UpdateFirmware', (p) => {
			if (!p.firmware.location.startsWith(env.httpUrl)) return { status: 'Accepted' };
			setTimeout(async () => {
				const r = await fetch(p.firmware.location);
				fetched = [r.status, Buffer.from(await r.arrayBuffer()).equals(image)];
				for (const status of ['Downloading', 'Downloaded', 'SignatureVerified', 'Installing', 'Installed'])
					await s.call('FirmwareStatusNotification', { status, requestId: p.requestId });
			}, 10);
			return { status: 'Accepted' };
		});
		const r = await cmd('UpdateFirmware', { firmwareId: fwId });
		checkEq('update_accepted', [r.status, r.json?.result?.status], [200, 'Accepted']);
		const p = got.UpdateFirmware;
		check('payload_201', Number.isInteger(p?.requestId) && p.firmware.location.startsWith(`${env.httpUrl}/files/f/`) &&
			p.firmware.retrieveDateTime && p.firmware.signature === 'c2lnLTk4' &&
			p.firmware.signingCertificate.startsWith('-----BEGIN'), JSON.stringify(p));
		const steps = () => sql(`SELECT s.status FROM firmware_job_steps s JOIN firmware_jobs j ON j.id = s.job_id
			WHERE j.cp_id = ${q(S)} AND j.action = 'UpdateFirmware' AND j.request_id = ${p?.requestId} ORDER BY s.id`)
			.map((x) => x[0]);
		const all = await until(() => { const x = steps(); return x.at(-1) === 'Installed' && x; }, 10000, 50);
		checkEq('fetched_through_lighttpd', fetched, [200, true]);
		checkEq('job_steps', [...(all || [])].sort(), ['Requested', 'Fetched', 'Downloading', 'Downloaded',
			'SignatureVerified', 'Installing', 'Installed'].sort());
		checkEq('cp_firmware_status', sqlValue(`SELECT firmware_status FROM charge_points WHERE id = ${q(S)}`),
			'Installed');
		checkEq('no_token_403', (await fetch(p.firmware.location.replace(/[0-9a-f]{64}$/, 'a'.repeat(64)))).status, 403);
		// The operator's own location, 1.6's field names: sent in 2.0.1's shape.
		const own = await cmd('UpdateFirmware', { location: 'https://example.com/fw.bin',
			retrieveDate: '2026-12-24T00:00:00.000Z' });
		checkEq('own_location', [own.status, got.UpdateFirmware.firmware, Number.isInteger(got.UpdateFirmware.requestId)],
			[200, { location: 'https://example.com/fw.bin', retrieveDateTime: '2026-12-24T00:00:00.000Z' }, true]);
		fs.rmSync(`${FILES}/${stored}`, { force: true });
	});

	await test('get_log_201', async () => {
		const body = `log of ${S} ${process.pid}`;
		let put;
		answer('GetLog', (p) => {
			setTimeout(async () => {
				await s.call('LogStatusNotification', { status: 'Uploading', requestId: p.requestId });
				put = (await fetch(p.log.remoteLocation, { method: 'PUT', body })).status;
				await s.call('LogStatusNotification', { status: 'Uploaded', requestId: p.requestId });
			}, 10);
			return { status: 'Accepted', filename: 'station.log' };
		});
		const r = await cmd('GetLog', { logType: 'SecurityLog' });
		checkEq('get_log_accepted', [r.status, r.json?.result?.status], [200, 'Accepted']);
		const p = lastPayload('GetLog');
		check('get_log_payload', p.logType === 'SecurityLog' && Number.isInteger(p.requestId) &&
			p.log.remoteLocation.startsWith(`${env.httpUrl}/files/u/`), JSON.stringify(p));
		const done_ = await until(() => sqlValue(`SELECT CONCAT(log_status, ',', log_request_id) FROM charge_points
			WHERE id = ${q(S)}`) === `Uploaded,${p.requestId}`, 10000, 50);
		check('log_status_kept', done_, 'no Uploaded status');
		checkEq('upload_201', put, 201);
		const row = sql(`SELECT kind, request_id, stored_name, size FROM cp_files WHERE cp_id = ${q(S)}
			ORDER BY id DESC LIMIT 1`)[0];
		checkEq('upload_in_cp_files', [row?.[0], row?.[1], row?.[3]], ['log', String(p.requestId), String(body.length)]);
		checkEq('upload_content', row && fs.readFileSync(`${FILES}/${row[2]}`, 'utf8'), body);
		checkEq('token_used_once', (await fetch(p.log.remoteLocation, { method: 'PUT', body: 'again' })).status, 403);
		const bad = await cmd('GetLog', { logType: 'EverythingLog' });
		checkEq('bad_log_type_400', [bad.status, bad.json?.error?.code], [400, 'invalid_params']);
	});

	// A node with the CA: a CSR signed, CertificateSigned in 2.0.1's shape.
	await test('sign_certificate_201', async () => {
		const port = ownPort(98);
		const d = await startOcppd({ CSMS_OCPP_PORT: String(port), CSMS_NODE_ID: 'S98',
			CSMS_CERT_CA_CERT: `${dir}/ca.crt`, CSMS_CERT_CA_KEY: `${dir}/ca.key`, CSMS_CERT_ORGANIZATION: ORG,
			// Renewal due as soon as it is issued: 30 days left, renewed at 31.
			CSMS_CERT_VALIDITY_DAYS: '30', CSMS_CERT_RENEW_DAYS: '31', CSMS_CERT_CHECK_EVERY: '1' },
		`98-ocppd-${process.pid}`);
		const C = cpId('v201cert');
		sql(`DELETE FROM cp_certificates WHERE cp_id = ${q(C)}`);
		let c;
		try {
			c = await station(d.url, C);
			const signed = [];
			c.handle('CertificateSigned', ({ params }) => { signed.push(params); return { status: 'Accepted' }; });
			const triggers = [];
			c.handle('TriggerMessage', ({ params }) => { triggers.push(params); return { status: 'Accepted' }; });
			const r = await c.call('SignCertificate', { csr: csr('cp', `/O=${ORG}/CN=${C}`),
				certificateType: 'ChargingStationCertificate' });
			checkEq('sign_accepted', r, { status: 'Accepted' });
			await until(() => signed.length, 10000, 50);
			checkEq('certificate_type', signed[0]?.certificateType, 'ChargingStationCertificate');
			fs.writeFileSync(`${dir}/cp.crt`, signed[0]?.certificateChain || '');
			check('chain_verifies', /OK/.test(ossl('verify', '-CAfile', 'ca.crt', 'cp.crt')));
			check('subject_kept', ossl('x509', '-in', 'cp.crt', '-noout', '-subject').includes(`CN = ${C}`));
			await until(() => sqlValue(`SELECT signed_status FROM cp_certificates WHERE cp_id = ${q(C)}`) === 'Accepted',
				5000, 50);
			checkEq('recorded', sqlValue(`SELECT CONCAT(state, ',', signed_status) FROM cp_certificates
				WHERE cp_id = ${q(C)}`), 'issued,Accepted');
			const events = () => Number(sqlValue(`SELECT COUNT(*) FROM security_events WHERE cp_id = ${q(C)}
				AND type = 'InvalidChargingStationCertificate'`));
			const other = await c.call('SignCertificate', { csr: csr('o', `/O=${ORG}/CN=SOMEONE_ELSE`) });
			checkEq('other_identity_rejected', [other, events()], [{ status: 'Rejected' }, 1]);
			const v2g = await c.call('SignCertificate', { csr: csr('v', `/O=${ORG}/CN=${C}`), certificateType: 'V2GCertificate' });
			checkEq('v2g_rejected', [v2g, events()], [{ status: 'Rejected' }, 2]);
			checkEq('v2g_event', sqlValue(`SELECT tech_info FROM security_events WHERE cp_id = ${q(C)}
				ORDER BY id DESC LIMIT 1`), 'CSR refused: V2GCertificate: no V2G (ISO 15118) CA is configured');
			checkEq('one_issued', sqlValue(`SELECT COUNT(*) FROM cp_certificates WHERE cp_id = ${q(C)}`), '1');
			// The renewal: 2.0.1's TriggerMessage, once.
			await until(() => triggers.length, 10000, 50);
			checkEq('renewal_trigger', triggers, [{ requestedMessage: 'SignChargingStationCertificate' }]);
			check('renewal_recorded', sqlValue(`SELECT renew_requested_at FROM cp_certificates WHERE cp_id = ${q(C)}`),
				'no renew_requested_at');
		} finally {
			await c?.close({ force: true }).catch(() => {});
			await d.stop();
		}
	});
} finally {
	await s.close({ force: true }).catch(() => {});
}
done();
