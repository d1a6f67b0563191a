#!/usr/bin/env node
// 72-security-events.mjs — the OCPP 1.6 Security Whitepaper's
// notifications through the real stack (docs/security-events.md), sent as
// raw frames (the extension is not in the 1.6 client libraries):
//   - SecurityEventNotification is answered {} and stored, critical or not
//     by the whitepaper's list (a vendor's own type: not critical), with
//     the charge point's time and techInfo;
//   - bad payloads get the schema's CALLERROR and store nothing;
//   - LogStatusNotification and SignedFirmwareStatusNotification are
//     answered and their latest status kept;
//   - GET /security-events (filters, paging, 400 on a bad filter) and
//     GET /cps/{id}/security-events (404 for an unknown charge point);
//   - the dashboard's Security events page and the charge point's card;
//   - a critical event becomes one security.event webhook event for the
//     subscribers (a resent one no second; a non-critical one none);
//   - SignCertificate without a CA configured is Rejected and kept as an
//     event (the whole issue: 74-certificates.mjs).
import {
	apiCall, check, checkEq, cpId, done, env, isoNow, rawClient, sql, sqlValue, q, test,
} from '../node/lib.mjs';

const CP = cpId('secev');
const frame = (id, action, payload) => JSON.stringify([2, id, action, payload]);
const ws = await rawClient(CP);

try {
	await ws.call(frame('b1', 'BootNotification', { chargePointVendor: 'T72', chargePointModel: 'Secure' }));
	const when = '2026-11-30T08:15:00.000Z';

	await test('events_stored', async () => {
		checkEq('tamper_answer', await ws.call(frame('s1', 'SecurityEventNotification',
			{ type: 'TamperDetectionActivated', timestamp: when, techInfo: 'lid opened' })), [3, 's1', {}]);
		checkEq('auth_answer', await ws.call(frame('s2', 'SecurityEventNotification',
			{ type: 'InvalidCentralSystemCertificate', timestamp: isoNow() })), [3, 's2', {}]);
		checkEq('vendor_answer', await ws.call(frame('s3', 'SecurityEventNotification',
			{ type: 'AcmeDoorAjar', timestamp: isoNow() })), [3, 's3', {}]);
		checkEq('rows', sqlValue(`SELECT GROUP_CONCAT(CONCAT(type, ':', critical) ORDER BY id)
			FROM security_events WHERE cp_id = ${q(CP)}`),
		'TamperDetectionActivated:1,InvalidCentralSystemCertificate:0,AcmeDoorAjar:0');
		checkEq('charge_point_time', sqlValue(`SELECT CONCAT(ts, ' ', tech_info) FROM security_events
			WHERE cp_id = ${q(CP)} AND type = 'TamperDetectionActivated'`), '2026-11-30 08:15:00.000 lid opened');
	});

	await test('bad_payloads', async () => {
		const cases = [
			['b2', { timestamp: isoNow() }, 'OccurenceConstraintViolation'],
			['b3', { type: 'x'.repeat(51), timestamp: isoNow() }, 'PropertyConstraintViolation'],
			['b4', { type: 'ResetOrReboot', timestamp: 'yesterday' }, 'PropertyConstraintViolation'],
			['b5', { type: 7, timestamp: isoNow() }, 'TypeConstraintViolation'],
		];
		for (const [id, payload, code] of cases) {
			const r = await ws.call(frame(id, 'SecurityEventNotification', payload));
			checkEq(`bad_${id}`, [r?.[0], r?.[1], r?.[2]], [4, id, code]);
		}
		checkEq('nothing_more_stored', sqlValue(`SELECT COUNT(*) FROM security_events WHERE cp_id = ${q(CP)}`), '3');
	});

	await test('statuses_kept', async () => {
		checkEq('log_answer', await ws.call(frame('l1', 'LogStatusNotification', { status: 'Uploading', requestId: 17 })),
			[3, 'l1', {}]);
		checkEq('fw_answer', await ws.call(frame('f1', 'SignedFirmwareStatusNotification',
			{ status: 'InvalidSignature', requestId: 4 })), [3, 'f1', {}]);
		checkEq('fw_idle', await ws.call(frame('f2', 'SignedFirmwareStatusNotification', { status: 'Idle' })),
			[3, 'f2', {}]);
		checkEq('statuses', sqlValue(`SELECT CONCAT_WS(',', log_status, log_request_id, signed_fw_status,
			IFNULL(signed_fw_request_id, '-')) FROM charge_points WHERE id = ${q(CP)}`), 'Uploading,17,Idle,-');
		const bad = await ws.call(frame('l2', 'LogStatusNotification', { status: 'Done' }));
		checkEq('log_bad_status', [bad?.[0], bad?.[2]], [4, 'PropertyConstraintViolation']);
		const sign = await ws.call(frame('c1', 'SignCertificate', { csr: '-----BEGIN CERTIFICATE REQUEST-----' }));
		checkEq('sign_certificate_without_ca_rejected', sign, [3, 'c1', { status: 'Rejected' }]);
		// Kept as an event; taken out again so the counts below stay the notifications'.
		checkEq('sign_refusal_event', sqlValue(`SELECT tech_info FROM security_events WHERE cp_id = ${q(CP)}
			AND type = 'InvalidChargePointCertificate'`), 'CSR refused: no CA or signing command configured');
		sql(`DELETE FROM security_events WHERE cp_id = ${q(CP)} AND type = 'InvalidChargePointCertificate'`);
	});

	await test('api', async () => {
		const all = await apiCall('GET', `/security-events?cp_id=${encodeURIComponent(CP)}`);
		checkEq('list', [all.status, all.json?.total, all.json?.items?.map((e) => e.type)],
			[200, 3, ['AcmeDoorAjar', 'InvalidCentralSystemCertificate', 'TamperDetectionActivated']]);
		const crit = await apiCall('GET', `/cps/${encodeURIComponent(CP)}/security-events?critical=true`);
		checkEq('critical_only', [crit.status, crit.json?.items?.length, crit.json?.items?.[0]?.tech_info,
			crit.json?.items?.[0]?.timestamp, crit.json?.items?.[0]?.critical], [200, 1, 'lid opened', when, true]);
		const paged = await apiCall('GET', `/cps/${encodeURIComponent(CP)}/security-events?per_page=2&page=2`);
		checkEq('paged', [paged.json?.items?.length, paged.json?.pages], [1, 2]);
		const typed = await apiCall('GET', `/security-events?type=AcmeDoorAjar&cp_id=${encodeURIComponent(CP)}`);
		checkEq('by_type', typed.json?.total, 1);
		const bad = await apiCall('GET', '/security-events?critical=maybe');
		checkEq('bad_filter', [bad.status, bad.json?.error?.parameter], [400, 'critical']);
		checkEq('unknown_cp', (await apiCall('GET', '/cps/NO_SUCH_CP_72/security-events')).status, 404);
	});

	await test('pages', async () => {
		const fleet = await fetch(`${env.httpUrl}/cgi-bin/dashboard/security-events?show=critical`).then((r) => r.text());
		check('fleet_page', fleet.includes('id="security-events"') && fleet.includes('TamperDetectionActivated') &&
			!fleet.includes('AcmeDoorAjar'), 'critical events not listed alone');
		const page = await fetch(`${env.httpUrl}/cgi-bin/dashboard/cp/${encodeURIComponent(CP)}`).then((r) => r.text());
		check('cp_card', page.includes('id="cp-security-events"') && page.includes('lid opened') &&
			page.includes('Signed firmware: <strong>Idle</strong>'), 'no security card');
		checkEq('bad_show', (await fetch(`${env.httpUrl}/cgi-bin/dashboard/security-events?show=some`)).status, 400);
	});
	// A charge point of its own: the counts above stay as they are.
	const CPW = cpId('secwh');
	const wh = await rawClient(CPW);
	try {
		await test('critical_event_webhook', async () => {
			await wh.call(frame('wb', 'BootNotification', { chargePointVendor: 'T72', chargePointModel: 'Hooked' }));
			const hook = await apiCall('POST', '/webhooks', {
				url: 'https://hooks.example.com/csms-t72', events: ['security.event'], secret: 's'.repeat(32),
			});
			checkEq('subscribed', hook.status, 201);
			const t2 = '2026-12-01T10:00:00.000Z';
			const ev = { type: 'FirmwareUpdated', timestamp: t2, techInfo: '1.2.3' };
			checkEq('critical_answer', await wh.call(frame('w1', 'SecurityEventNotification', ev)), [3, 'w1', {}]);
			// The charge point did not see the answer and sends it again.
			checkEq('resent_answer', await wh.call(frame('w2', 'SecurityEventNotification', ev)), [3, 'w2', {}]);
			checkEq('plain_answer', await wh.call(frame('w3', 'SecurityEventNotification',
				{ type: 'AcmeDoorAjar', timestamp: isoNow() })), [3, 'w3', {}]);
			const rows = sql(`SELECT data FROM webhook_events WHERE type = 'security.event' AND cp_id = ${q(CPW)}`);
			const d = rows.length === 1 ? JSON.parse(rows[0][0]) : null;
			checkEq('one_webhook_event', [rows.length, d?.type, d?.timestamp, d?.tech_info, d?.critical],
				[1, 'FirmwareUpdated', t2, '1.2.3', true]);
			await apiCall('DELETE', `/webhooks/${hook.json?.id}`);
		});
	} finally {
		wh.close();
	}
} finally {
	ws.close();
}
done();
