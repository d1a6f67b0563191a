#!/usr/bin/env node
// 58-charging-profiles.mjs — charging profiles and composite schedules kept
// by ocppd (docs/smart-charging.md), through the real stack: the commands
// go through the REST API (lighttpd → api → ocppd's control socket) to a
// charge point played by ocpp-rpc in strict mode, and what ocppd recorded
// is read back through GET /charging-profiles, /cps/{id}/charging-profiles,
// /cps/{id}/composite-schedule and the charge point's dashboard page:
//  - SetChargingProfile → pending while the charge point has not answered,
//    then accepted; Rejected / NotSupported → rejected with the answer;
//  - an accepted profile with the same purpose and stack level on the
//    connector, or the same chargingProfileId, replaces the older one;
//  - ClearChargingProfile Accepted clears by id or by criteria, Unknown
//    clears nothing;
//  - a TxProfile (set for a running session, or sent with a
//    RemoteStartTransaction) ends when its session stops;
//  - GetCompositeSchedule's answer is stored and drawn as an SVG step chart
//    on the charge point page, with the profiles listed;
//  - bad input: profiles breaking the 1.6 rules and bad filters are JSON
//    errors, and nothing is recorded for them.
import {
	apiCall, checkEq, cpId, done, env, isoNow, ocppClient, q, sql, sqlValue, test, until,
} from '../node/lib.mjs';

const CP = cpId('prof');
const TAG = `P58${process.pid % 100000}`;
const enc = encodeURIComponent(CP);
const call = apiCall;
const cmd = (action, body, wait = 5) => call('POST', `/cps/${enc}/commands/${action}?wait=${wait}`, body);
const profiles = async (query = '') => (await call('GET', `/cps/${enc}/charging-profiles?per_page=100${query}`)).json;
// The newest row of a chargingProfileId on this charge point.
const row = async (pid) => (await profiles()).items?.find((i) => i.profile_id === pid);
// The answer is recorded by ocppd's database worker just after it
// arrives: read until the row has left 'pending'.
async function settled(pid) {
	let r;
	await until(async () => (r = await row(pid)) && r.status !== 'pending', 5000, 50);
	return r;
}
const schedule = (periods, unit = 'A') => ({
	chargingRateUnit: unit,
	chargingSchedulePeriod: periods.map(([startPeriod, limit]) => ({ startPeriod, limit })),
});
const profile = (id, purpose, level, periods, extra = {}) => ({
	chargingProfileId: id, stackLevel: level, chargingProfilePurpose: purpose,
	chargingProfileKind: 'Absolute', chargingSchedule: schedule(periods), ...extra,
});
const set = (connectorId, prof, wait) => cmd('SetChargingProfile', { connectorId, csChargingProfiles: prof }, wait);

sql(`INSERT INTO users (id_tag, name, status) VALUES (${q(TAG)}, 'Profile test', 'Accepted')`);
const cp = await ocppClient(CP);
let setAnswer = 'Accepted';
let gate = null; // a promise the SetChargingProfile answer waits for
let clearAnswer = 'Accepted';
const received = [];
cp.handle('SetChargingProfile', async ({ params }) => {
	received.push(params);
	if (gate) await gate;
	return { status: setAnswer };
});
cp.handle('ClearChargingProfile', () => ({ status: clearAnswer }));
cp.handle('RemoteStartTransaction', () => ({ status: 'Accepted' }));
const composite = {
	status: 'Accepted', connectorId: 1, scheduleStart: new Date(Date.now() + 60e3).toISOString(),
	chargingSchedule: { duration: 3600, chargingRateUnit: 'A',
		chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }, { startPeriod: 1800, limit: 10 }, { startPeriod: 2700, limit: 6 }] },
};
cp.handle('GetCompositeSchedule', () => composite);
await cp.call('BootNotification', { chargePointVendor: 'T58', chargePointModel: 'profiles' });

try {
	await test('set_pending_then_accepted', async () => {
		let release;
		gate = new Promise((res) => { release = res; });
		const r = await set(0, profile(5801, 'ChargePointMaxProfile', 0, [[0, 32]]), 0);
		checkEq('queued_202', r.status, 202);
		const pending = await until(async () => (await row(5801))?.status === 'pending', 5000, 50);
		checkEq('pending_while_unanswered', pending ? 'pending' : (await row(5801))?.status, 'pending');
		release();
		gate = null;
		const p = await settled(5801);
		checkEq('accepted_row', [p?.status, p?.answer, p?.connector_id, p?.purpose, p?.stack_level, p?.kind,
			p?.source, p?.schedule?.chargingSchedulePeriod?.[0]?.limit, typeof p?.command_uid],
		['accepted', 'Accepted', 0, 'ChargePointMaxProfile', 0, 'Absolute', 'SetChargingProfile', 32, 'string']);
		const all = (await call('GET', `/charging-profiles?cp_id=${enc}&purpose=ChargePointMaxProfile&status=accepted`)).json;
		checkEq('fleet_list_filters', all?.items?.map((i) => i.profile_id), [5801]);
	});

	await test('rejected_answer_kept', async () => {
		setAnswer = 'Rejected';
		const r = await set(1, profile(5810, 'TxDefaultProfile', 3, [[0, 20]]));
		checkEq('answered', [r.status, r.json?.result?.status], [200, 'Rejected']);
		setAnswer = 'NotSupported';
		await set(1, profile(5811, 'TxDefaultProfile', 4, [[0, 20]]));
		setAnswer = 'Accepted';
		checkEq('rejected_rows', [(await settled(5810))?.status, (await settled(5810))?.answer,
			(await settled(5811))?.status, (await settled(5811))?.answer],
		['rejected', 'Rejected', 'rejected', 'NotSupported']);
	});

	await test('newer_profile_replaces', async () => {
		await set(1, profile(5802, 'TxDefaultProfile', 1, [[0, 16]]));
		checkEq('first_accepted', (await settled(5802))?.status, 'accepted');
		// Same purpose and stack level on the same connector: replaces.
		await set(1, profile(5803, 'TxDefaultProfile', 1, [[0, 12]]));
		checkEq('second_accepted', (await settled(5803))?.status, 'accepted');
		checkEq('first_replaced', (await row(5802))?.status, 'replaced');
		// Another stack level on the connector: both stay.
		await set(1, profile(5804, 'TxDefaultProfile', 2, [[0, 8]]));
		checkEq('other_level_kept', [(await settled(5804))?.status, (await row(5803))?.status], ['accepted', 'accepted']);
		// The same chargingProfileId, elsewhere: replaces too.
		await set(2, profile(5804, 'TxDefaultProfile', 5, [[0, 8]]));
		await until(async () => (await profiles()).items.filter((i) => i.profile_id === 5804).length === 2, 5000, 50);
		await settled(5804);
		const rows = (await profiles()).items.filter((i) => i.profile_id === 5804);
		checkEq('same_id_replaced', rows.map((i) => [i.connector_id, i.status]), [[2, 'accepted'], [1, 'replaced']]);
		// A rejected profile replaces nothing.
		setAnswer = 'Rejected';
		await set(1, profile(5805, 'TxDefaultProfile', 1, [[0, 4]]));
		setAnswer = 'Accepted';
		await settled(5805);
		checkEq('rejected_replaces_nothing', (await row(5803))?.status, 'accepted');
	});

	await test('clear_by_id_and_criteria', async () => {
		clearAnswer = 'Unknown';
		await cmd('ClearChargingProfile', { id: 5803 });
		clearAnswer = 'Accepted';
		checkEq('unknown_clears_nothing', (await row(5803))?.status, 'accepted');
		const c = await cmd('ClearChargingProfile', { id: 5803 });
		checkEq('clear_answered', [c.status, c.json?.result?.status], [200, 'Accepted']);
		await until(async () => (await row(5803))?.status === 'cleared', 5000, 50);
		checkEq('cleared_by_id', (await row(5803))?.status, 'cleared');
		checkEq('others_kept', (await row(5801))?.status, 'accepted');
		// No id: every profile matching all the criteria given.
		await cmd('ClearChargingProfile', { chargingProfilePurpose: 'ChargePointMaxProfile', connectorId: 0 });
		await until(async () => (await row(5801))?.status === 'cleared', 5000, 50);
		checkEq('cleared_by_criteria', [(await row(5801))?.status, (await profiles()).items.find((i) => i.profile_id === 5804 && i.connector_id === 2)?.status],
			['cleared', 'accepted']);
		checkEq('status_filter', (await profiles('&status=cleared')).items.map((i) => i.profile_id).sort(), [5801, 5803]);
	});

	await test('tx_profile_ends_with_session', async () => {
		const st = await cp.call('StartTransaction', { connectorId: 1, idTag: TAG, meterStart: 0, timestamp: isoNow() });
		await set(1, profile(5820, 'TxProfile', 0, [[0, 10]]));
		const p = await settled(5820);
		checkEq('tx_profile_bound', [p?.status, p?.transaction_id], ['accepted', st.transactionId]);
		await cp.call('StopTransaction', { transactionId: st.transactionId, meterStop: 500, timestamp: isoNow() });
		checkEq('ended_at_stop', [(await row(5820))?.status, (await row(5820))?.transaction_id], ['ended', st.transactionId]);

		// A remote start's TxProfile: recorded with the command, ended
		// with the session it started.
		const r = await cmd('RemoteStartTransaction', { connectorId: 2, idTag: TAG,
			chargingProfile: profile(5821, 'TxProfile', 0, [[0, 7]]) });
		checkEq('remote_start_answered', r.json?.result?.status, 'Accepted');
		const rp = await settled(5821);
		checkEq('remote_start_profile', [rp?.status, rp?.source, rp?.connector_id, rp?.transaction_id],
			['accepted', 'RemoteStartTransaction', 2, null]);
		const st2 = await cp.call('StartTransaction', { connectorId: 2, idTag: TAG, meterStart: 0, timestamp: isoNow() });
		await cp.call('StopTransaction', { transactionId: st2.transactionId, meterStop: 100, timestamp: isoNow() });
		checkEq('remote_start_profile_ended', [(await row(5821))?.status, (await row(5821))?.transaction_id], ['ended', st2.transactionId]);
		checkEq('other_profiles_untouched', (await profiles()).items.find((i) => i.profile_id === 5804 && i.connector_id === 2)?.status, 'accepted');
	});

	await test('composite_schedule_stored_and_drawn', async () => {
		const before = await call('GET', `/cps/${enc}/composite-schedule`);
		checkEq('none_yet', [before.status, before.json?.items?.length], [200, 0]);
		const r = await cmd('GetCompositeSchedule', { connectorId: 1, duration: 3600, chargingRateUnit: 'A' });
		checkEq('answered', [r.status, r.json?.result?.status], [200, 'Accepted']);
		let s;
		await until(async () => (s = (await call('GET', `/cps/${enc}/composite-schedule`)).json?.items?.[0]), 5000, 50);
		checkEq('stored', [s?.connector_id, s?.duration, s?.charging_rate_unit, s?.schedule_start,
			s?.schedule?.chargingSchedulePeriod?.map((p) => [p.startPeriod, p.limit]), typeof s?.command_uid],
		[1, 3600, 'A', composite.scheduleStart, [[0, 16], [1800, 10], [2700, 6]], 'string']);
		checkEq('connector_filter', (await call('GET', `/cps/${enc}/composite-schedule?connector_id=2`)).json?.items?.length, 0);
		// A newer answer takes its place.
		composite.chargingSchedule.chargingSchedulePeriod = [{ startPeriod: 0, limit: 20 }, { startPeriod: 900, limit: 12 }];
		await cmd('GetCompositeSchedule', { connectorId: 1, duration: 3600 });
		await until(async () => (await call('GET', `/cps/${enc}/composite-schedule`)).json?.items?.[0]?.schedule?.chargingSchedulePeriod?.length === 2, 5000, 50);
		const items = (await call('GET', `/cps/${enc}/composite-schedule`)).json?.items;
		checkEq('latest_only', [items?.length, items?.[0]?.schedule?.chargingSchedulePeriod?.[0]?.limit], [1, 20]);

		const html = await (await fetch(`${env.httpUrl}/cgi-bin/dashboard/cp/${enc}`)).text();
		const svg = (html.match(/<figure class="chart schedule" data-connector="1">[^]*?<\/svg>/) || [''])[0];
		checkEq('svg_on_page', /<svg class="chart-svg schedule-svg"/.test(svg), true);
		// Two periods: four points, the step down from 20 A to 12 A at a
		// quarter of the hour (x from 52 to 952 on the 960-wide chart).
		const pts = (svg.match(/class="schedule-line" points="([^"]+)"/) || [])[1]?.split(' ');
		checkEq('step_points', [pts?.length, pts?.[1]?.split(',')[0], pts?.[2]?.split(',')[0], pts?.[3]?.split(',')[0]],
			[4, '277.0', '277.0', '952.0']);
		checkEq('step_levels', pts?.[1]?.split(',')[1] !== pts?.[2]?.split(',')[1] && pts?.[2]?.split(',')[1] === pts?.[3]?.split(',')[1], true);
		checkEq('profiles_listed', [/<tr data-profile="5820" data-status="ended">/.test(html),
			/<tr data-profile="5810" data-status="rejected">/.test(html)], [true, true]);
	});

	await test('bad_input_json_errors', async () => {
		const count = () => Number(sqlValue(`SELECT COUNT(*) FROM charging_profiles WHERE cp_id = ${q(CP)}`));
		const n = count();
		const sent = received.length;
		const bad = [
			['tx_profile_on_connector_0', await set(0, profile(5890, 'TxProfile', 0, [[0, 10]]))],
			['max_profile_on_connector_1', await set(1, profile(5891, 'ChargePointMaxProfile', 0, [[0, 10]]))],
			['first_period_not_0', await set(1, profile(5892, 'TxDefaultProfile', 0, [[60, 10]]))],
			['periods_not_ascending', await set(1, profile(5893, 'TxDefaultProfile', 0, [[0, 10], [600, 8], [300, 6]]))],
			['no_periods', await set(1, profile(5894, 'TxDefaultProfile', 0, []))],
			['recurring_without_kind', await set(1, profile(5895, 'TxDefaultProfile', 0, [[0, 10]], { chargingProfileKind: 'Recurring' }))],
			['tx_id_on_default', await set(1, profile(5896, 'TxDefaultProfile', 0, [[0, 10]], { transactionId: 1 }))],
			['valid_to_before_from', await set(1, profile(5897, 'TxDefaultProfile', 0, [[0, 10]],
				{ validFrom: '2030-01-02T00:00:00Z', validTo: '2030-01-01T00:00:00Z' }))],
			['schema_missing_schedule', await cmd('SetChargingProfile', { connectorId: 1, csChargingProfiles: { chargingProfileId: 5898 } })],
			['remote_start_default_profile', await cmd('RemoteStartTransaction', { idTag: TAG,
				chargingProfile: profile(5899, 'TxDefaultProfile', 0, [[0, 10]]) })],
		];
		for (const [name, r] of bad)
			checkEq(name, [r.status, r.json?.error?.code], [400, 'invalid_params']);
		checkEq('nothing_sent_or_recorded', [received.length - sent, count() - n], [0, 0]);
		const e1 = await call('GET', '/charging-profiles?status=active');
		checkEq('bad_status_400', [e1.status, e1.json?.error?.parameter], [400, 'status']);
		const e2 = await call('GET', `/cps/${enc}/charging-profiles?purpose=Max`);
		checkEq('bad_purpose_400', [e2.status, e2.json?.error?.parameter], [400, 'purpose']);
		const e3 = await call('GET', `/cps/${enc}/composite-schedule?connector_id=-1`);
		checkEq('bad_connector_400', [e3.status, e3.json?.error?.parameter], [400, 'connector_id']);
		checkEq('unknown_cp_404', [(await call('GET', '/cps/NO_SUCH_CP_58/charging-profiles')).status,
			(await call('GET', '/cps/NO_SUCH_CP_58/composite-schedule')).status], [404, 404]);
	});
} finally {
	await cp.close();
}
done();
