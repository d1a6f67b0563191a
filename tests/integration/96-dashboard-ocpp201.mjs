#!/usr/bin/env node
// 96-dashboard-ocpp201.mjs — the dashboard's forms for a 2.0.1 station:
// ocpp-rpc in strict mode as the station (protocols ['ocpp2.0.1'], every
// call it receives is checked against the official 2.0.1 schemas)
// receives each charge point page form's call with its 2.0.1 payload
// (Start, Stop with the station's own transactionId, Reset, Change
// availability, Unlock, Trigger, Get/SetVariables, GetBaseReport,
// ClearCache, DataTransfer); the device model page lists the stored
// variables by component, a page at a time, and its SetVariables form
// reaches the station with the result shown; a 1.6 charge point keeps
// the 1.6 forms; the protocol shows on the overview and the page.  The
// API's POST /cps/{id}/start and /stop send each protocol its own
// command.
import {
	RPCClient, apiCall, check, checkEq, cpId, done, env, ocppClient, q, sql, test, until,
} from '../node/lib.mjs';

const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
const S = cpId('dash201');
const OLD = cpId('dash16');
const TXID = `tx96-${process.pid}`;

const st = new RPCClient({
	endpoint: env.ocppUrl, identity: S, protocols: ['ocpp2.0.1'],
	strictMode: true, reconnect: false, callTimeoutMs: 10000,
});
await st.connect();
const got = {};
const answers = {
	RequestStartTransaction: { status: 'Accepted' },
	RequestStopTransaction: { status: 'Accepted' },
	Reset: { status: 'Scheduled' },
	ChangeAvailability: { status: 'Accepted' },
	UnlockConnector: { status: 'Unlocked' },
	TriggerMessage: { status: 'Accepted' },
	GetVariables: {
		getVariableResult: [{ attributeStatus: 'Accepted', attributeValue: '300',
			component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }],
	},
	SetVariables: {
		setVariableResult: [{ attributeStatus: 'Accepted',
			component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }],
	},
	GetBaseReport: { status: 'Accepted' },
	ClearCache: { status: 'Accepted' },
	DataTransfer: { status: 'Accepted', data: 'pong' },
	SetChargingProfile: { status: 'Accepted' },
};
for (const [action, answer] of Object.entries(answers))
	st.handle(action, ({ params }) => { got[action] = params; return answer; });
await st.call('BootNotification', { reason: 'PowerUp',
	chargingStation: { vendorName: 'T96', model: 'dash201' } });
await st.call('StatusNotification', { timestamp: new Date().toISOString(),
	connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });

const old = await ocppClient(OLD);
await old.call('BootNotification', { chargePointVendor: 'T96', chargePointModel: 'dash16' });

const get = (path, cookie) => fetch(`${DASH}${path}`,
	{ headers: cookie ? { Cookie: cookie } : {} }).then(async (r) => ({ status: r.status, text: await r.text() }));
const cpPath = (id) => `/cp/${encodeURIComponent(id)}`;
const tokenOf = (html) => (html.match(/name="csrf" value="([0-9a-f]{64})"/) || [])[1];
const token = tokenOf((await get(cpPath(S))).text);

// POST a form; the page it redirects to (with the flash cookie) says the
// outcome.
async function submit(fields, id = S) {
	const r = await fetch(`${DASH}${cpPath(id)}/command`, {
		method: 'POST', redirect: 'manual',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ csrf: token, ...fields }).toString(),
	});
	const cookie = (r.headers.get('set-cookie') || '').split(';')[0];
	const loc = r.headers.get('location') || '';
	const back = loc.includes('/variables') ? `${cpPath(id)}/variables` : cpPath(id);
	const html = (await get(back, cookie)).text;
	const m = html.match(/<p class="outcome (\w+)"[^>]*><strong>([^<]*)<\/strong>: ([^<]*)/);
	return { status: r.status, location: loc, outcome: m ? [m[1], m[2], m[3].trim()] : null };
}
const v201 = (fields) => submit({ ocpp: '2.0.1', ...fields });

// A payload with its keys sorted, to compare objects whatever the order.
const norm = (v) => Array.isArray(v) ? v.map(norm) : v && typeof v === 'object'
	? Object.fromEntries(Object.keys(v).sort().map((k) => [k, norm(v[k])])) : v;

// The hidden and text inputs of the form on html that contains marker.
function formFields(html, marker) {
	const form = (html.match(/<form[^>]*>.*?<\/form>/gs) || []).find((f) => f.includes(marker));
	if (!form) return null;
	const out = {};
	for (const m of form.matchAll(/<input type="(?:hidden|text)" name="([^"]+)"(?: maxlength="\d+")? value="([^"]*)"/g))
		out[m[1]] = m[2].replace(/&quot;/g, '"').replace(/&amp;/g, '&');
	return out;
}

try {
	await test('protocol_shown', async () => {
		const page = (await get(cpPath(S))).text;
		check('cp_page_protocol_201', page.includes('data-protocol="2.0.1">OCPP 2.0.1'), 'no OCPP 2.0.1 on the page');
		check('cp_page_devmodel_link', page.includes('id="devmodel-link"'), 'no device model link');
		const oldPage = (await get(cpPath(OLD))).text;
		check('cp_page_protocol_16', oldPage.includes('data-protocol="1.6">OCPP 1.6'), 'no OCPP 1.6 on the 1.6 page');
		const ov = (await get(`/?q=${encodeURIComponent(S)}`)).text;
		check('overview_protocol_201', ov.includes('data-protocol="2.0.1"'), 'no protocol on the overview');
		const ov16 = (await get(`/?q=${encodeURIComponent(OLD)}`)).text;
		check('overview_protocol_16', ov16.includes('data-protocol="1.6"'), 'no 1.6 on the overview');
	});

	await test('forms_per_protocol', async () => {
		const page = (await get(cpPath(S))).text;
		// (RequestStopTransaction is the running session's button.)
		for (const action of Object.keys(answers).filter((a) => a !== 'RequestStopTransaction'))
			check(`form201_${action}`, page.includes(`name="ocpp" value="2.0.1"><input type="hidden" name="action" value="${action}"`), 'missing');
		check('no_16_start_on_201', !page.includes('value="RemoteStartTransaction"'), '1.6 start form shown');
		check('no_16_config_form_on_201', !page.includes('value="ChangeConfiguration"') && !page.includes('value="GetConfiguration"'),
			'1.6 configuration forms shown');
		const oldPage = (await get(cpPath(OLD))).text;
		check('16_start_on_16', oldPage.includes('name="action" value="RemoteStartTransaction"'), 'no 1.6 start form');
		check('no_201_forms_on_16', !oldPage.includes('name="ocpp" value="2.0.1"'), '2.0.1 forms on a 1.6 page');
	});

	await test('start_and_stop', async () => {
		let s = await v201({ action: 'RequestStartTransaction', idToken: 'TOK96', idTokenType: 'ISO14443', evseId: '1' });
		const p = got.RequestStartTransaction || {};
		checkEq('start_payload', [s.status, p.idToken, p.evseId, typeof p.remoteStartId],
			[303, { idToken: 'TOK96', type: 'ISO14443' }, 1, 'number']);
		checkEq('start_outcome', s.outcome?.[2], 'Accepted');
		s = await v201({ action: 'RequestStartTransaction', idToken: 'TOK96B' });
		checkEq('start_any_evse', got.RequestStartTransaction?.idToken, { idToken: 'TOK96B', type: 'ISO14443' });
		check('start_any_evse_no_evse', !('evseId' in got.RequestStartTransaction), 'evseId sent');

		// A running session: its Remote stop names the station's own id.
		await st.call('TransactionEvent', {
			eventType: 'Started', timestamp: new Date().toISOString(), seqNo: 0,
			triggerReason: 'Authorized', transactionInfo: { transactionId: TXID },
			idToken: { idToken: 'TOK96', type: 'ISO14443' }, evse: { id: 1, connectorId: 1 },
		});
		await until(() => sql(`SELECT 1 FROM transactions WHERE cp_id = ${q(S)} AND cp_tx_id = ${q(TXID)}`).length);
		const page = (await get(cpPath(S))).text;
		const stop = formFields(page, 'value="RequestStopTransaction"');
		checkEq('stop_form_fields', stop && [stop.ocpp, stop.transactionId], ['2.0.1', TXID]);
		check('no_16_stop_on_201', !page.includes('value="RemoteStopTransaction"'), '1.6 stop form shown');
		s = await submit(stop);
		checkEq('stop_payload', [s.status, got.RequestStopTransaction, s.outcome?.[2]],
			[303, { transactionId: TXID }, 'Accepted']);
	});

	await test('each_form_sends_its_payload', async () => {
		let s = await v201({ action: 'Reset', type: 'OnIdle', evseId: '2' });
		checkEq('reset_evse', [got.Reset, s.outcome?.[2]], [{ type: 'OnIdle', evseId: 2 }, 'Scheduled']);
		await v201({ action: 'Reset', type: 'Immediate', evseId: '' });
		checkEq('reset_station', got.Reset, { type: 'Immediate' });
		await v201({ action: 'ChangeAvailability', operationalStatus: 'Inoperative', evseId: '1', connectorId: '2' });
		checkEq('availability_connector', got.ChangeAvailability,
			{ operationalStatus: 'Inoperative', evse: { id: 1, connectorId: 2 } });
		await v201({ action: 'ChangeAvailability', operationalStatus: 'Operative', evseId: '', connectorId: '' });
		checkEq('availability_station', got.ChangeAvailability, { operationalStatus: 'Operative' });
		delete got.ChangeAvailability;
		s = await v201({ action: 'ChangeAvailability', operationalStatus: 'Operative', connectorId: '2' });
		checkEq('availability_connector_without_evse', [s.outcome?.[0], got.ChangeAvailability], ['bad', undefined]);
		s = await v201({ action: 'UnlockConnector', evseId: '1', connectorId: '1' });
		checkEq('unlock', [got.UnlockConnector, s.outcome?.[2]], [{ evseId: 1, connectorId: 1 }, 'Unlocked']);
		await v201({ action: 'TriggerMessage', requestedMessage: 'TransactionEvent', evseId: '1' });
		checkEq('trigger', got.TriggerMessage, { requestedMessage: 'TransactionEvent', evse: { id: 1 } });
		await v201({ action: 'TriggerMessage', requestedMessage: 'Heartbeat', evseId: '' });
		checkEq('trigger_station', got.TriggerMessage, { requestedMessage: 'Heartbeat' });
		s = await v201({ action: 'GetVariables', component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', evseId: '' });
		checkEq('get_variables', [got.GetVariables, s.outcome?.[2]], [{ getVariableData: [{
			component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] }, 'Accepted: 300']);
		s = await v201({ action: 'SetVariables', component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', value: '120', evseId: '' });
		checkEq('set_variables', [norm(got.SetVariables), s.outcome?.[2]], [norm({ setVariableData: [{ attributeValue: '120',
			component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] }), 'Accepted']);
		s = await v201({ action: 'GetBaseReport', reportBase: 'ConfigurationInventory' });
		checkEq('base_report', [got.GetBaseReport?.reportBase, typeof got.GetBaseReport?.requestId, s.outcome?.[2]],
			['ConfigurationInventory', 'number', 'Accepted']);
		s = await v201({ action: 'ClearCache' });
		checkEq('clear_cache', [got.ClearCache, s.outcome?.[2]], [{}, 'Accepted']);
		s = await v201({ action: 'DataTransfer', vendorId: 'T96', messageId: 'ping', data: 'x' });
		checkEq('data_transfer', [got.DataTransfer, s.outcome?.[2]],
			[{ vendorId: 'T96', messageId: 'ping', data: 'x' }, 'Accepted']);
		// The charging limit form in 2.0.1's shape; a TxProfile names the
		// session by the station's id and is linked to it.
		s = await v201({ action: 'SetChargingProfile', evseId: '1', chargingProfilePurpose: 'TxProfile',
			stackLevel: '2', limit: '10.5', chargingRateUnit: 'A', transactionId: TXID });
		const cp = got.SetChargingProfile?.chargingProfile;
		checkEq('set_profile_201', [s.outcome?.[2], got.SetChargingProfile?.evseId, cp?.stackLevel,
			cp?.chargingProfilePurpose, cp?.chargingProfileKind, cp?.transactionId, cp?.chargingSchedule?.length,
			cp?.chargingSchedule?.[0]?.id === cp?.id, cp?.chargingSchedule?.[0]?.chargingRateUnit,
			cp?.chargingSchedule?.[0]?.chargingSchedulePeriod], ['Accepted', 1, 2, 'TxProfile', 'Relative', TXID, 1,
			true, 'A', [{ startPeriod: 0, limit: 10.5 }]]);
		checkEq('set_profile_201_linked', sql(`SELECT p.status, p.transaction_id = t.id FROM charging_profiles p
			JOIN transactions t ON t.cp_id = p.cp_id AND t.cp_tx_id = ${q(TXID)}
			WHERE p.cp_id = ${q(S)} AND p.profile_id = ${Number(cp?.id)}`), [['accepted', '1']]);
		s = await v201({ action: 'SetChargingProfile', evseId: '0', chargingProfilePurpose: 'ChargingStationMaxProfile',
			stackLevel: '0', limit: '22000', chargingRateUnit: 'W', transactionId: '' });
		const mx = got.SetChargingProfile?.chargingProfile;
		checkEq('set_profile_201_station_max', [s.outcome?.[2], mx?.chargingProfileKind, 'transactionId' in (mx || {}),
			typeof mx?.chargingSchedule?.[0]?.startSchedule], ['Accepted', 'Absolute', false, 'string']);
	});

	await test('16_form_to_201_refused_by_ocppd', async () => {
		// A 1.6 form posted for a 2.0.1 station: ocppd names the protocol.
		const s = await submit({ action: 'RemoteStartTransaction', idTag: 'TOK96' });
		checkEq('cp_protocol_outcome', s.outcome?.[0], 'bad');
		check('cp_protocol_message', /2\.0\.1/.test(s.outcome?.[2] || ''), s.outcome?.[2]);
	});

	await test('device_model_page', async () => {
		await st.call('NotifyReport', {
			requestId: 96, generatedAt: new Date().toISOString(), seqNo: 0, tbc: false,
			reportData: [
				{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' },
					variableAttribute: [{ type: 'Actual', value: '300', mutability: 'ReadWrite' }],
					variableCharacteristics: { dataType: 'integer', unit: 's', supportsMonitoring: false } },
				{ component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power', instance: 'max' },
					variableAttribute: [{ value: '22000', mutability: 'ReadOnly' }],
					variableCharacteristics: { dataType: 'decimal', supportsMonitoring: true } },
			],
		});
		// Many variables of one component (stored as a big report would).
		const rows = [];
		for (let i = 0; i < 250; i++)
			rows.push(`(${q(S)}, 'Big', ${q(`V${String(i).padStart(3, '0')}`)}, 'Actual', ${q(String(i))}, 'ReadWrite', NOW(3))`);
		sql(`INSERT INTO device_vars (cp_id, component, variable, attr_type, value, mutability, updated_at)
			VALUES ${rows.join(', ')}`);

		const base = `${cpPath(S)}/variables`;
		let r = await get(base);
		checkEq('devmodel_status', r.status, 200);
		for (const c of ['OCPPCommCtrlr', 'EVSE', 'Big'])
			check(`devmodel_component_${c}`, r.text.includes(`data-component="${c}"`), 'not listed');
		check('devmodel_counts', r.text.includes('252 attributes'), 'no total');
		check('devmodel_refresh', r.text.includes('id="devmodel-refresh"'), 'no Refresh form');
		r = await get(`${base}?component=EVSE&evse=1`);
		check('devmodel_evse_var', r.text.includes('data-variable="Power"') && r.text.includes('22000'), 'EVSE Power not shown');
		check('devmodel_readonly_no_form', !r.text.includes('value="SetVariables"'), 'a form for a ReadOnly variable');
		r = await get(`${base}?component=Big`);
		const shown = (r.text.match(/data-variable="V\d+"/g) || []).length;
		checkEq('devmodel_paged', [shown, r.text.includes('page 1 of 3'), r.text.includes('data-variable="V099"'),
			r.text.includes('data-variable="V100"')], [100, true, true, false]);
		r = await get(`${base}?component=Big&page=3`);
		checkEq('devmodel_last_page', (r.text.match(/data-variable="V\d+"/g) || []).length, 50);
		sql(`INSERT INTO device_vars (cp_id, component, variable, attr_type, value, mutability, updated_at)
			VALUES (${q(S)}, 'SecurityCtrlr', 'BasicAuthPassword', 'Actual', 'secret96pw', 'WriteOnly', NOW(3))`);
		r = await get(`${base}?component=SecurityCtrlr`);
		checkEq('devmodel_password_hidden', [r.text.includes('secret96pw'),
			formFields(r.text, 'value="BasicAuthPassword"')?.value], [false, '']);
		r = await get(`${base}?evse=x`);
		checkEq('devmodel_bad_param', r.status, 400);

		r = await get(`${base}?component=OCPPCommCtrlr`);
		const f = formFields(r.text, 'value="SetVariables"');
		checkEq('devmodel_form', f && [f.ocpp, f.back, f.component, f.variable, f.attributeType, f.value],
			['2.0.1', 'variables', 'OCPPCommCtrlr', 'HeartbeatInterval', 'Actual', '300']);
		delete got.SetVariables;
		const s = await submit({ ...f, value: '60' });
		checkEq('devmodel_set_reaches_station', norm(got.SetVariables), norm({ setVariableData: [{ attributeValue: '60',
			attributeType: 'Actual', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] }));
		checkEq('devmodel_set_outcome', [s.status, /\/variables$/.test(s.location), s.outcome?.slice(1)],
			[303, true, ['SetVariables', 'Accepted']]);
		delete got.GetBaseReport;
		const rf = formFields((await get(base)).text, 'id="devmodel-refresh"');
		const g = await submit({ ...rf, reportBase: 'FullInventory' });
		checkEq('devmodel_refresh_sends', [got.GetBaseReport?.reportBase, g.outcome?.[2]], ['FullInventory', 'Accepted']);
	});

	await test('devmodel_of_16_and_unknown', async () => {
		const r = await get(`${cpPath(OLD)}/variables`);
		checkEq('devmodel_16', [r.status, r.text.includes('speaks OCPP 1.6'), r.text.includes('value="GetBaseReport"')],
			[200, true, false]);
		checkEq('devmodel_unknown', (await get(`/cp/${cpId('nobody96')}/variables`)).status, 404);
	});
	await test('api_start_stop_per_protocol', async () => {
		const got16 = {};
		for (const a of ['RemoteStartTransaction', 'RemoteStopTransaction'])
			old.handle(a, ({ params }) => { got16[a] = params; return { status: 'Accepted' }; });
		const enc = encodeURIComponent;
		let r = await apiCall('POST', `/cps/${enc(S)}/start?wait=5`, { id_tag: 'TOK96C', connector_id: 1 });
		const p = got.RequestStartTransaction || {};
		checkEq('api_start_201', [r.status, r.json?.action, r.json?.status, p.idToken, p.evseId, typeof p.remoteStartId],
			[200, 'RequestStartTransaction', 'Accepted', { idToken: 'TOK96C', type: 'ISO14443' }, 1, 'number']);
		r = await apiCall('POST', `/cps/${enc(OLD)}/start?wait=5`, { id_tag: 'TOK96D', id_token_type: 'Central' });
		checkEq('api_start_16', [r.status, r.json?.action, got16.RemoteStartTransaction], [200, 'RemoteStartTransaction', { idTag: 'TOK96D' }]);
		const txId = Number(sql(`SELECT id FROM transactions WHERE cp_id = ${q(S)} AND cp_tx_id = ${q(TXID)}`)[0][0]);
		delete got.RequestStopTransaction;
		r = await apiCall('POST', `/cps/${enc(S)}/stop?wait=5`, { transaction_id: txId });
		checkEq('api_stop_201', [r.status, r.json?.action, got.RequestStopTransaction], [200, 'RequestStopTransaction', { transactionId: TXID }]);
		const started = await old.call('StartTransaction', { connectorId: 1, idTag: 'TOK96D', meterStart: 0,
			timestamp: new Date().toISOString() });
		r = await apiCall('POST', `/cps/${enc(OLD)}/stop?wait=5`, { transaction_id: started.transactionId });
		checkEq('api_stop_16', [r.status, r.json?.action, got16.RemoteStopTransaction],
			[200, 'RemoteStopTransaction', { transactionId: started.transactionId }]);
		r = await apiCall('POST', `/cps/${enc(OLD)}/stop`, { transaction_id: txId });
		checkEq('api_stop_other_cps_tx_404', r.status, 404);
		r = await apiCall('POST', `/cps/${enc(S)}/start`, {});
		checkEq('api_start_needs_tag', [r.status, r.json?.error?.code], [400, 'invalid_params']);
		r = await apiCall('POST', `/cps/${enc(S)}/stop`, { transaction_id: 'x' });
		checkEq('api_stop_needs_number', r.status, 400);
		r = await apiCall('POST', `/cps/${cpId('nobody96')}/start`, { id_tag: 'X' });
		checkEq('api_start_unknown_cp', r.status, 404);
	});
} finally {
	st.close({ force: true });
	old.close({ force: true });
}
done();
