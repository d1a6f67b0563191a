#!/usr/bin/env node
// 85-dashboard-command-forms.mjs — the charge point page's forms for the
// commands 82 does not cover (ClearCache, GetLocalListVersion,
// DataTransfer, GetDiagnostics, UpdateFirmware, GetCompositeSchedule,
// ClearChargingProfile, SetChargingProfile), each a POST with the page's CSRF token through
// the real web server, answered by ocpp-rpc in strict mode as the charge
// point: the charge point receives the payload the form describes (minutes
// turned into a dateTime, empty optional fields left out), the outcome
// is shown on the page, and a bad value is refused before anything is
// sent.
import {
	checkEq, cpId, done, env, ocppClient, q, sqlValue, test,
} from '../node/lib.mjs';

const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
const CP = cpId('forms');
const got = {};
const cli = await ocppClient(CP);
const answers = {
	ClearCache: { status: 'Accepted' },
	GetLocalListVersion: { listVersion: 42 },
	DataTransfer: { status: 'Accepted', data: 'pong' },
	GetDiagnostics: { fileName: 'diag-85.tar.gz' },
	UpdateFirmware: {},
	GetCompositeSchedule: { status: 'Rejected' },
	ClearChargingProfile: { status: 'Unknown' },
	SetChargingProfile: { status: 'Accepted' },
};
for (const [action, answer] of Object.entries(answers))
	cli.handle(action, ({ params }) => { got[action] = params; return answer; });
await cli.call('BootNotification', { chargePointVendor: 'T85', chargePointModel: 'forms' });

const page = (cookie) => fetch(`${DASH}/cp/${encodeURIComponent(CP)}`,
	{ headers: cookie ? { Cookie: cookie } : {} }).then((r) => r.text());
const token = ((await page()).match(/name="csrf" value="([0-9a-f]{64})"/) || [])[1];
// POST the form, then GET the page it redirects to with the flash cookie:
// the outcome line.
async function submit(fields) {
	const r = await fetch(`${DASH}/cp/${encodeURIComponent(CP)}/command`, {
		method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ csrf: token, ...fields }).toString(),
	});
	const cookie = (r.headers.get('set-cookie') || '').split(';')[0];
	const html = await page(cookie);
	const m = html.match(/<p class="outcome (\w+)"[^>]*><strong>([^<]*)<\/strong>: ([^<]*)/);
	return { status: r.status, outcome: m ? [m[1], m[2], m[3].trim()] : null };
}

try {
	await test('forms_on_page', async () => {
		const html = await page();
		for (const action of Object.keys(answers))
			checkEq(`form_${action}`, html.includes(`name="action" value="${action}"`), true);
	});

	await test('each_form_sends_its_payload', async () => {
		let s = await submit({ action: 'ClearCache' });
		checkEq('clear_cache', [s.status, got.ClearCache, s.outcome?.[2]], [303, {}, 'Accepted']);
		s = await submit({ action: 'GetLocalListVersion' });
		checkEq('local_list_version', s.outcome?.[2], 'local list version 42');
		s = await submit({ action: 'DataTransfer', vendorId: 'org.example', messageId: '', data: 'ping' });
		checkEq('data_transfer', [got.DataTransfer, s.outcome?.[2]], [{ vendorId: 'org.example', data: 'ping' }, 'Accepted']);
		s = await submit({ action: 'GetDiagnostics', location: 'ftp://diag.example/up', retries: '2', retryInterval: '' });
		checkEq('get_diagnostics', [got.GetDiagnostics, s.outcome?.[2]],
			[{ location: 'ftp://diag.example/up', retries: 2 }, 'uploading diag-85.tar.gz']);
		const before = Date.now();
		s = await submit({ action: 'UpdateFirmware', location: 'https://fw.example/1.2.bin', retrieveDate: '10' });
		const at = Date.parse(got.UpdateFirmware?.retrieveDate);
		checkEq('update_firmware', [got.UpdateFirmware?.location, at >= before + 599e3 && at <= Date.now() + 601e3],
			['https://fw.example/1.2.bin', true]);
		s = await submit({ action: 'GetCompositeSchedule', connectorId: '1', duration: '600', chargingRateUnit: 'A' });
		checkEq('composite_schedule', [got.GetCompositeSchedule, s.outcome?.[2]],
			[{ connectorId: 1, duration: 600, chargingRateUnit: 'A' }, 'Rejected']);
		s = await submit({ action: 'ClearChargingProfile', id: '', connectorId: '1', chargingProfilePurpose: 'TxProfile', stackLevel: '' });
		checkEq('clear_charging_profile', [got.ClearChargingProfile, s.outcome?.[2]],
			[{ connectorId: 1, chargingProfilePurpose: 'TxProfile' }, 'Unknown']);
		s = await submit({ action: 'SetChargingProfile', connectorId: '0', chargingProfilePurpose: 'TxDefaultProfile',
			stackLevel: '2', limit: '16.5', chargingRateUnit: 'A' });
		const sp = got.SetChargingProfile;
		checkEq('set_charging_profile', [sp?.connectorId, sp?.csChargingProfiles?.chargingProfilePurpose,
			sp?.csChargingProfiles?.chargingProfileKind, sp?.csChargingProfiles?.stackLevel,
			sp?.csChargingProfiles?.chargingSchedule, s.outcome?.[2]],
		[0, 'TxDefaultProfile', 'Relative', 2,
			{ chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16.5 }] }, 'Accepted']);
		delete got.SetChargingProfile;
		s = await submit({ action: 'SetChargingProfile', connectorId: '1', chargingProfilePurpose: 'ChargePointMaxProfile',
			stackLevel: '1', limit: '11000', chargingRateUnit: 'W' });
		checkEq('cp_max_on_connector_refused', [s.outcome?.[0], got.SetChargingProfile], ['bad', undefined]);
		s = await submit({ action: 'SetChargingProfile', connectorId: '0', chargingProfilePurpose: 'ChargePointMaxProfile',
			stackLevel: '1', limit: '11000', chargingRateUnit: 'W' });
		checkEq('cp_max_absolute', [got.SetChargingProfile?.csChargingProfiles?.chargingProfileKind,
			typeof got.SetChargingProfile?.csChargingProfiles?.chargingSchedule?.startSchedule, s.outcome?.[2]],
		['Absolute', 'string', 'Accepted']);
		checkEq('history_rows', sqlValue(`SELECT COUNT(DISTINCT action) FROM commands WHERE cp_id = ${q(CP)}`), '8');
	});

	await test('bad_values_refused_before_sending', async () => {
		delete got.UpdateFirmware;
		let s = await submit({ action: 'UpdateFirmware', location: 'https://fw.example/x', retrieveDate: '-5' });
		checkEq('negative_minutes', [s.status, s.outcome?.[0], got.UpdateFirmware], [303, 'bad', undefined]);
		s = await submit({ action: 'GetCompositeSchedule', connectorId: '1', duration: 'soon' });
		checkEq('not_a_number', [s.status, s.outcome?.[0]], [303, 'bad']);
		s = await submit({ action: 'DataTransfer', vendorId: '' });
		checkEq('missing_required', [s.status, s.outcome?.[0]], [303, 'bad']);
		delete got.SetChargingProfile;
		s = await submit({ action: 'SetChargingProfile', connectorId: '0', chargingProfilePurpose: 'TxDefaultProfile',
			stackLevel: '1', limit: 'lots', chargingRateUnit: 'A' });
		checkEq('limit_not_a_number', [s.outcome?.[0], got.SetChargingProfile], ['bad', undefined]);
	});
} finally {
	await cli.close();
}
done();
