#!/usr/bin/env node
// 98-load-management-201.mjs — site load management on a mixed site: one
// OCPP 1.6 charge point and one OCPP 2.0.1 station, both strict ocpp-rpc
// clients (every frame validated against its protocol's schemas), share
// a site of 20 A per phase (docs/load-management.md):
//   - each gets its 0 A default profile in its own protocol's shape
//     (2.0.1: evseId 0, chargingProfile with id, chargingSchedule array);
//   - a session on each: 10 A each, the 2.0.1 TxProfile naming the
//     session by the station's own transactionId, never more than 20 A;
//   - the 2.0.1 TxProfile is linked to its session in charging_profiles
//     and ends with it; the 1.6 session then gets the whole 20 A;
//   - switching load management off clears the 2.0.1 profiles with
//     2.0.1's ClearChargingProfile.
import {
	RPCClient, apiCall, check, checkEq, cpId, done, env, isoNow, ocppClient, q, sql, sqlValue, test, until,
} from '../node/lib.mjs';

const TAG = `T98${process.pid % 100000}`;
const A16 = cpId('lmx16');
const B201 = cpId('lmx201');
const LIMIT = 20;
const enc = encodeURIComponent;
const load = async (site) => (await apiCall('GET', `/sites/${site}/load`)).json;

sql(`INSERT INTO users (id_tag, name, status) VALUES (${q(TAG)}, 'Mixed site', 'Accepted')
	ON DUPLICATE KEY UPDATE status = 'Accepted'`);

// What each charge point was told, in order.
const told = { [A16]: [], [B201]: [] };
function obey(cli, id) {
	cli.handle('SetChargingProfile', ({ params }) => { told[id].push(['set', params]); return { status: 'Accepted' }; });
	cli.handle('ClearChargingProfile', ({ params }) => { told[id].push(['clear', params]); return { status: 'Accepted' }; });
}

// The newest profile each was sent with the given purpose.
const last = (id, purpose) => told[id].filter(([k, p]) => k === 'set' &&
	(p.csChargingProfiles || p.chargingProfile).chargingProfilePurpose === purpose).pop()?.[1];

let a;
let b;
let site;
try {
	const made = await apiCall('POST', '/sites', { name: `Mixed load ${process.pid}`, grid_limit: LIMIT,
		grid_phases: 3, load_management: true });
	checkEq('site_created', [made.status, made.json?.load_management], [201, true]);
	site = made.json.id;

	a = await ocppClient(A16);
	obey(a, A16);
	await a.call('BootNotification', { chargePointVendor: 'T98', chargePointModel: 'Mixed16' });
	await a.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
	b = new RPCClient({ endpoint: env.ocppUrl, identity: B201, protocols: ['ocpp2.0.1'], strictMode: true,
		reconnect: false, callTimeoutMs: 10000 });
	await b.connect();
	obey(b, B201);
	await b.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'T98', model: 'Mixed201' } });
	await b.call('StatusNotification', { timestamp: isoNow(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
	for (const id of [A16, B201])
		checkEq(`assigned_${id}`, (await apiCall('PUT', `/cps/${enc(id)}/site`, { site_id: site })).status, 200);

	await test('defaults_in_each_shape', async () => {
		const ok = await until(async () => {
			const d = (await load(site))?.allocations?.filter((x) => x.kind === 'default') || [];
			return d.length === 2 && d.every((x) => x.status === 'accepted' && x.accepted_a === 0);
		}, 20000, 200);
		check('defaults_accepted', ok, JSON.stringify((await load(site))?.allocations));
		const d201 = last(B201, 'TxDefaultProfile');
		checkEq('default_201_shape', d201 && [d201.evseId, d201.chargingProfile.id,
			d201.chargingProfile.chargingProfileKind, d201.chargingProfile.chargingSchedule.length,
			d201.chargingProfile.chargingSchedule[0].chargingRateUnit,
			d201.chargingProfile.chargingSchedule[0].chargingSchedulePeriod[0].limit],
		[0, 900000, 'Relative', 1, 'A', 0]);
		const d16 = last(A16, 'TxDefaultProfile');
		checkEq('default_16_shape', d16 && [d16.connectorId, d16.csChargingProfiles.chargingProfileId,
			d16.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit], [0, 900000, 0]);
		checkEq('no_refusals', sqlValue(`SELECT COUNT(*) FROM commands WHERE cp_id IN (${q(A16)}, ${q(B201)})
			AND status = 'error'`), '0');
	});

	const txId = `lm98-${process.pid}`;
	let tx16;
	let tx201;
	await test('shared_between_protocols', async () => {
		tx16 = (await a.call('StartTransaction', { connectorId: 1, idTag: TAG, meterStart: 0,
			timestamp: isoNow() })).transactionId;
		await b.call('TransactionEvent', { eventType: 'Started', timestamp: isoNow(), seqNo: 0,
			triggerReason: 'Authorized', transactionInfo: { transactionId: txId }, evse: { id: 1, connectorId: 1 },
			idToken: { idToken: TAG, type: 'ISO14443' } });
		tx201 = sqlValue(`SELECT id FROM transactions WHERE cp_id = ${q(B201)} AND cp_tx_id = ${q(txId)}`);
		const ok = await until(async () => {
			const s = (await load(site))?.allocations?.filter((x) => x.kind === 'session') || [];
			return s.length === 2 && s.every((x) => x.status === 'accepted' && x.accepted_a === 10);
		}, 20000, 200);
		check('ten_each', ok, JSON.stringify((await load(site))?.allocations));
		const p = last(B201, 'TxProfile');
		checkEq('tx_201_shape', p && [p.evseId, p.chargingProfile.id, p.chargingProfile.transactionId,
			p.chargingProfile.chargingSchedule[0].chargingSchedulePeriod[0].limit], [1, 900001, txId, 10]);
		const p16 = last(A16, 'TxProfile');
		checkEq('tx_16_shape', p16 && [p16.connectorId, p16.csChargingProfiles.transactionId,
			p16.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit], [1, tx16, 10]);
		// The 2.0.1 TxProfile is the session's in ocppd's records.
		const linked = () => sql(`SELECT transaction_id, status FROM charging_profiles
			WHERE cp_id = ${q(B201)} AND purpose = 'TxProfile' ORDER BY id DESC LIMIT 1`)[0];
		await until(() => linked()?.[1] === 'accepted', 5000, 50);
		checkEq('tx_201_linked', linked(), [tx201, 'accepted']);
	});

	await test('ended_201_hands_over', async () => {
		await b.call('TransactionEvent', { eventType: 'Ended', timestamp: isoNow(), seqNo: 1,
			triggerReason: 'EVCommunicationLost', transactionInfo: { transactionId: txId, stoppedReason: 'EVDisconnected' },
			evse: { id: 1, connectorId: 1 } });
		checkEq('tx_201_profile_ended', sql(`SELECT transaction_id, status FROM charging_profiles
			WHERE cp_id = ${q(B201)} AND purpose = 'TxProfile' ORDER BY id DESC LIMIT 1`)[0], [tx201, 'ended']);
		const ok = await until(async () => {
			const s = (await load(site))?.allocations?.filter((x) => x.kind === 'session') || [];
			return s.length === 1 && s[0].cp_id === A16 && s[0].status === 'accepted' && s[0].accepted_a === LIMIT;
		}, 20000, 200);
		check('whole_limit_to_16', ok, JSON.stringify((await load(site))?.allocations));
	});

	await test('switched_off_clears_201', async () => {
		const r = await apiCall('PUT', `/sites/${site}`, { load_management: false });
		checkEq('switched_off', r.status, 200);
		const gone = await until(async () => (await load(site))?.allocations?.length === 0, 20000, 200);
		check('profiles_cleared', gone, JSON.stringify((await load(site))?.allocations));
		const c = told[B201].filter(([k]) => k === 'clear').map(([, p]) => p.chargingProfileId).sort();
		checkEq('cleared_201_by_id', c, [900000]);
		checkEq('no_refusals_at_all', sqlValue(`SELECT COUNT(*) FROM commands WHERE cp_id IN (${q(A16)}, ${q(B201)})
			AND status = 'error'`), '0');
	});
	await a.call('StopTransaction', { transactionId: tx16, meterStop: 100, timestamp: isoNow() });
} finally {
	if (a) await a.close({ force: true }).catch(() => {});
	if (b) await b.close({ force: true }).catch(() => {});
}
done();
