#!/usr/bin/env node
// 30-ocpp-session.mjs — a charge point's whole life through ocpp-rpc in
// strict mode (it validates every reply against the official OCPP 1.6
// schemas), with the database rows each message must leave behind.
import {
	check, checkEq, cpId, done, isoNow, ocppClient, q, rawClient, sql, sqlValue,
	test, until,
} from '../node/lib.mjs';

const ISO_MS_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const A = cpId('A');
const B = cpId('B');
const C = cpId('C');
const tag = (t) => `T30${process.pid % 1000}-${t}`.slice(0, 20);
const OK = tag('OK'), OK2 = tag('OK2'), GROUP = tag('GRP'), OTHER = tag('OTH');

sql(`INSERT INTO users (id_tag, status, expiry_date, parent_id_tag) VALUES
	(${q(OK)}, 'Accepted', NULL, ${q(GROUP)}),
	(${q(OK2)}, 'Accepted', NULL, ${q(GROUP)}),
	(${q(GROUP)}, 'Accepted', NULL, NULL),
	(${q(OTHER)}, 'Accepted', NULL, NULL),
	(${q(tag('BLK'))}, 'Blocked', NULL, NULL),
	(${q(tag('EXP'))}, 'Accepted', '2020-01-01 00:00:00', NULL),
	(${q(tag('EXS'))}, 'Expired', NULL, NULL),
	(${q(tag('FUT'))}, 'Accepted', '2099-01-01 00:00:00', NULL)`);

const cpRow = (id, cols) => sql(`SELECT ${cols} FROM charge_points WHERE id = ${q(id)}`)[0];
const totalKwh = (id) => Number(sqlValue(`SELECT total_kwh FROM charge_points WHERE id = ${q(id)}`));
const txRow = (id) => sql(`SELECT cp_id, connector_id, id_tag, meter_start, meter_stop,
	start_ts, stop_ts, stop_reason, stop_id_tag, anomaly, start_status
	FROM transactions WHERE id = ${Number(id)}`)[0];

const a = await ocppClient(A, { client: { callConcurrency: 8 } });

await test('connected_flag_set_on_connect', async () => {
	if (!await until(() => cpRow(A, 'connected')?.[0] === '1'))
		throw new Error('charge_points.connected did not become 1');
	const [since, addr] = cpRow(A, 'connected_since, remote_addr');
	if (!since || addr !== '127.0.0.1') throw new Error(`since=${since} addr=${addr}`);
});

await test('messages_before_boot_are_processed', async () => {
	const r = await a.call('StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available' });
	checkEq('status_before_boot_reply', r, {});
	const row = sql(`SELECT status FROM connectors WHERE cp_id = ${q(A)} AND connector_id = 0`)[0];
	if (!row || row[0] !== 'Available') throw new Error(`connector 0 row: ${row}`);
});

await test('boot_notification_accepted_and_stored', async () => {
	const r = await a.call('BootNotification', {
		chargePointVendor: 'VendorX', chargePointModel: 'ModelY',
		chargePointSerialNumber: 'SN-1', chargeBoxSerialNumber: 'BOX-1',
		firmwareVersion: '1.2.3', iccid: 'ICCID-1', imsi: 'IMSI-1',
		meterType: 'MeterT', meterSerialNumber: 'MS-1',
	});
	if (r.status !== 'Accepted') throw new Error(`status ${r.status}`);
	if (!ISO_MS_Z.test(r.currentTime)) throw new Error(`currentTime ${r.currentTime}`);
	if (Math.abs(Date.parse(r.currentTime) - Date.now()) > 5000) throw new Error('clock off');
	if (!Number.isInteger(r.interval) || r.interval <= 0) throw new Error(`interval ${r.interval}`);
	checkEq('boot_row', cpRow(A, `vendor, model, serial_number, chargebox_serial,
		firmware_version, iccid, imsi, meter_type, meter_serial, last_boot IS NOT NULL`),
	['VendorX', 'ModelY', 'SN-1', 'BOX-1', '1.2.3', 'ICCID-1', 'IMSI-1', 'MeterT', 'MS-1', '1']);
});

await test('heartbeat_answers_time_and_records_it', async () => {
	const r = await a.call('Heartbeat', {});
	if (!ISO_MS_Z.test(r.currentTime)) throw new Error(`currentTime ${r.currentTime}`);
	if (!await until(() => cpRow(A, 'last_heartbeat')?.[0]))
		throw new Error('last_heartbeat not written');
});

await test('status_notification_stored_with_utc_time', async () => {
	await a.call('StatusNotification', {
		connectorId: 1, errorCode: 'OtherError', status: 'Faulted', info: 'door open',
		vendorId: 'VX', vendorErrorCode: 'E42', timestamp: '2026-03-01T12:00:00.5+02:00',
	});
	checkEq('status_row', sql(`SELECT status, error_code, info, vendor_id, vendor_error_code,
		status_ts FROM connectors WHERE cp_id = ${q(A)} AND connector_id = 1`)[0],
	['Faulted', 'OtherError', 'door open', 'VX', 'E42', '2026-03-01 10:00:00.500']);
});

await test('calls_in_flight_are_processed_in_order', async () => {
	const states = ['Preparing', 'Charging', 'SuspendedEV', 'Charging', 'Finishing', 'Available'];
	await Promise.all(states.map((status) =>
		a.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status })));
	const s = sqlValue(`SELECT status FROM connectors WHERE cp_id = ${q(A)} AND connector_id = 1`);
	if (s !== 'Available') throw new Error(`last status ${s}`);
});

await test('authorize_answers', async () => {
	const r1 = await a.call('Authorize', { idTag: OK.toLowerCase() });
	checkEq('authorize_case_insensitive_accepted', [r1.idTagInfo.status, r1.idTagInfo.parentIdTag],
		['Accepted', GROUP]);
	check('authorize_accepted_has_expiry', ISO_MS_Z.test(r1.idTagInfo.expiryDate ?? ''),
		JSON.stringify(r1));
	checkEq('authorize_unknown_invalid', (await a.call('Authorize', { idTag: tag('NONE') })).idTagInfo,
		{ status: 'Invalid' });
	checkEq('authorize_blocked', (await a.call('Authorize', { idTag: tag('BLK') })).idTagInfo.status,
		'Blocked');
	checkEq('authorize_expired_by_date', (await a.call('Authorize', { idTag: tag('EXP') })).idTagInfo,
		{ status: 'Expired', expiryDate: '2020-01-01T00:00:00.000Z' });
	checkEq('authorize_expired_status', (await a.call('Authorize', { idTag: tag('EXS') })).idTagInfo.status,
		'Expired');
	checkEq('authorize_future_expiry', (await a.call('Authorize', { idTag: tag('FUT') })).idTagInfo,
		{ status: 'Accepted', expiryDate: '2099-01-01T00:00:00.000Z' });
});

// A full transaction with meter values and a stop by another tag of the
// same group.
const startTs = isoNow(-60000);
let tx1;
await test('start_transaction', async () => {
	const r = await a.call('StartTransaction', { connectorId: 1, idTag: OK, meterStart: 10000, timestamp: startTs });
	if (!Number.isInteger(r.transactionId) || r.transactionId <= 0) throw new Error(JSON.stringify(r));
	if (r.idTagInfo.status !== 'Accepted') throw new Error(JSON.stringify(r));
	tx1 = r.transactionId;
	const row = txRow(tx1);
	checkEq('start_row', row.slice(0, 5), [A, '1', OK, '10000', null]);
	check('start_ts_stored', row[5] === startTs.replace('T', ' ').replace('Z', ''), `${row[5]} vs ${startTs}`);
});

await test('start_transaction_retry_is_deduplicated', async () => {
	const r = await a.call('StartTransaction', { connectorId: 1, idTag: OK, meterStart: 10000, timestamp: startTs });
	checkEq('retry_same_transaction_id', r.transactionId, tx1);
	checkEq('retry_one_row', sqlValue(`SELECT COUNT(*) FROM transactions WHERE cp_id = ${q(A)}
		AND connector_id = 1 AND meter_start = 10000`), '1');
});

await test('meter_values_stored', async () => {
	const ts = isoNow(-30000);
	await a.call('MeterValues', {
		connectorId: 1, transactionId: tx1, meterValue: [{
			timestamp: ts, sampledValue: [
				{ value: '11000' },
				{ value: '11.5', unit: 'kWh', measurand: 'Energy.Active.Import.Register', context: 'Sample.Periodic', location: 'Outlet' },
				{ value: '7200.5', measurand: 'Power.Active.Import', unit: 'W', phase: 'L1' },
				{ value: 'AQIDBA==', format: 'SignedData', context: 'Transaction.Begin' },
			],
		}],
	});
	// value and unit as sent (null: not sent); value_num in num_unit.
	const rows = sql(`SELECT transaction_id, measurand, value, value_num, num_unit, unit, phase, context,
		location, format FROM meter_values WHERE cp_id = ${q(A)} ORDER BY id`);
	checkEq('meter_values_rows', rows, [
		[String(tx1), 'Energy.Active.Import.Register', '11000', '11000', 'Wh', null, null, null, null, null],
		[String(tx1), 'Energy.Active.Import.Register', '11.5', '11500', 'Wh', 'kWh', null, 'Sample.Periodic', 'Outlet', null],
		[String(tx1), 'Power.Active.Import', '7200.5', '7200.5', 'W', 'W', 'L1', null, null, null],
		[String(tx1), 'Energy.Active.Import.Register', 'AQIDBA==', null, null, null, null, 'Transaction.Begin', null, 'SignedData'],
	]);
});

await test('meter_values_without_transaction_id_find_the_open_one', async () => {
	await a.call('MeterValues', { connectorId: 1, meterValue: [{ timestamp: isoNow(), sampledValue: [{ value: '11800' }] }] });
	checkEq('mv_tx_filled', sqlValue(`SELECT transaction_id FROM meter_values WHERE cp_id = ${q(A)}
		AND value = '11800'`), String(tx1));
});

// A message's samples are written by multi-row statements of 1 to 32
// rows and of 64 (ocppd/coalesce.c): 13, 45 and 100 samples cross each
// size; every sample is a row, in the order sent.
await test('meter_values_many_samples_stored_in_order', async () => {
	const want = [];
	for (const n of [13, 45, 100]) {
		const sampledValue = [];
		for (let i = 0; i < n; i++) {
			sampledValue.push({ value: `${n}.${i}`, measurand: 'Voltage', unit: 'V' });
			want.push([`${n}.${i}`]);
		}
		await a.call('MeterValues', { connectorId: 1, transactionId: tx1, meterValue: [{ timestamp: isoNow(), sampledValue }] });
	}
	checkEq('many_samples_rows', sql(`SELECT value FROM meter_values WHERE cp_id = ${q(A)}
		AND measurand = 'Voltage' ORDER BY id`), want);
});

const kwhBefore = totalKwh(A);
await test('stop_transaction_by_group_member', async () => {
	const r = await a.call('StopTransaction', {
		transactionId: tx1, idTag: OK2, meterStop: 12500, timestamp: isoNow(),
		transactionData: [{ timestamp: isoNow(), sampledValue: [{ value: '12.5', unit: 'kWh', context: 'Transaction.End' }] }],
	});
	checkEq('stop_idtaginfo', r.idTagInfo.status, 'Accepted');
	const row = txRow(tx1);
	checkEq('stop_row', [row[4], row[7], row[8], row[9]], ['12500', 'Local', OK2, null]);
	check('stop_ts_set', row[6] !== null);
	checkEq('energy_counted', totalKwh(A) - kwhBefore, 2.5);
	checkEq('transaction_data_stored', sql(`SELECT transaction_id, value_num, context FROM meter_values
		WHERE cp_id = ${q(A)} AND value = '12.5'`), [[String(tx1), '12500', 'Transaction.End']]);
});

await test('stop_transaction_repeated_counts_once', async () => {
	const r = await a.call('StopTransaction', { transactionId: tx1, meterStop: 12500, timestamp: isoNow() });
	checkEq('repeat_stop_reply', r, {});
	checkEq('energy_counted_once', totalKwh(A) - kwhBefore, 2.5);
	checkEq('transaction_data_once', sqlValue(`SELECT COUNT(*) FROM meter_values WHERE cp_id = ${q(A)}
		AND value = '12.5'`), '1');
});

await test('stop_unknown_transaction_answered', async () => {
	const r = await a.call('StopTransaction', { transactionId: 2147480000, idTag: OK, meterStop: 1, timestamp: isoNow() });
	checkEq('unknown_stop_reply', r.idTagInfo.status, 'Accepted');
});

await test('other_charge_points_transaction_is_unknown', async () => {
	const b = await ocppClient(B);
	const rb = await b.call('StartTransaction', { connectorId: 1, idTag: OTHER, meterStart: 0, timestamp: isoNow() });
	const before = totalKwh(A);
	const r = await a.call('StopTransaction', { transactionId: rb.transactionId, meterStop: 99999, timestamp: isoNow() });
	checkEq('foreign_stop_reply', r, {});
	const row = txRow(rb.transactionId);
	checkEq('foreign_tx_untouched', [row[0], row[4], row[6]], [B, null, null]);
	checkEq('foreign_no_energy', totalKwh(A), before);
	await b.close();
});

await test('stale_transaction_closed_by_new_start', async () => {
	const r1 = await a.call('StartTransaction', { connectorId: 2, idTag: OK, meterStart: 100, timestamp: isoNow(-5000) });
	const r2 = await a.call('StartTransaction', { connectorId: 2, idTag: OK, meterStart: 200, timestamp: isoNow() });
	if (r1.transactionId === r2.transactionId) throw new Error('same id');
	const old = txRow(r1.transactionId);
	check('stale_closed', old[6] !== null && old[7] === 'Other' && old[9] !== null, JSON.stringify(old));
	checkEq('stale_no_meter_stop', old[4], null);
	checkEq('new_open', txRow(r2.transactionId)[6], null);
	// Its late StopTransaction still counts the energy, once.
	const before = totalKwh(A);
	await a.call('StopTransaction', { transactionId: r1.transactionId, meterStop: 1100, timestamp: isoNow() });
	checkEq('late_stop_of_stale_counts', totalKwh(A) - before, 1);
	await a.call('StopTransaction', { transactionId: r2.transactionId, meterStop: 200, timestamp: isoNow() });
});

// Calls sent back to back land in one database batch, whose id tags,
// stopped sessions and connectors' open sessions are read up front: the
// answers and rows must be those of one message at a time.
await test('pipelined_transactions_match_one_at_a_time', async () => {
	const D = cpId('D');
	const ws = await rawClient(D);
	let seq = 0;
	const call = async (action, payload) => {
		const m = await ws.call(JSON.stringify([2, `s${seq++}`, action, payload]));
		if (!Array.isArray(m) || m[0] !== 3) throw new Error(`${action}: ${JSON.stringify(m)}`);
		return m[2];
	};
	const start = async (connectorId) => (await call('StartTransaction', {
		connectorId, idTag: OK, meterStart: 0, timestamp: isoNow(-1000),
	})).transactionId;
	const t6 = await start(6), t7 = await start(7), t8 = await start(8);
	const ts = isoNow();
	const calls = [
		['Authorize', { idTag: OK.toLowerCase() }],
		['Authorize', { idTag: tag('NONE2') }],
		['StopTransaction', { transactionId: t6, idTag: OK2, meterStop: 1000, timestamp: ts }],
		['StopTransaction', { transactionId: t7, meterStop: 2000, timestamp: ts }],
		['StopTransaction', { transactionId: t6, idTag: OK, meterStop: 1000, timestamp: ts }],
		['StartTransaction', { connectorId: 8, idTag: OK, meterStart: 10, timestamp: ts }],
		['StartTransaction', { connectorId: 9, idTag: tag('BLK'), meterStart: 0, timestamp: isoNow(-10) }],
		['StartTransaction', { connectorId: 9, idTag: OK2, meterStart: 5, timestamp: ts }],
		['StopTransaction', { transactionId: t8, idTag: OK, meterStop: 4000, timestamp: ts }],
		['Authorize', { idTag: tag('BLK') }],
	];
	const before = totalKwh(D);
	for (let i = 0; i < calls.length; i++)
		ws.send(JSON.stringify([2, `p${i}`, ...calls[i]]));
	const replies = {};
	for (let i = 0; i < calls.length; i++) {
		const m = await ws.next();
		if (!Array.isArray(m)) throw new Error(`reply ${i}: ${JSON.stringify(m)}`);
		replies[m[1]] = m;
	}
	const r = (i) => replies[`p${i}`]?.[2];
	checkEq('pipelined_all_results', calls.map((_, i) => replies[`p${i}`]?.[0]), calls.map(() => 3));
	checkEq('pipelined_authorize', [r(0).idTagInfo.status, r(0).idTagInfo.parentIdTag,
		r(1).idTagInfo.status, r(9).idTagInfo.status], ['Accepted', GROUP, 'Invalid', 'Blocked']);
	checkEq('pipelined_stop_tags', [r(2).idTagInfo.status, r(4).idTagInfo.status, r(8).idTagInfo.status],
		['Accepted', 'Accepted', 'Accepted']);
	checkEq('pipelined_energy_once_each', totalKwh(D) - before, 7);
	checkEq('pipelined_stopped_rows', [t6, t7, t8].map((t) => txRow(t)[4]), ['1000', '2000', '4000']);
	checkEq('pipelined_real_stop_replaces_stale_note', txRow(t8)[9], null);
	const n8 = r(5).transactionId, n9a = r(6).transactionId, n9b = r(7).transactionId;
	checkEq('pipelined_start_status', [r(5).idTagInfo.status, r(6).idTagInfo.status, r(7).idTagInfo.status],
		['Accepted', 'Blocked', 'Accepted']);
	check('pipelined_new_ids', new Set([t8, n8, n9a, n9b]).size === 4, JSON.stringify([t8, n8, n9a, n9b]));
	const s9 = txRow(n9a);
	check('pipelined_stale_in_same_batch_closed', s9[6] !== null && s9[9] !== null, JSON.stringify(s9));
	checkEq('pipelined_open_sessions', sql(`SELECT connector_id, id FROM transactions WHERE cp_id = ${q(D)}
		AND stop_ts IS NULL ORDER BY connector_id`), [['8', String(n8)], ['9', String(n9b)]]);
	ws.close();
});

await test('meter_going_backwards_adds_nothing', async () => {
	const r = await a.call('StartTransaction', { connectorId: 3, idTag: OK, meterStart: 5000, timestamp: isoNow() });
	const before = totalKwh(A);
	await a.call('StopTransaction', { transactionId: r.transactionId, meterStop: 4000, timestamp: isoNow(), reason: 'EVDisconnected' });
	const row = txRow(r.transactionId);
	checkEq('backwards_no_energy', totalKwh(A), before);
	check('backwards_flagged', row[9] && row[9].includes('meterStop'), JSON.stringify(row));
	checkEq('backwards_reason', row[7], 'EVDisconnected');
});

await test('blocked_tag_still_gets_a_transaction', async () => {
	const r = await a.call('StartTransaction', { connectorId: 4, idTag: tag('BLK'), meterStart: 0, timestamp: isoNow() });
	check('blocked_tx_id', Number.isInteger(r.transactionId) && r.transactionId > 0, JSON.stringify(r));
	checkEq('blocked_status', r.idTagInfo.status, 'Blocked');
	checkEq('blocked_row_status', txRow(r.transactionId)[10], 'Blocked');
	const u = await a.call('StartTransaction', { connectorId: 5, idTag: tag('NONE'), meterStart: 0, timestamp: isoNow() });
	check('invalid_tx_id', u.transactionId > 0 && u.idTagInfo.status === 'Invalid', JSON.stringify(u));
});

await test('firmware_and_diagnostics_status_stored', async () => {
	checkEq('diag_reply', await a.call('DiagnosticsStatusNotification', { status: 'Uploaded' }), {});
	checkEq('fw_reply', await a.call('FirmwareStatusNotification', { status: 'Installing' }), {});
	checkEq('fw_diag_row', cpRow(A, 'diagnostics_status, firmware_status, diagnostics_ts IS NOT NULL, firmware_ts IS NOT NULL'),
		['Uploaded', 'Installing', '1', '1']);
});

await test('data_transfer_unknown_vendor', async () => {
	checkEq('data_transfer_reply', await a.call('DataTransfer', { vendorId: 'com.example', messageId: 'x', data: 'y' }),
		{ status: 'UnknownVendorId' });
});

await test('boot_answer_per_charge_point', async () => {
	sql(`UPDATE charge_points SET boot_answer = 'Pending' WHERE id = ${q(A)}`);
	const p = await a.call('BootNotification', { chargePointVendor: 'VendorX', chargePointModel: 'ModelY' });
	checkEq('boot_pending', p.status, 'Pending');
	sql(`UPDATE charge_points SET boot_answer = 'Rejected' WHERE id = ${q(A)}`);
	const r = await a.call('BootNotification', { chargePointVendor: 'VendorX', chargePointModel: 'ModelY' });
	checkEq('boot_rejected', r.status, 'Rejected');
	check('boot_rejected_interval', Number.isInteger(r.interval) && ISO_MS_Z.test(r.currentTime), JSON.stringify(r));
	sql(`UPDATE charge_points SET boot_answer = 'Accepted' WHERE id = ${q(A)}`);
});

// last_heartbeat is written at most every 10 s per link, and the newest
// when the link closes.
await test('heartbeat_written_again_on_close', async () => {
	const c = await ocppClient(C);
	const h1 = (await c.call('Heartbeat', {})).currentTime;
	const stored = () => sqlValue(`SELECT DATE_FORMAT(last_heartbeat, '%Y-%m-%dT%H:%i:%s.%fZ')
		FROM charge_points WHERE id = ${q(C)}`)?.replace(/(\.\d{3})\d{3}Z$/, '$1Z');
	check('first_heartbeat_written', await until(() => stored() === h1), `${stored()} vs ${h1}`);
	await new Promise((res) => setTimeout(res, 20));
	const h2 = (await c.call('Heartbeat', {})).currentTime;
	check('second_heartbeat_later', h2 > h1, `${h1} ${h2}`);
	await new Promise((res) => setTimeout(res, 300));
	checkEq('heartbeat_within_10s_not_written', stored(), h1);
	await c.close();
	check('newest_heartbeat_written_on_close', await until(() => stored() === h2), `${stored()} vs ${h2}`);
});

await a.close();
await test('connected_flag_cleared_on_close', async () => {
	if (!await until(() => cpRow(A, 'connected')?.[0] === '0'))
		throw new Error('charge_points.connected stayed 1');
});

done();
