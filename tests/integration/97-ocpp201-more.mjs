#!/usr/bin/env node
// 97-ocpp201-more.mjs — more of OCPP 2.0.1 through ocpp-rpc in strict
// mode (every frame validated against the official 2.0.1 schemas): the
// device model kept current by GetVariables / SetVariables answers,
// reservations (ReserveNow, CancelReservation, ReservationStatusUpdate,
// a TransactionEvent consuming one), the local list and smart charging
// sent to a 2.0.1 station.
import {
	RPCClient, apiCall, check, checkEq, cpId, done, env, ownPort, q, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const A = cpId('v201m');
const tag = (t) => `T97${process.pid % 1000}-${t}`.slice(0, 20);
const OK = tag('OK');
sql(`INSERT INTO users (id_tag, status) VALUES (${q(OK)}, 'Accepted')`);

const a = new RPCClient({
	endpoint: env.ocppUrl, identity: A, protocols: ['ocpp2.0.1'],
	strictMode: true, reconnect: false, callTimeoutMs: 10000,
});
await a.connect();
await a.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'V', model: 'M97' } });

const cmd = (action, body) =>
	apiCall('POST', `/cps/${encodeURIComponent(A)}/commands/${action}?wait=5`, body);
const got = {};
const answer = (action, fn) => a.handle(action, ({ params }) => { got[action] = params; return fn(params); });
const devVar = (comp, variable, type = 'Actual') => sqlValue(`SELECT value FROM device_vars
	WHERE cp_id = ${q(A)} AND component = ${q(comp)} AND variable = ${q(variable)} AND attr_type = ${q(type)}`);

await test('get_set_variables_into_device_model', async () => {
	answer('GetVariables', () => ({ getVariableResult: [
		{ attributeStatus: 'Accepted', attributeValue: '300', component: { name: 'OCPPCommCtrlr' },
			variable: { name: 'HeartbeatInterval' } },
		{ attributeStatus: 'Accepted', attributeType: 'Target', attributeValue: '32',
			component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power', instance: 'max' } },
		{ attributeStatus: 'UnknownVariable', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'Nope' } },
	] }));
	const g = await cmd('GetVariables', { getVariableData: [
		{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
		{ attributeType: 'Target', component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power', instance: 'max' } },
		{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'Nope' } }] });
	checkEq('get_variables_answered', g.status, 200);
	checkEq('get_variables_stored', devVar('OCPPCommCtrlr', 'HeartbeatInterval'), '300');
	checkEq('get_variables_stored_evse', sql(`SELECT value, evse_id, connector_id, variable_instance FROM device_vars
		WHERE cp_id = ${q(A)} AND variable = 'Power'`), [['32', '1', '-1', 'max']]);
	checkEq('get_variables_unknown_not_stored', devVar('OCPPCommCtrlr', 'Nope'), undefined);

	// SetVariables: the accepted value is written, a rejected one is not,
	// a secret never.
	answer('SetVariables', (p) => ({ setVariableResult: p.setVariableData.map((d) => ({
		attributeStatus: d.variable.name === 'TxStartPoint' ? 'Rejected' : 'Accepted',
		component: d.component, variable: d.variable })) }));
	const s = await cmd('SetVariables', { setVariableData: [
		{ attributeValue: '900', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
		{ attributeValue: 'EVConnected', component: { name: 'TxCtrlr' }, variable: { name: 'TxStartPoint' } },
		{ attributeValue: 'secret-password-9797', component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }] });
	checkEq('set_variables_answered', s.status, 200);
	checkEq('set_variables_stored', devVar('OCPPCommCtrlr', 'HeartbeatInterval'), '900');
	checkEq('set_variables_rejected_not_stored', devVar('TxCtrlr', 'TxStartPoint'), undefined);
	checkEq('set_variables_secret_not_stored', devVar('SecurityCtrlr', 'BasicAuthPassword'), undefined);
	const api = await apiCall('GET', `/cps/${encodeURIComponent(A)}/variables`);
	check('variables_api_shows_value', (api.json?.items || []).some((v) => v.variable === 'HeartbeatInterval' && v.value === '900'),
		api.text);
});

// Reservations: 2.0.1's payload (or 1.6's, turned into 2.0.1's) in the
// same reservations table as 1.6.
const resRow = (rid) => sql(`SELECT connector_id, id_tag, parent_id_tag, status, answer, transaction_id
	FROM reservations WHERE cp_id = ${q(A)} AND reservation_id = ${rid} ORDER BY id DESC LIMIT 1`)[0];
const inAnHour = () => new Date(Date.now() + 3600 * 1000).toISOString();

await test('reservations_201', async () => {
	answer('ReserveNow', () => ({ status: 'Accepted' }));
	answer('CancelReservation', () => ({ status: 'Accepted' }));
	const exp = inAnHour();
	const r1 = await cmd('ReserveNow', { id: 9701, expiryDateTime: exp, idToken: { idToken: OK, type: 'ISO14443' }, evseId: 1 });
	checkEq('reserve_now_201', [r1.status, r1.json?.status], [200, 'Accepted']);
	checkEq('reserve_now_201_received', got.ReserveNow,
		{ id: 9701, expiryDateTime: exp, idToken: { idToken: OK, type: 'ISO14443' }, evseId: 1 });
	checkEq('reserve_now_201_row', resRow(9701), ['1', OK, null, 'active', 'Accepted', null]);

	// 1.6's shape to a 2.0.1 station: sent as 2.0.1's.
	const r2 = await cmd('ReserveNow', { reservationId: 9702, expiryDate: exp, idTag: OK, parentIdTag: 'GRP97', connectorId: 0 });
	checkEq('reserve_now_16_shape', [r2.status, r2.json?.status], [200, 'Accepted']);
	checkEq('reserve_now_16_shape_received', got.ReserveNow, { id: 9702, expiryDateTime: exp,
		idToken: { idToken: OK, type: 'ISO14443' }, groupIdToken: { idToken: 'GRP97', type: 'ISO14443' } });
	checkEq('reserve_now_16_shape_row', resRow(9702), ['0', OK, 'GRP97', 'active', 'Accepted', null]);
	const long = await cmd('ReserveNow', { id: 9709, expiryDateTime: exp, idToken: { idToken: 'X'.repeat(30), type: 'Central' } });
	checkEq('reserve_now_long_token', [long.status, long.json?.error?.code], [400, 'invalid_params']);

	// CancelReservation: cancelled.
	const c = await cmd('CancelReservation', { reservationId: 9702 });
	checkEq('cancel_reservation_201', [c.status, c.json?.status, got.CancelReservation], [200, 'Accepted', { reservationId: 9702 }]);
	checkEq('cancel_reservation_201_row', resRow(9702)?.[3], 'cancelled');

	// The station's ReservationStatusUpdate closes one: Removed, Expired.
	await cmd('ReserveNow', { id: 9703, expiryDateTime: exp, idToken: { idToken: OK, type: 'ISO14443' }, evseId: 2 });
	await cmd('ReserveNow', { id: 9704, expiryDateTime: exp, idToken: { idToken: OK, type: 'ISO14443' }, evseId: 2 });
	checkEq('status_update_reply', await a.call('ReservationStatusUpdate', { reservationId: 9703, reservationUpdateStatus: 'Removed' }), {});
	await a.call('ReservationStatusUpdate', { reservationId: 9704, reservationUpdateStatus: 'Expired' });
	checkEq('status_update_removed', resRow(9703)?.[3], 'removed');
	checkEq('status_update_expired', resRow(9704)?.[3], 'expired');
	const api = await apiCall('GET', `/reservations?cp_id=${encodeURIComponent(A)}&status=removed`);
	checkEq('status_update_api', [api.status, api.json?.items?.map((x) => x.reservation_id)], [200, [9703]]);

	// A TransactionEvent naming the reservation uses it.
	const txId = `tx97-${process.pid}`;
	await a.call('TransactionEvent', { eventType: 'Started', timestamp: new Date().toISOString(), seqNo: 0,
		triggerReason: 'Authorized', transactionInfo: { transactionId: txId }, evse: { id: 1, connectorId: 1 },
		idToken: { idToken: OK, type: 'ISO14443' }, reservationId: 9701 });
	const tx = sql(`SELECT id, reservation_id FROM transactions WHERE cp_id = ${q(A)} AND cp_tx_id = ${q(txId)}`)[0];
	checkEq('tx_reservation_linked', tx?.[1], '9701');
	checkEq('reservation_used', resRow(9701), ['1', OK, null, 'used', 'Accepted', tx?.[0]]);
	// A retry of the event changes nothing.
	await a.call('TransactionEvent', { eventType: 'Started', timestamp: new Date().toISOString(), seqNo: 0,
		triggerReason: 'Authorized', transactionInfo: { transactionId: txId }, evse: { id: 1, connectorId: 1 },
		idToken: { idToken: OK, type: 'ISO14443' }, reservationId: 9701 });
	checkEq('reservation_used_once', sqlValue(`SELECT COUNT(*) FROM reservations WHERE cp_id = ${q(A)} AND status = 'used'`), '1');
});

// The local list: the same store and sender as 1.6's (an ocppd of this
// test's own with local_list = all), in 2.0.1's shape.
await test('local_list_201', async () => {
	const L = cpId('v201list');
	const TAG = tag('L'), PARENT = tag('P');
	sql(`INSERT INTO users (id_tag, status, expiry_date, parent_id_tag) VALUES
		(${q(PARENT)}, 'Accepted', NULL, NULL),
		(${q(TAG)}, 'Blocked', '2031-01-02 03:04:05', ${q(PARENT)})`);
	const d = await startOcppd({ CSMS_OCPP_PORT: String(ownPort(97)), CSMS_NODE_ID: 'L97', CSMS_LOCAL_LIST: 'all' },
		`97-ocppd-${process.pid}`);
	const cli = new RPCClient({ endpoint: d.url, identity: L, protocols: ['ocpp2.0.1'],
		strictMode: true, reconnect: false, callTimeoutMs: 10000 });
	const lists = [];
	try {
		await cli.connect();
		cli.handle('SendLocalList', ({ params }) => { lists.push(params); return { status: 'Accepted' }; });
		cli.handle('GetLocalListVersion', () => ({ versionNumber: lists.at(-1)?.versionNumber ?? 0 }));
		await cli.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'V', model: 'L97' } });
		await until(() => lists.length >= 1, 20000, 100);
		const full = lists[0];
		checkEq('local_list_full', [full?.updateType, Number.isInteger(full?.versionNumber), 'listVersion' in (full || {})],
			['Full', true, false]);
		const mine = full?.localAuthorizationList?.find((e) => e.idToken?.idToken === TAG);
		checkEq('local_list_entry', mine, { idToken: { idToken: TAG, type: 'ISO14443' },
			idTokenInfo: { status: 'Blocked', cacheExpiryDateTime: '2031-01-02T03:04:05.000Z',
				groupIdToken: { idToken: PARENT, type: 'Central' } } });
		const state = () => sql(`SELECT status, version_confirmed FROM local_lists WHERE cp_id = ${q(L)}`)[0];
		await until(() => state()?.[0] === 'in_sync', 10000, 100);
		checkEq('local_list_in_sync', state(), ['in_sync', String(full?.versionNumber)]);

		// A tag deleted through the API: a Differential removal.
		const del = await apiCall('DELETE', `/users/${TAG}`);
		checkEq('local_list_tag_deleted', del.status, 200);
		await until(() => lists.length >= 2, 20000, 100);
		checkEq('local_list_removal', [lists[1]?.updateType, lists[1]?.localAuthorizationList],
			['Differential', [{ idToken: { idToken: TAG, type: 'ISO14443' } }]]);
		await until(() => state()?.[1] === String(lists[1]?.versionNumber), 10000, 100);
		checkEq('local_list_confirmed', state(), ['in_sync', String(lists[1]?.versionNumber)]);

		// A boot since: ocppd asks GetLocalListVersion, 2.0.1's answer
		// (versionNumber) is read as 1.6's listVersion.
		await cli.call('BootNotification', { reason: 'RemoteReset', chargingStation: { vendorName: 'V', model: 'L97' } });
		const asked = () => sqlValue(`SELECT COUNT(*) FROM commands WHERE cp_id = ${q(L)}
			AND action = 'GetLocalListVersion' AND status = 'answered'`);
		await until(() => asked() === '1' && state()?.[0] === 'in_sync', 20000, 100);
		checkEq('local_list_version_asked', [asked(), sqlValue(`SELECT last_answer FROM local_lists WHERE cp_id = ${q(L)}`)],
			['1', `listVersion ${lists[1]?.versionNumber}`]);
	} finally {
		await cli.close();
		await d.stop();
	}
});

await test('local_list_commands_by_hand', async () => {
	answer('SendLocalList', () => ({ status: 'Accepted' }));
	answer('GetLocalListVersion', () => ({ versionNumber: 7 }));
	const body = { versionNumber: 7, updateType: 'Full', localAuthorizationList: [
		{ idToken: { idToken: OK, type: 'ISO14443' }, idTokenInfo: { status: 'Accepted' } }] };
	const r = await cmd('SendLocalList', body);
	checkEq('send_local_list_201', [r.status, r.json?.status, got.SendLocalList], [200, 'Accepted', body]);
	// 1.6's shape to a 2.0.1 station: sent as 2.0.1's.
	const r16 = await cmd('SendLocalList', { listVersion: 8, updateType: 'Differential',
		localAuthorizationList: [{ idTag: OK, idTagInfo: { status: 'Accepted', parentIdTag: 'GRP97' } }] });
	checkEq('send_local_list_16_shape', [r16.status, got.SendLocalList], [200, { versionNumber: 8, updateType: 'Differential',
		localAuthorizationList: [{ idToken: { idToken: OK, type: 'ISO14443' },
			idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'GRP97', type: 'Central' } } }] }]);
	const v = await cmd('GetLocalListVersion', {});
	checkEq('get_local_list_version_201', [v.status, v.json?.result], [200, { versionNumber: 7 }]);
});

// Smart charging, the basic part: 2.0.1's profile shape into the same
// charging_profiles table as 1.6's.
await test('smart_charging_201', async () => {
	answer('SetChargingProfile', () => ({ status: 'Accepted' }));
	answer('ClearChargingProfile', () => ({ status: 'Accepted' }));
	answer('GetChargingProfiles', () => ({ status: 'Accepted' }));
	const start = new Date(Date.now() - 60000).toISOString();
	answer('GetCompositeSchedule', (p) => ({ status: 'Accepted', schedule: { evseId: p.evseId, duration: p.duration,
		scheduleStart: start, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7400 }] } }));
	const profile = (id, level, limit) => ({ id, stackLevel: level, chargingProfilePurpose: 'TxDefaultProfile',
		chargingProfileKind: 'Absolute', chargingSchedule: [{ id: 1, startSchedule: start, chargingRateUnit: 'W',
			chargingSchedulePeriod: [{ startPeriod: 0, limit }] }] });
	const profRow = (id) => sql(`SELECT connector_id, stack_level, purpose, kind, status, answer FROM charging_profiles
		WHERE cp_id = ${q(A)} AND profile_id = ${id} ORDER BY id DESC LIMIT 1`)[0];
	const s1 = await cmd('SetChargingProfile', { evseId: 1, chargingProfile: profile(971, 1, 11000) });
	checkEq('set_profile_201', [s1.status, s1.json?.status], [200, 'Accepted']);
	checkEq('set_profile_201_received', got.SetChargingProfile, { evseId: 1, chargingProfile: profile(971, 1, 11000) });
	checkEq('set_profile_201_row', profRow(971), ['1', '1', 'TxDefaultProfile', 'Absolute', 'accepted', 'Accepted']);
	checkEq('set_profile_201_schedule', JSON.parse(sqlValue(`SELECT schedule FROM charging_profiles WHERE cp_id = ${q(A)}
		AND profile_id = 971 ORDER BY id DESC LIMIT 1`))[0]?.chargingSchedulePeriod, [{ startPeriod: 0, limit: 11000 }]);
	// The same id again replaces it; a station-wide limit is 1.6's ChargePointMaxProfile in the table.
	await cmd('SetChargingProfile', { evseId: 1, chargingProfile: profile(971, 2, 7000) });
	checkEq('set_profile_201_replaced', sqlValue(`SELECT COUNT(*) FROM charging_profiles WHERE cp_id = ${q(A)}
		AND profile_id = 971 AND status = 'replaced'`), '1');
	const max = { ...profile(972, 0, 22000), chargingProfilePurpose: 'ChargingStationMaxProfile' };
	checkEq('set_max_profile_201', (await cmd('SetChargingProfile', { evseId: 0, chargingProfile: max })).status, 200);
	checkEq('set_max_profile_201_row', profRow(972)?.slice(0, 3), ['0', '0', 'ChargePointMaxProfile']);
	const ext = await cmd('SetChargingProfile', { evseId: 0,
		chargingProfile: { ...profile(973, 0, 1), chargingProfilePurpose: 'ChargingStationExternalConstraints' } });
	checkEq('set_external_refused', [ext.status, ext.json?.error?.code], [400, 'invalid_params']);
	const api = await apiCall('GET', `/cps/${encodeURIComponent(A)}/charging-profiles`);
	check('profiles_api', api.status === 200 && JSON.stringify(api.json).includes('972'), api.text);

	// ClearChargingProfile by criteria, and by id.
	const c1 = await cmd('ClearChargingProfile', { chargingProfileCriteria: { evseId: 1, chargingProfilePurpose: 'TxDefaultProfile' } });
	checkEq('clear_profile_201', [c1.status, c1.json?.status], [200, 'Accepted']);
	checkEq('clear_profile_201_row', profRow(971)?.[4], 'cleared');
	checkEq('clear_profile_201_other_kept', profRow(972)?.[4], 'accepted');
	await cmd('ClearChargingProfile', { chargingProfileId: 972 });
	checkEq('clear_profile_201_by_id', profRow(972)?.[4], 'cleared');

	// GetChargingProfiles, answered by ReportChargingProfiles.
	const g = await cmd('GetChargingProfiles', { requestId: 97, chargingProfile: { chargingProfilePurpose: 'TxDefaultProfile' } });
	checkEq('get_profiles_201', [g.status, g.json?.status], [200, 'Accepted']);
	checkEq('report_profiles_reply', await a.call('ReportChargingProfiles', { requestId: 97, chargingLimitSource: 'CSO',
		evseId: 1, chargingProfile: [profile(971, 2, 7000)] }), {});
	check('report_profiles_audited', await until(() => Number(sqlValue(`SELECT COUNT(*) FROM ocpp_log WHERE cp_id = ${q(A)}
		AND action = 'ReportChargingProfiles'`)) >= 1), 'no ReportChargingProfiles in ocpp_log');

	// GetCompositeSchedule: the station's answer kept per EVSE.
	const cs = await cmd('GetCompositeSchedule', { duration: 3600, evseId: 1, chargingRateUnit: 'W' });
	checkEq('composite_201', [cs.status, cs.json?.status], [200, 'Accepted']);
	checkEq('composite_201_row', sql(`SELECT connector_id, duration, charging_rate_unit FROM composite_schedules
		WHERE cp_id = ${q(A)}`), [['1', '3600', 'W']]);
});

// __MORE__

await a.close();
done();
