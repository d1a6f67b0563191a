#!/usr/bin/env node
// 78-ocpp201.mjs — OCPP 2.0.1 beside 1.6 on one daemon, through ocpp-rpc
// in strict mode with protocols ['ocpp2.0.1'] (it validates every reply
// against the official 2.0.1 schemas): the subprotocol choice, Boot,
// Heartbeat, StatusNotification per EVSE and connector, Authorize on the
// 1.6 id-tag store, TransactionEvent Started / Updated / Ended with
// retries (same seqNo) and out-of-order seqNos, MeterValues,
// DataTransfer; 2.0.1's CALLERROR codes through a raw socket; a 1.6 and a
// 2.0.1 charger side by side in the API.
import {
	RPCClient, apiCall, check, checkEq, cpId, done, env, handshakeStatus, q,
	rawClient, sql, sqlValue, test, until, createRPCError,
} from '../node/lib.mjs';

const A = cpId('v201a');
const B = cpId('v201b');
const OLD = cpId('v16');
const tag = (t) => `T78${process.pid % 1000}-${t}`.slice(0, 20);
const OK = tag('OK'), GRP = tag('GRP'), BLK = tag('BLK');
const TXID = `tx-${process.pid}-1`;

sql(`INSERT INTO users (id_tag, status, expiry_date, parent_id_tag) VALUES
	(${q(GRP)}, 'Accepted', NULL, NULL),
	(${q(OK)}, 'Accepted', NULL, ${q(GRP)}),
	(${q(BLK)}, 'Blocked', NULL, NULL)`);

async function client201(identity) {
	const cli = new RPCClient({
		endpoint: env.ocppUrl, identity, protocols: ['ocpp2.0.1'],
		strictMode: true, reconnect: false, callTimeoutMs: 10000,
	});
	await cli.connect();
	return cli;
}

const iso = (ms) => new Date(ms).toISOString();
const T0 = Date.now() - 3600 * 1000;
const energy = (wh, ctx = 'Sample.Periodic', t = T0) => [{
	timestamp: iso(t),
	sampledValue: [{ value: wh, context: ctx, measurand: 'Energy.Active.Import.Register',
		unitOfMeasure: { unit: 'Wh' } }],
}];
const event = (type, seqNo, txId, extra = {}) => ({
	eventType: type, timestamp: iso(T0 + seqNo * 60000), seqNo,
	triggerReason: type === 'Started' ? 'Authorized' : type === 'Ended' ? 'EVCommunicationLost' : 'MeterValuePeriodic',
	transactionInfo: { transactionId: txId, ...(extra.info || {}) },
	...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'info')),
});
const txRow = (txId, cols) => sql(`SELECT ${cols} FROM transactions
	WHERE cp_id = ${q(A)} AND cp_tx_id = ${q(txId)}`)[0];
const totalKwh = (id) => Number(sqlValue(`SELECT total_kwh FROM charge_points WHERE id = ${q(id)}`));

// The subprotocol: the charge point's order decides.
await test('subprotocol_201_first', async () => {
	checkEq('subprotocol_201_first_status', await handshakeStatus(`/${cpId('sp201a')}`,
		['ocpp2.0.1', 'ocpp1.6']), { status: 101, protocol: 'ocpp2.0.1' });
	checkEq('subprotocol_16_first_status', await handshakeStatus(`/${cpId('sp201b')}`,
		['ocpp1.6', 'ocpp2.0.1']), { status: 101, protocol: 'ocpp1.6' });
	checkEq('subprotocol_201_alone', await handshakeStatus(`/${cpId('sp201c')}`,
		['ocpp2.0.1']), { status: 101, protocol: 'ocpp2.0.1' });
});

const a = await client201(A);

await test('protocol_recorded_on_connect', async () => {
	const p = await until(() => sqlValue(`SELECT protocol FROM charge_points
		WHERE id = ${q(A)} AND connected = 1`));
	checkEq('cp_protocol', p, 'ocpp2.0.1');
});

await test('boot_notification_201', async () => {
	const r = await a.call('BootNotification', {
		reason: 'PowerUp',
		chargingStation: { vendorName: 'A vendor name longer than twenty', model: 'M201',
			serialNumber: 'SN201', firmwareVersion: 'fw-2', modem: { iccid: 'IC1', imsi: 'IM1' } },
	});
	checkEq('boot_status', r.status, 'Accepted');
	check('boot_interval', Number.isInteger(r.interval) && r.interval > 0, JSON.stringify(r));
	checkEq('boot_row', sql(`SELECT vendor, model, serial_number, firmware_version, iccid,
		imsi, boot_reason, protocol FROM charge_points WHERE id = ${q(A)}`)[0],
	['A vendor name longer than twenty', 'M201', 'SN201', 'fw-2', 'IC1', 'IM1', 'PowerUp', 'ocpp2.0.1']);
});

await test('heartbeat_201', async () => {
	const r = await a.call('Heartbeat', {});
	check('heartbeat_time', Math.abs(Date.parse(r.currentTime) - Date.now()) < 5000, r.currentTime);
});

await test('status_per_evse_and_connector', async () => {
	const st = (evseId, connectorId, connectorStatus) => a.call('StatusNotification',
		{ timestamp: new Date().toISOString(), connectorStatus, evseId, connectorId });
	checkEq('status_reply', await st(1, 1, 'Available'), {});
	await st(2, 1, 'Occupied');
	await st(2, 2, 'Unavailable');
	const stats = await apiCall('GET', '/stats');
	check('stats_count_occupied', typeof stats.json?.connectors?.by_status?.Occupied === 'number', stats.text);
	checkEq('status_rows', sql(`SELECT connector_id, status FROM connectors
		WHERE cp_id = ${q(A)} ORDER BY connector_id`),
	[['1', 'Available'], ['2', 'Occupied'], ['202', 'Unavailable']]);
});

await test('authorize_201_on_the_16_tag_store', async () => {
	const auth = (idToken, type = 'ISO14443') => a.call('Authorize', { idToken: { idToken, type } });
	const ok = await auth(OK.toLowerCase()); // case-insensitive, like 1.6
	checkEq('authorize_ok', ok.idTokenInfo.status, 'Accepted');
	checkEq('authorize_group', ok.idTokenInfo.groupIdToken, { idToken: GRP, type: 'Central' });
	check('authorize_cache_expiry', !!ok.idTokenInfo.cacheExpiryDateTime, JSON.stringify(ok));
	checkEq('authorize_blocked', (await auth(BLK, 'Local')).idTokenInfo.status, 'Blocked');
	checkEq('authorize_unknown', (await auth(tag('NONE'), 'KeyCode')).idTokenInfo.status, 'Invalid');
	checkEq('authorize_too_long', (await auth(`${OK}XXXXXXXXXX`, 'eMAID')).idTokenInfo.status, 'Invalid');
	checkEq('authorize_no_authorization', (await auth('', 'NoAuthorization')).idTokenInfo.status, 'Accepted');
});

let centralId;
await test('transaction_started_and_retry', async () => {
	const started = event('Started', 0, TXID, {
		idToken: { idToken: OK, type: 'ISO14443' }, evse: { id: 1, connectorId: 1 },
		meterValue: energy(1000, 'Transaction.Begin'), info: { chargingState: 'EVConnected' },
	});
	const r1 = await a.call('TransactionEvent', started);
	checkEq('started_token', r1.idTokenInfo?.status, 'Accepted');
	const row = txRow(TXID, 'id, protocol, connector_id, evse_id, evse_connector_id, id_tag, meter_start, stop_ts, seq_max, seq_missing, charging_state');
	centralId = row[0];
	checkEq('started_row', row.slice(1),
		['ocpp2.0.1', '1', '1', '1', OK, '1000', null, '0', '0', 'EVConnected']);
	// The same message again (a lost answer): the same session, once.
	const r2 = await a.call('TransactionEvent', started);
	checkEq('retry_same_answer', r2.idTokenInfo?.status, 'Accepted');
	checkEq('retry_one_row', sqlValue(`SELECT COUNT(*) FROM transactions WHERE cp_id = ${q(A)}
		AND cp_tx_id = ${q(TXID)}`), '1');
	checkEq('retry_one_event', sqlValue(`SELECT COUNT(*) FROM tx_events WHERE cp_id = ${q(A)}
		AND cp_tx_id = ${q(TXID)}`), '1');
});

await test('meter_values_201_into_the_session', async () => {
	const r = await a.call('MeterValues', { evseId: 1, meterValue: [{ timestamp: iso(T0 + 30000),
		sampledValue: [{ value: 7.2, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'kW' } },
			{ value: 1.25, unitOfMeasure: { unit: 'kWh' } }] }] });
	checkEq('meter_values_reply', r, {});
	const rows = await until(() => {
		const x = sql(`SELECT measurand, value, unit, value_num, num_unit FROM meter_values
			WHERE cp_id = ${q(A)} AND transaction_id = ${Number(centralId)} AND ts = '${iso(T0 + 30000).slice(0, 23).replace('T', ' ')}'
			ORDER BY measurand`);
		return x.length === 2 && x;
	});
	checkEq('meter_values_rows', rows && rows.map((x) => [x[0], x[1], x[2], Number(x[3]), x[4]]), [
		['Energy.Active.Import.Register', '1.25', 'kWh', 1250, 'Wh'],
		['Power.Active.Import', '7.2', 'kW', 7200, 'W'],
	]);
});

// A signedMeterValue is kept whole beside its number (format
// SignedMeterValue, the object as JSON): what a verifier needs.
await test('meter_values_201_signed_kept', async () => {
	const signed = { signedMeterData: 'T0NNRnx7IkZWIjoiMS4wIn0=', signingMethod: 'ECDSA-secp256r1-SHA256',
		encodingMethod: 'OCMF', publicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' };
	const at = iso(T0 + 31000);
	const r = await a.call('MeterValues', { evseId: 1, meterValue: [{ timestamp: at,
		sampledValue: [{ value: 1.5, unitOfMeasure: { unit: 'kWh' }, signedMeterValue: signed }] }] });
	checkEq('signed_reply', r, {});
	const rows = await until(() => {
		const x = sql(`SELECT format, value, value_num FROM meter_values
			WHERE cp_id = ${q(A)} AND ts = '${at.slice(0, 23).replace('T', ' ')}' ORDER BY format`);
		return x.length === 2 && x;
	});
	check('signed_two_rows', !!rows, 'the number and the signed value: two rows');
	if (!rows) return;
	checkEq('signed_number_row', [rows[0][0], rows[0][1], Number(rows[0][2])], [null, '1.5', 1500]);
	checkEq('signed_row_format', rows[1][0], 'SignedMeterValue');
	checkEq('signed_row_whole', JSON.parse(rows[1][1]), signed);
	checkEq('signed_row_no_number', rows[1][2], null);
});

await test('updated_out_of_order_gap_recorded', async () => {
	await a.call('TransactionEvent', event('Updated', 1, TXID, {
		meterValue: energy(1500), info: { chargingState: 'Charging' } }));
	// seqNo 3 before 2: one missing until 2 comes.
	await a.call('TransactionEvent', event('Updated', 3, TXID, {
		meterValue: energy(2500), info: { chargingState: 'SuspendedEV' } }));
	checkEq('gap_seen', txRow(TXID, 'seq_max, seq_missing, charging_state'), ['3', '1', 'SuspendedEV']);
	await a.call('TransactionEvent', event('Updated', 2, TXID, {
		meterValue: energy(2000), info: { chargingState: 'Charging' } }));
	// The late one fills the gap but does not set an older state.
	checkEq('gap_filled', txRow(TXID, 'seq_max, seq_missing, charging_state, meter_last, stop_ts'),
		['3', '0', 'SuspendedEV', '2500', null]);
});

await test('ended_counts_once', async () => {
	const before = totalKwh(A);
	const ended = event('Ended', 4, TXID, {
		meterValue: energy(3000, 'Transaction.End'),
		idToken: { idToken: OK, type: 'ISO14443' },
		info: { stoppedReason: 'EVDisconnected', chargingState: 'Idle' },
	});
	const r = await a.call('TransactionEvent', ended);
	checkEq('ended_token', r.idTokenInfo?.status, 'Accepted');
	// Priced as a 1.6 stop is: the answer's totalCost is the stored cost.
	const api = await apiCall('GET', `/transactions/${centralId}`);
	check('ended_total_cost', typeof r.totalCost === 'number' && r.totalCost === api.json?.cost,
		`${r.totalCost} vs ${api.json?.cost}`);
	const row = txRow(TXID, 'meter_start, meter_stop, stop_reason, stop_id_tag, stop_ts IS NOT NULL, anomaly');
	checkEq('ended_row', row, ['1000', '3000', 'EVDisconnected', OK, '1', null]);
	const after = await until(() => totalKwh(A) !== before && totalKwh(A));
	checkEq('ended_energy', Number((after - before).toFixed(3)), 2);
	await a.call('TransactionEvent', ended); // retried
	// A late Updated never reopens it.
	await a.call('TransactionEvent', event('Updated', 5, TXID, { meterValue: energy(3100) }));
	checkEq('ended_once_row', txRow(TXID, 'meter_stop, stop_ts IS NOT NULL'), ['3000', '1']);
	checkEq('ended_once_energy', Number((totalKwh(A) - before).toFixed(3)), 2);
});

await test('started_arrives_after_updated', async () => {
	const id = `tx-${process.pid}-2`;
	// The first message of the session to arrive is an Updated.
	await a.call('TransactionEvent', event('Updated', 1, id, {
		evse: { id: 2, connectorId: 2 }, meterValue: energy(600) }));
	checkEq('late_start_open', txRow(id, 'connector_id, evse_id, evse_connector_id, id_tag, seq_missing'),
		['202', '2', '2', '', '1']);
	await a.call('TransactionEvent', event('Started', 0, id, {
		evse: { id: 2, connectorId: 2 }, meterValue: energy(500, 'Transaction.Begin'),
		idToken: { idToken: OK, type: 'ISO14443' } }));
	checkEq('late_start_row', txRow(id, `meter_start, id_tag, seq_missing,
		start_ts = '${iso(T0).slice(0, 23).replace('T', ' ')}'`), ['500', OK, '0', '1']);
	// A MeterValues of the EVSE, whose session sits on its second
	// connector (connector_id 202): the open session is found by EVSE.
	const mvAt = iso(T0 + 40000);
	await a.call('MeterValues', { evseId: 2, meterValue: [{ timestamp: mvAt,
		sampledValue: [{ value: 555, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } }] }] });
	const mvTx = await until(() => sqlValue(`SELECT transaction_id FROM meter_values WHERE cp_id = ${q(A)}
		AND ts = '${mvAt.slice(0, 23).replace('T', ' ')}' AND measurand = 'Power.Active.Import'`));
	checkEq('evse_second_connector_meter_values', mvTx, txRow(id, 'id')[0]);
	// Ended with no meter value: the newest register carried is the stop.
	await a.call('TransactionEvent', event('Ended', 3, id, { info: { stoppedReason: 'Local' } }));
	checkEq('late_start_ended', txRow(id, 'meter_stop, seq_missing, stop_reason'), ['600', '1', 'Local']);
});

// The remoteStartId a station echoes is kept on the session, from the
// first event that names it (here an Updated: the Started was lost); a
// later, different one does not replace it.
await test('remote_start_id_linked', async () => {
	const id = `tx-${process.pid}-rs`;
	await a.call('TransactionEvent', event('Updated', 1, id, {
		evse: { id: 3, connectorId: 1 }, meterValue: energy(100), info: { remoteStartId: 4711 } }));
	checkEq('remote_start_id_row', txRow(id, 'remote_start_id'), ['4711']);
	await a.call('TransactionEvent', event('Ended', 2, id, { info: { stoppedReason: 'Remote', remoteStartId: 99 } }));
	const central = txRow(id, 'id, remote_start_id');
	checkEq('remote_start_id_kept', central[1], '4711');
	const api = await apiCall('GET', `/transactions/${central[0]}`);
	checkEq('remote_start_id_api', [api.status, api.json?.remote_start_id], [200, 4711]);
});

// Errors, on a raw 2.0.1 socket: 2.0.1's codes, not 1.6's.
await test('error_codes_201', async () => {
	const ws = await rawClient(cpId('v201raw'), { protocols: ['ocpp2.0.1'] });
	checkEq('raw_protocol', ws.protocol, 'ocpp2.0.1');
	const code = async (frame) => {
		const r = await ws.call(typeof frame === 'string' ? frame : JSON.stringify(frame));
		return Array.isArray(r) ? r.slice(0, 3) : r;
	};
	checkEq('format_violation', await code([2, 'e1', 'Heartbeat', { extra: 1 }]), [4, 'e1', 'FormatViolation']);
	checkEq('occurrence_violation', await code([2, 'e2', 'BootNotification', { reason: 'PowerUp' }]),
		[4, 'e2', 'OccurrenceConstraintViolation']);
	checkEq('type_violation', await code([2, 'e3', 'StatusNotification', { timestamp: new Date().toISOString(),
		connectorStatus: 'Available', evseId: '1', connectorId: 1 }]), [4, 'e3', 'TypeConstraintViolation']);
	checkEq('property_violation', await code([2, 'e4', 'StatusNotification', { timestamp: new Date().toISOString(),
		connectorStatus: 'Charging', evseId: 1, connectorId: 1 }]), [4, 'e4', 'PropertyConstraintViolation']);
	checkEq('not_implemented', await code([2, 'e5', 'Teleport', {}]), [4, 'e5', 'NotImplemented']);
	checkEq('not_supported', await code([2, 'e6', 'SetVariables', { setVariableData: [] }]), [4, 'e6', 'NotSupported']);
	checkEq('start_transaction_is_16', await code([2, 'e7', 'StartTransaction', {}]), [4, 'e7', 'NotImplemented']);
	checkEq('message_type_not_supported', await code([7, 'e8', 'Heartbeat', {}]), [4, 'e8', 'MessageTypeNotSupported']);
	checkEq('rpc_framework_error', await code([2, 'e9', 'Heartbeat']), [4, 'e9', 'RpcFrameworkError']);
	checkEq('rpc_framework_error_not_json', await code('[2,"e10","Heartbeat",{'), [4, 'e10', 'RpcFrameworkError']);
	ws.close();
});

// The same mistakes on a 1.6 link keep 1.6's codes.
await test('error_codes_16_unchanged', async () => {
	const ws = await rawClient(cpId('v16raw'));
	const r1 = await ws.call(JSON.stringify([2, 'f1', 'Heartbeat', { extra: 1 }]));
	checkEq('formation_violation_16', r1.slice(0, 3), [4, 'f1', 'FormationViolation']);
	const r2 = await ws.call(JSON.stringify([2, 'f2', 'Authorize', {}]));
	checkEq('occurence_violation_16', r2.slice(0, 3), [4, 'f2', 'OccurenceConstraintViolation']);
	ws.send(JSON.stringify([7, 'f3', 'Heartbeat', {}]));
	const r3 = await ws.call(JSON.stringify([2, 'f4', 'Heartbeat', {}]));
	checkEq('unknown_type_ignored_16', r3.slice(0, 2), [3, 'f4']);
	ws.close();
});

// Commands to a 2.0.1 station: 2.0.1's actions with 2.0.1 payloads, each
// validated against its .req schema before it is sent and by the
// station (strict mode: a payload it cannot read would be a CALLERROR),
// the answer (validated by the station too) is the outcome.
const cmd201 = (action, body, id = A) =>
	apiCall('POST', `/cps/${encodeURIComponent(id)}/commands/${action}?wait=5`, body);
const got = {};
const answers = {
	RequestStartTransaction: { status: 'Accepted', transactionId: 'tx-remote-1' },
	RequestStopTransaction: { status: 'Rejected' },
	UnlockConnector: { status: 'Unlocked' },
	TriggerMessage: { status: 'Accepted' },
	Reset: { status: 'Scheduled' },
	ChangeAvailability: { status: 'Accepted' },
	GetVariables: { getVariableResult: [{ attributeStatus: 'Accepted', attributeValue: '600',
		component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] },
	SetVariables: { setVariableResult: [{ attributeStatus: 'Accepted',
		component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }] },
	GetBaseReport: { status: 'Accepted' },
	ClearCache: { status: 'Accepted' },
	DataTransfer: { status: 'Accepted', data: { pong: 1 } },
};
for (const [action, answer] of Object.entries(answers))
	a.handle(action, ({ params }) => { got[action] = params; return answer; });

await test('commands_201_end_to_end', async () => {
	const sent = {
		RequestStartTransaction: { idToken: { idToken: OK, type: 'ISO14443' }, evseId: 1, remoteStartId: 42 },
		RequestStopTransaction: { transactionId: TXID },
		UnlockConnector: { evseId: 1, connectorId: 1 },
		TriggerMessage: { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } },
		Reset: { type: 'OnIdle', evseId: 2 },
		ChangeAvailability: { operationalStatus: 'Inoperative', evse: { id: 2, connectorId: 2 } },
		GetVariables: { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] },
		SetVariables: { setVariableData: [{ attributeValue: 'a-secret-password-16',
			component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }] },
		GetBaseReport: { requestId: 8, reportBase: 'FullInventory' },
		ClearCache: {},
		DataTransfer: { vendorId: 'com.example', messageId: 'ping', data: { n: 1 } },
	};
	for (const [action, body] of Object.entries(sent)) {
		const r = await cmd201(action, body);
		checkEq(`command_201_${action}`, [r.status, r.json?.action, r.json?.status, r.json?.result],
			[200, action, answers[action].status || 'answered', answers[action]]);
		checkEq(`command_201_${action}_received`, got[action], body);
	}
	// Reset of the whole station, Immediate; ChangeAvailability of the station.
	checkEq('reset_immediate', (await cmd201('Reset', { type: 'Immediate' })).json?.result, answers.Reset);
	checkEq('reset_immediate_received', got.Reset, { type: 'Immediate' });
	checkEq('availability_station', (await cmd201('ChangeAvailability', { operationalStatus: 'Operative' })).status, 200);
	// remoteStartId is filled in when the caller leaves it out.
	await cmd201('RequestStartTransaction', { idToken: { idToken: OK, type: 'Central' } });
	check('remote_start_id_filled', Number.isInteger(got.RequestStartTransaction.remoteStartId),
		JSON.stringify(got.RequestStartTransaction));
	// The history keeps the command, without the password it set.
	checkEq('set_variables_masked', sqlValue(`SELECT COUNT(*) FROM commands WHERE cp_id = ${q(A)}
		AND action = 'SetVariables' AND params LIKE '%a-secret-password-16%'`), '0');
	checkEq('set_variables_recorded', sqlValue(`SELECT COUNT(*) FROM commands WHERE cp_id = ${q(A)}
		AND action = 'SetVariables' AND status = 'answered'`), '1');
	// Nor the message log (written in batches: wait for the frame).
	check('set_variables_logged', await until(() => Number(sqlValue(`SELECT COUNT(*) FROM ocpp_log
		WHERE cp_id = ${q(A)} AND action = 'SetVariables'`)) >= 2), 'no SetVariables frames in ocpp_log');
	checkEq('set_variables_log_masked', sqlValue(`SELECT COUNT(*) FROM ocpp_log WHERE cp_id = ${q(A)}
		AND frame LIKE '%a-secret-password-16%'`), '0');
});

await test('command_201_bad_payload_refused_before_sending', async () => {
	delete got.Reset;
	const r = await cmd201('Reset', { type: 'Soft' }); // 1.6's value, not 2.0.1's
	checkEq('bad_reset_refused', [r.status, r.json?.error?.code], [400, 'invalid_params']);
	const u = await cmd201('RequestStartTransaction', { evseId: 1 });
	checkEq('bad_start_refused', [u.status, u.json?.error?.code], [400, 'invalid_params']);
	checkEq('bad_not_sent', got.Reset, undefined);
});

await test('command_names_of_the_other_protocol_409', async () => {
	const r = await cmd201('RemoteStartTransaction', { idTag: OK, connectorId: 1 });
	checkEq('command_16_to_201', [r.status, r.json?.error?.code], [409, 'cp_protocol']);
	check('command_16_to_201_message', /OCPP 2\.0\.1.*RemoteStartTransaction.*RequestStartTransaction/
		.test(r.json?.error?.message || ''), r.text);
	checkEq('command_16_to_201_recorded', sqlValue(`SELECT COUNT(*) FROM commands WHERE cp_id = ${q(A)}
		AND action = 'RemoteStartTransaction' AND status = 'error'`), '1');
	const g = await cmd201('GetConfiguration', {});
	checkEq('get_configuration_to_201', [g.status, g.json?.error?.code], [409, 'cp_protocol']);
});

await test('command_201_callerror_answer', async () => {
	a.handle('UnlockConnector', () => { throw createRPCError('NotSupported', 'no locks here'); });
	const r = await cmd201('UnlockConnector', { evseId: 1, connectorId: 1 });
	checkEq('callerror_201', [r.status, r.json?.status, r.json?.error?.code], [200, 'callerror', 'NotSupported']);
});

await test('notify_report_stored', async () => {
	const report = (seqNo, value, tbc) => a.call('NotifyReport', {
		requestId: 7, generatedAt: new Date().toISOString(), seqNo, tbc,
		reportData: [
			{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' },
				variableAttribute: [{ type: 'Actual', value, mutability: 'ReadWrite' }, { type: 'MaxSet', value: '3600' }],
				variableCharacteristics: { dataType: 'integer', unit: 's', supportsMonitoring: false } },
			{ component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power', instance: 'max' },
				variableAttribute: [{ value: '22000', mutability: 'ReadOnly' }],
				variableCharacteristics: { dataType: 'decimal', supportsMonitoring: true } },
		],
	});
	checkEq('notify_report_reply', await report(0, '300', true), {});
	await report(1, '600', false); // a newer value of the same attribute
	checkEq('notify_report_rows', sql(`SELECT component, component_instance, evse_id, connector_id,
		variable, variable_instance, attr_type, value, mutability, data_type, unit
		FROM device_vars WHERE cp_id = ${q(A)} ORDER BY component, attr_type`), [
		['EVSE', '', '1', '-1', 'Power', 'max', 'Actual', '22000', 'ReadOnly', 'decimal', null],
		['OCPPCommCtrlr', '', '-1', '-1', 'HeartbeatInterval', '', 'Actual', '600', 'ReadWrite', 'integer', 's'],
		['OCPPCommCtrlr', '', '-1', '-1', 'HeartbeatInterval', '', 'MaxSet', '3600', null, 'integer', 's'],
	]);
});

// The stored device model in the API.
await test('variables_in_the_api', async () => {
	const r = await apiCall('GET', `/cps/${encodeURIComponent(A)}/variables`);
	checkEq('variables_status', [r.status, r.json?.cp_id, r.json?.count], [200, A, 3]);
	const hb = r.json?.items?.find((v) => v.variable === 'HeartbeatInterval' && v.attribute_type === 'Actual');
	checkEq('variables_item', hb && { ...hb, updated_at: typeof hb.updated_at }, {
		component: 'OCPPCommCtrlr', component_instance: null, evse_id: null, connector_id: null,
		variable: 'HeartbeatInterval', variable_instance: null, attribute_type: 'Actual', value: '600',
		mutability: 'ReadWrite', data_type: 'integer', unit: 's', updated_at: 'string' });
	const power = r.json?.items?.find((v) => v.variable === 'Power');
	checkEq('variables_evse', [power?.evse_id, power?.variable_instance], [1, 'max']);
	const none = await apiCall('GET', `/cps/${encodeURIComponent(cpId('v201-none'))}/variables`);
	checkEq('variables_unknown_cp', none.status, 404);
});

await test('data_transfer_201', async () => {
	const r = await a.call('DataTransfer', { vendorId: 'com.example', messageId: 'x', data: { a: 1 } });
	checkEq('data_transfer_status', r.status, 'UnknownVendorId');
});

// A 1.6 and a 2.0.1 charger on one daemon, one API.
await test('mixed_fleet_api', async () => {
	const old = new RPCClient({ endpoint: env.ocppUrl, identity: OLD, protocols: ['ocpp1.6'],
		strictMode: true, reconnect: false });
	await old.connect();
	await old.call('BootNotification', { chargePointVendor: 'Old', chargePointModel: 'M16' });
	const st = await old.call('StartTransaction', { connectorId: 1, idTag: OK, meterStart: 10,
		timestamp: new Date().toISOString() });
	await old.call('StopTransaction', { transactionId: st.transactionId, meterStop: 1010,
		timestamp: new Date().toISOString() });
	const b = await client201(B);
	await b.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'New', model: 'M201' } });
	checkEq('fleet_protocols', sql(`SELECT id, protocol FROM charge_points WHERE id IN (${q(OLD)}, ${q(B)}) ORDER BY vendor`),
		[[B, 'ocpp2.0.1'], [OLD, 'ocpp1.6']]);
	for (const [id, proto] of [[OLD, 'ocpp1.6'], [A, 'ocpp2.0.1']]) {
		const r = await apiCall('GET', `/cps/${encodeURIComponent(id)}`);
		checkEq(`api_cp_${id === OLD ? '16' : '201'}`, [r.status, r.json?.protocol], [200, proto]);
	}
	const t16 = await apiCall('GET', `/transactions/${st.transactionId}`);
	const t201 = await apiCall('GET', `/transactions/${centralId}`);
	checkEq('api_tx_16', [t16.status, t16.json?.cp_id], [200, OLD]);
	checkEq('api_tx_201', [t201.status, t201.json?.cp_id, t201.json?.connector_id, t201.json?.protocol,
		t201.json?.cp_transaction_id, t201.json?.evse_id, t201.json?.evse_connector_id, t201.json?.seq_missing,
		t201.json?.energy_kwh], [200, A, 1, 'ocpp2.0.1', TXID, 1, 1, 0, 2]);
	checkEq('api_tx_16_fields', [t16.json?.protocol, t16.json?.cp_transaction_id, t16.json?.evse_id,
		t16.json?.remote_start_id], ['ocpp1.6', null, null, null]);
	checkEq('tx_protocols', sql(`SELECT protocol FROM transactions WHERE id IN (${st.transactionId}, ${centralId}) ORDER BY id`)
		.map((x) => x[0]).sort(), ['ocpp1.6', 'ocpp2.0.1']);
	// A 2.0.1 command to the 1.6 charger: refused, naming its 1.6 form.
	const r16 = await cmd201('RequestStartTransaction', { idToken: { idToken: OK, type: 'Central' }, remoteStartId: 1 }, OLD);
	checkEq('command_201_to_16', [r16.status, r16.json?.error?.code], [409, 'cp_protocol']);
	check('command_201_to_16_message', /OCPP 1\.6.*RequestStartTransaction.*RemoteStartTransaction/
		.test(r16.json?.error?.message || ''), r16.text);
	await old.close();
	await b.close();
});

await a.close();
done();
