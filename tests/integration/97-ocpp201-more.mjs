#!/usr/bin/env node
// 97-ocpp201-more.mjs — more of OCPP 2.0.1 through ocpp-rpc in strict
// mode (every frame validated against the official 2.0.1 schemas): the
// device model kept current by GetVariables / SetVariables answers,
// reservations (ReserveNow, CancelReservation, ReservationStatusUpdate,
// a TransactionEvent consuming one), the local list and smart charging
// sent to a 2.0.1 station.
import {
	RPCClient, apiCall, check, checkEq, cpId, done, env, q, sql, sqlValue, test, until,
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

// __MORE__

await a.close();
done();
