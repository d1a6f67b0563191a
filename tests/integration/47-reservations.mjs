#!/usr/bin/env node
// 47-reservations.mjs — reservations kept by ocppd (docs/reservations.md),
// through the real stack: ReserveNow and CancelReservation sent through the
// REST API (lighttpd → api → ocppd's control socket) to a charge point
// played by ocpp-rpc in strict mode, which answers as a charger would, and
// the reservations table read back through GET /reservations:
//  - Accepted → active; Occupied → refused with the answer kept;
//  - a StartTransaction naming the reservationId uses it (its session id
//    recorded), and one by the reserved id tag on that connector without
//    the id uses it too;
//  - CancelReservation Accepted → cancelled; a ReserveNow with the id of a
//    live one replaces it; an expiry date passing → expired;
//  - the charge point page's Reserve and Cancel forms do the same;
//  - the API refuses a bad status filter (400) and answers 404 for an
//    unknown reservation.
import {
	apiCall, checkEq, cpId, done, env, isoNow, ocppClient, q, sql, test, until,
} from '../node/lib.mjs';

const CP = cpId('res');
const TAG = `R47${process.pid % 100000}`;

const call = apiCall;
const cmd = (action, body) => call('POST', `/cps/${encodeURIComponent(CP)}/commands/${action}?wait=5`, body);
const listed = async (query = '') => (await call('GET', `/reservations?cp_id=${encodeURIComponent(CP)}${query}`)).json;
// The newest row of a reservationId on this charge point.
const row = async (rid) => (await listed()).items.find((i) => i.reservation_id === rid);
// The command's outcome is recorded by ocppd's database worker just after
// it answers: read until the row has left 'requested'.
async function settled(rid) {
	let r;
	await until(async () => (r = await row(rid)) && r.status !== 'requested', 5000, 50);
	return r;
}

sql(`INSERT INTO users (id_tag, name, status) VALUES (${q(TAG)}, 'Reservation test', 'Accepted')`);
const cp = await ocppClient(CP);
let answer = 'Accepted';
cp.handle('ReserveNow', () => ({ status: answer }));
cp.handle('CancelReservation', () => ({ status: 'Accepted' }));
await cp.call('BootNotification', { chargePointVendor: 'T47', chargePointModel: 'reserve' });
const hour = () => new Date(Date.now() + 3600e3).toISOString();

try {
	await test('accepted_reservation_active', async () => {
		const r = await cmd('ReserveNow', { connectorId: 1, expiryDate: hour(), idTag: TAG, reservationId: 4701 });
		checkEq('reserve_now_answered', [r.status, r.json?.result?.status ?? r.json?.response?.status], [200, 'Accepted']);
		const res = await settled(4701);
		checkEq('reservation_row', [res?.status, res?.answer, res?.connector_id, res?.id_tag, typeof res?.command_uid],
			['active', 'Accepted', 1, TAG, 'string']);
		const one = await call('GET', `/reservations/${res.id}`);
		checkEq('reservation_one', [one.status, one.json?.reservation_id], [200, 4701]);
	});

	await test('start_with_reservation_id_uses_it', async () => {
		const st = await cp.call('StartTransaction', { connectorId: 1, idTag: TAG, meterStart: 0, timestamp: isoNow(), reservationId: 4701 });
		const res = await row(4701);
		checkEq('used_by_session', [res?.status, res?.transaction_id], ['used', st.transactionId]);
		await cp.call('StopTransaction', { transactionId: st.transactionId, meterStop: 100, timestamp: isoNow() });
	});

	await test('refused_answer_kept', async () => {
		answer = 'Occupied';
		const r = await cmd('ReserveNow', { connectorId: 2, expiryDate: hour(), idTag: TAG, reservationId: 4702 });
		answer = 'Accepted';
		checkEq('reserve_now_answered', r.status, 200);
		const res = await settled(4702);
		checkEq('refused_row', [res?.status, res?.answer], ['refused', 'Occupied']);
	});

	await test('cancelled_and_replaced', async () => {
		await cmd('ReserveNow', { connectorId: 2, expiryDate: hour(), idTag: TAG, reservationId: 4703 });
		const c = await cmd('CancelReservation', { reservationId: 4703 });
		checkEq('cancel_answered', c.status, 200);
		await until(async () => (await row(4703))?.status === 'cancelled', 5000, 50);
		checkEq('cancelled_row', (await row(4703))?.status, 'cancelled');
		await cmd('ReserveNow', { connectorId: 2, expiryDate: hour(), idTag: TAG, reservationId: 4704 });
		await settled(4704);
		await cmd('ReserveNow', { connectorId: 0, expiryDate: hour(), idTag: TAG, reservationId: 4704 });
		await settled(4704);
		const rows = (await listed()).items.filter((i) => i.reservation_id === 4704);
		checkEq('replaced_then_active', rows.map((i) => [i.connector_id, i.status]), [[0, 'active'], [2, 'replaced']]);
	});

	await test('start_by_reserved_tag_uses_it', async () => {
		// 4704 (connector 0: any connector) is live for TAG.
		const st = await cp.call('StartTransaction', { connectorId: 2, idTag: TAG, meterStart: 0, timestamp: isoNow() });
		const res = await row(4704);
		checkEq('used_without_id', [res?.status, res?.transaction_id], ['used', st.transactionId]);
		await cp.call('StopTransaction', { transactionId: st.transactionId, meterStop: 100, timestamp: isoNow() });
	});

	await test('expiry_marks_expired', async () => {
		await cmd('ReserveNow', { connectorId: 1, expiryDate: new Date(Date.now() + 1500).toISOString(), idTag: TAG, reservationId: 4705 });
		checkEq('active_before_expiry', (await settled(4705))?.status, 'active');
		// ocppd expires reservations every 10 s.
		const expired = await until(async () => (await row(4705))?.status === 'expired', 15000, 250);
		checkEq('expired_row', expired ? 'expired' : (await row(4705))?.status, 'expired');
		checkEq('filter_by_status', (await listed('&status=expired')).items.map((i) => i.reservation_id), [4705]);
	});

	await test('dashboard_reserve_and_cancel', async () => {
		// The charge point page's Reserve form and a live row's Cancel
		// form: POSTs with the page's CSRF token, as a browser sends them.
		const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
		const page = async () => (await fetch(`${DASH}/cp/${encodeURIComponent(CP)}`)).text();
		const token = ((await page()).match(/name="csrf" value="([0-9a-f]{64})"/) || [])[1];
		if (!token) throw new Error('no CSRF token on the page');
		const post = (fields) => fetch(`${DASH}/cp/${encodeURIComponent(CP)}/command`, {
			method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ csrf: token, ...fields }).toString(),
		});
		const before = (await listed()).total;
		const r = await post({ action: 'ReserveNow', connectorId: '2', idTag: TAG, expiryDate: '45' });
		checkEq('reserve_form_303', r.status, 303);
		let made;
		await until(async () => {
			const l = await listed();
			made = l.total > before && l.items[0];
			return made && made.status === 'active';
		}, 5000, 50);
		const mins = (Date.parse(made?.expiry_date) - Date.now()) / 60e3;
		checkEq('reserve_form_row', [made?.status, made?.connector_id, made?.id_tag, mins > 43 && mins <= 45],
			['active', 2, TAG, true]);
		const html = await page();
		checkEq('row_on_page_with_cancel', new RegExp(`data-reservation="${made.reservation_id}"[^]*?value="CancelReservation"`).test(html), true);
		const c = await post({ action: 'CancelReservation', reservationId: String(made.reservation_id) });
		checkEq('cancel_form_303', c.status, 303);
		await until(async () => (await row(made.reservation_id))?.status === 'cancelled', 5000, 50);
		checkEq('cancelled_from_page', (await row(made.reservation_id))?.status, 'cancelled');
		const bad = await post({ action: 'ReserveNow', connectorId: '1', idTag: TAG, expiryDate: '0' });
		checkEq('bad_expiry_redirects_with_outcome', bad.status, 303);
	});

	await test('api_errors', async () => {
		const bad = await call('GET', '/reservations?status=booked');
		checkEq('bad_status_400', [bad.status, bad.json?.error?.parameter], [400, 'status']);
		checkEq('unknown_404', (await call('GET', '/reservations/999999999')).status, 404);
		checkEq('not_a_number_404', (await call('GET', '/reservations/abc')).status, 404);
	});
} finally {
	await cp.close();
}
done();
