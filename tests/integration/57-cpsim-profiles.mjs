#!/usr/bin/env node
// 57-cpsim-profiles.mjs — cpsim playing the charge point's side of the
// Reservation, Local Auth List and Smart Charging profiles against the real
// stack (docs/cpsim.md), driven through the REST API's command endpoints:
//  - ReserveNow Accepted, the connector Reserved (StatusNotification
//    stored), a remote start by another tag Rejected, one by the reserved
//    tag Accepted and its StartTransaction carrying the reservationId
//    (ocppd marks the reservation used by that session);
//  - SendLocalList Full / Differential and GetLocalListVersion agreeing,
//    VersionMismatch for a stale differential, Failed over --local-list-max;
//  - SetChargingProfile (a TxProfile on the running session) Accepted and
//    GetCompositeSchedule answering its limit, in A and in W; with
//    --obey-profiles the power in MeterValues follows it;
//  - local_list = all on an ocppd of our own: a cpsim restarted (its list
//    gone, version 0) is asked GetLocalListVersion after its boot and gets
//    a Full list again, also when tags changed meanwhile (no Differential
//    onto its empty list); GET /local-lists in_sync, and the charge
//    point's dashboard page shows it.
import { spawn } from 'node:child_process';
import {
	apiCall, check, checkEq, cpId, done, env, ownPort, q, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const CP = cpId('cpsimprof');
const TAG = `P57${process.pid % 100000}`;
const OTHER = `Q57${process.pid % 100000}`;
const PARENT = `G57${process.pid % 100000}`;
const CHILD = `C57${process.pid % 100000}`;
const procs = [];

function cpsim(url, id, args = []) {
	const out = { stderr: '' };
	const p = spawn(`${env.bin}/cpsim`, ['--sessions', '0', ...args, `${url}/${id}`]);
	p.stdout.on('data', () => {});
	p.stderr.on('data', (x) => { out.stderr += x; });
	out.exited = new Promise((r) => p.on('exit', (code) => r(code)));
	out.proc = p;
	procs.push(p);
	return out;
}
const cmd = async (action, body) => {
	const r = await apiCall('POST', `/cps/${encodeURIComponent(CP)}/commands/${action}?wait=8`, body);
	return r.json?.result;
};
const connStatus = (n) => sqlValue(`SELECT status FROM connectors WHERE cp_id = ${q(CP)} AND connector_id = ${n}`);

sql(`INSERT INTO users (id_tag, name, status) VALUES (${q(TAG)}, 'cpsim test', 'Accepted'), (${q(OTHER)}, 'cpsim other', 'Accepted')
	ON DUPLICATE KEY UPDATE status = 'Accepted'`);
sql(`INSERT INTO users (id_tag, name, status, parent_id_tag) VALUES (${q(CHILD)}, 'cpsim child', 'Accepted', ${q(PARENT)})
	ON DUPLICATE KEY UPDATE status = 'Accepted', parent_id_tag = ${q(PARENT)}`);
const sim = cpsim(env.ocppUrl, CP, ['--connectors', '2', '--obey-profiles', '--meter-interval', '1',
	'--power-kw', '22', '--local-list-max', '3']);
let txId;

try {
	await test('cpsim_online', async () => {
		const ok = await until(() => connStatus(2) === 'Available', 15000, 100);
		check('connectors_reported', ok, sim.stderr.slice(-400));
	});

	await test('reservation_held_and_used', async () => {
		const expiry = new Date(Date.now() + 600e3).toISOString();
		const r = await cmd('ReserveNow', { connectorId: 1, expiryDate: expiry, idTag: TAG, reservationId: 5701 });
		checkEq('reserve_accepted', r?.status, 'Accepted');
		check('connector_reserved', await until(() => connStatus(1) === 'Reserved', 5000, 50), connStatus(1));
		const again = await cmd('ReserveNow', { connectorId: 1, expiryDate: expiry, idTag: OTHER, reservationId: 5702 });
		checkEq('second_reservation_occupied', again?.status, 'Occupied');
		const other = await cmd('RemoteStartTransaction', { connectorId: 1, idTag: OTHER });
		checkEq('other_tag_refused', other?.status, 'Rejected');
		const mine = await cmd('RemoteStartTransaction', { connectorId: 1, idTag: TAG });
		checkEq('reserved_tag_starts', mine?.status, 'Accepted');
		let res;
		await until(async () => {
			res = (await apiCall('GET', `/reservations?cp_id=${encodeURIComponent(CP)}`)).json?.items
				?.find((i) => i.reservation_id === 5701);
			return res?.status === 'used';
		}, 10000, 100);
		txId = res?.transaction_id;
		checkEq('reservation_used', [res?.status, typeof txId], ['used', 'number']);
		checkEq('session_of_tag', sqlValue(`SELECT id_tag FROM transactions WHERE id = ${Number(txId)}`), TAG);
		check('charging', await until(() => connStatus(1) === 'Charging', 5000, 50), connStatus(1));
	});

	await test('cancel_and_unknown_reservation', async () => {
		const expiry = new Date(Date.now() + 600e3).toISOString();
		checkEq('reserve_2', (await cmd('ReserveNow', { connectorId: 2, expiryDate: expiry, idTag: OTHER, reservationId: 5703 }))?.status, 'Accepted');
		checkEq('reserved_2', await until(() => connStatus(2) === 'Reserved', 5000, 50), true);
		checkEq('cancel', (await cmd('CancelReservation', { reservationId: 5703 }))?.status, 'Accepted');
		checkEq('available_again', await until(() => connStatus(2) === 'Available', 5000, 50), true);
		checkEq('cancel_unknown', (await cmd('CancelReservation', { reservationId: 5799 }))?.status, 'Rejected');
	});

	await test('local_list_versions', async () => {
		const entry = (t) => ({ idTag: t, idTagInfo: { status: 'Accepted' } });
		checkEq('version_none', (await cmd('GetLocalListVersion', {}))?.listVersion, 0);
		checkEq('full', (await cmd('SendLocalList', { listVersion: 7, updateType: 'Full',
			localAuthorizationList: [entry('A1'), entry('A2')] }))?.status, 'Accepted');
		checkEq('version_7', (await cmd('GetLocalListVersion', {}))?.listVersion, 7);
		checkEq('stale_differential', (await cmd('SendLocalList', { listVersion: 7, updateType: 'Differential',
			localAuthorizationList: [entry('A3')] }))?.status, 'VersionMismatch');
		checkEq('differential', (await cmd('SendLocalList', { listVersion: 8, updateType: 'Differential',
			localAuthorizationList: [entry('A3'), { idTag: 'A1' }] }))?.status, 'Accepted');
		checkEq('too_long', (await cmd('SendLocalList', { listVersion: 9, updateType: 'Differential',
			localAuthorizationList: [entry('A4'), entry('A5')] }))?.status, 'Failed');
		checkEq('version_8', (await cmd('GetLocalListVersion', {}))?.listVersion, 8);
	});

	await test('charging_profile_and_composite', async () => {
		const profile = (purpose, limit, extra = {}) => ({
			chargingProfileId: 57, stackLevel: 0, chargingProfilePurpose: purpose, chargingProfileKind: 'Relative',
			chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit }] }, ...extra });
		checkEq('tx_profile_idle_connector', (await cmd('SetChargingProfile',
			{ connectorId: 2, csChargingProfiles: profile('TxProfile', 10) }))?.status, 'Rejected');
		// OCPP 1.6 allows a ChargePointMaxProfile on connector 0 only:
		// ocppd refuses it before sending (send_profile_check.c).
		const cpMax = await apiCall('POST', `/cps/${encodeURIComponent(CP)}/commands/SetChargingProfile?wait=8`,
			{ connectorId: 1, csChargingProfiles: profile('ChargePointMaxProfile', 10) });
		checkEq('cp_max_on_connector', [cpMax.status, cpMax.json?.error?.code], [400, 'invalid_params']);
		checkEq('tx_profile', (await cmd('SetChargingProfile',
			{ connectorId: 1, csChargingProfiles: profile('TxProfile', 10, { transactionId: txId }) }))?.status, 'Accepted');
		const a = await cmd('GetCompositeSchedule', { connectorId: 1, duration: 300, chargingRateUnit: 'A' });
		checkEq('composite_a', [a?.status, a?.chargingSchedule?.chargingRateUnit, a?.chargingSchedule?.chargingSchedulePeriod],
			['Accepted', 'A', [{ startPeriod: 0, limit: 10 }]]);
		const w = await cmd('GetCompositeSchedule', { connectorId: 1, duration: 300, chargingRateUnit: 'W' });
		checkEq('composite_w', w?.chargingSchedule?.chargingSchedulePeriod, [{ startPeriod: 0, limit: 6900 }]);
		// --obey-profiles: the power reported drops to 10 A × 3 × 230 V.
		const power = () => sqlValue(`SELECT value_num FROM meter_values WHERE transaction_id = ${Number(txId)}
			AND measurand = 'Power.Active.Import' ORDER BY id DESC LIMIT 1`);
		check('power_obeys', await until(() => Number(power()) === 6900, 10000, 200), `last power ${power()}`);
		const amps = sqlValue(`SELECT COUNT(*) FROM meter_values WHERE transaction_id = ${Number(txId)}
			AND measurand = 'Current.Import' AND phase = 'L3' AND value_num = 10`);
		check('current_per_phase', Number(amps) >= 1, `rows ${amps}`);
		checkEq('clear_unknown', (await cmd('ClearChargingProfile', { id: 99 }))?.status, 'Unknown');
		checkEq('clear_tx', (await cmd('ClearChargingProfile', { chargingProfilePurpose: 'TxProfile' }))?.status, 'Accepted');
		const after = await cmd('GetCompositeSchedule', { connectorId: 1, duration: 60, chargingRateUnit: 'A' });
		checkEq('composite_hw', after?.chargingSchedule?.chargingSchedulePeriod, [{ startPeriod: 0, limit: 31.8 }]);
		checkEq('stop', (await cmd('RemoteStopTransaction', { transactionId: txId }))?.status, 'Accepted');
	});

	await test('reservation_by_parent_and_expiry', async () => {
		checkEq('idle', await until(() => connStatus(1) === 'Available', 10000, 50), true);
		const expiry = new Date(Date.now() + 600e3).toISOString();
		checkEq('reserve_parent', (await cmd('ReserveNow', { connectorId: 1, expiryDate: expiry, idTag: PARENT,
			parentIdTag: PARENT, reservationId: 5704 }))?.status, 'Accepted');
		checkEq('reserved', await until(() => connStatus(1) === 'Reserved', 5000, 50), true);
		// Not in cpsim's local list: Authorize.conf's parentIdTag decides.
		checkEq('stranger_accepted_for_authorize', (await cmd('RemoteStartTransaction', { connectorId: 1, idTag: OTHER }))?.status, 'Accepted');
		checkEq('child_accepted', (await cmd('RemoteStartTransaction', { connectorId: 1, idTag: CHILD }))?.status, 'Accepted');
		const tx = await until(() => sqlValue(`SELECT id_tag FROM transactions WHERE cp_id = ${q(CP)} AND stop_ts IS NULL`) === CHILD, 10000, 100);
		check('child_started', tx, sql(`SELECT id, id_tag FROM transactions WHERE cp_id = ${q(CP)}`));
		checkEq('stranger_never_started', sqlValue(`SELECT COUNT(*) FROM transactions WHERE cp_id = ${q(CP)} AND id_tag = ${q(OTHER)}`), '0');
		const used = await until(async () => (await apiCall('GET', `/reservations?cp_id=${encodeURIComponent(CP)}`)).json?.items
			?.find((i) => i.reservation_id === 5704)?.status === 'used', 10000, 100);
		check('parent_reservation_used', used);
		const open = sqlValue(`SELECT id FROM transactions WHERE cp_id = ${q(CP)} AND stop_ts IS NULL`);
		checkEq('stop_child', (await cmd('RemoteStopTransaction', { transactionId: Number(open) }))?.status, 'Accepted');
		// A reservation expiring: Available again, reported by cpsim.
		const soon = new Date(Date.now() + 3000).toISOString();
		checkEq('reserve_short', (await cmd('ReserveNow', { connectorId: 2, expiryDate: soon, idTag: TAG, reservationId: 5705 }))?.status, 'Accepted');
		checkEq('reserved_short', await until(() => connStatus(2) === 'Reserved', 5000, 50), true);
		checkEq('expired_available', await until(() => connStatus(2) === 'Available', 10000, 100), true);
	});

	await test('local_list_reconciled_after_restart', async () => {
		const CP2 = cpId('cpsimlist');
		const NEWTAG = `N57${process.pid % 100000}`;
		const d = await startOcppd({ CSMS_OCPP_PORT: String(ownPort(78)), CSMS_NODE_ID: 'L57', CSMS_LOCAL_LIST: 'all' },
			`57-ocppd-${process.pid}`);
		try {
			const state = () => sql(`SELECT status, version_confirmed FROM local_lists WHERE cp_id = ${q(CP2)}`)[0];
			const sends = () => Number(sqlValue(`SELECT COUNT(*) FROM commands WHERE cp_id = ${q(CP2)}
				AND action = 'SendLocalList' AND requested_by = 'local-list'`));
			let s1 = cpsim(d.url, CP2, ['--local-list-max', '5000']);
			check('first_full_in_sync', await until(() => state()?.[0] === 'in_sync', 30000, 200), JSON.stringify(state()));
			const first = sends();
			s1.proc.kill('SIGINT');
			await s1.exited;
			// A tag changes meanwhile: the list is behind too, and still
			// the version is asked before a Differential could be
			// accepted onto the empty list.
			checkEq('tag_added', (await apiCall('POST', '/users', { id_tag: NEWTAG, name: 'cpsim list' })).status, 201);
			s1 = cpsim(d.url, CP2, ['--local-list-max', '5000']);
			const asked = await until(() => Number(sqlValue(`SELECT COUNT(*) FROM commands WHERE cp_id = ${q(CP2)}
				AND action = 'GetLocalListVersion' AND requested_by = 'local-list' AND status = 'answered'`)) >= 1, 30000, 200);
			check('asked_version_after_boot', asked, JSON.stringify(state()));
			const resent = await until(() => sends() > first && state()?.[0] === 'in_sync', 30000, 200);
			check('full_resent', resent, `${sends()} ${JSON.stringify(state())}`);
			const type = sqlValue(`SELECT JSON_VALUE(params, '$.updateType') FROM commands WHERE cp_id = ${q(CP2)}
				AND action = 'SendLocalList' ORDER BY created_at DESC LIMIT 1`);
			checkEq('resent_full', type, 'Full');
			const after = sql(`SELECT action, JSON_VALUE(params, '$.updateType') FROM commands WHERE cp_id = ${q(CP2)}
				AND requested_by = 'local-list' ORDER BY created_at`).slice(first).map((x) => x.join(' ').trim());
			checkEq('asked_then_full', after, ['GetLocalListVersion', 'SendLocalList Full']);
			const api = await apiCall('GET', `/local-lists?cp_id=${encodeURIComponent(CP2)}`);
			checkEq('api_in_sync', [api.status, api.json?.items?.[0]?.status, api.json?.items?.[0]?.behind], [200, 'in_sync', false]);
			const page = await fetch(`${env.httpUrl}/cgi-bin/dashboard/cp/${encodeURIComponent(CP2)}`);
			const html = await page.text();
			const ver = String(api.json?.items?.[0]?.version_confirmed);
			checkEq('page_shows_list', [page.status, /data-local-list="in_sync"/.test(html),
				html.includes(`data-local-list-version>${ver}<`), /last answer <span class="sub">Accepted/.test(html)], [200, true, true, true]);
			s1.proc.kill('SIGINT');
			await s1.exited;
			await apiCall('DELETE', `/users/${NEWTAG}`);
		} finally {
			await d.stop();
		}
	});
} finally {
	for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
}
done();
