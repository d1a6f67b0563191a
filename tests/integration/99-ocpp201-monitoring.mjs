#!/usr/bin/env node
// 99-ocpp201-monitoring.mjs — the rest of OCPP 2.0.1's functional blocks
// through ocpp-rpc in strict mode (every frame validated against the
// official 2.0.1 schemas): monitoring (N: the five commands, NotifyEvent
// stored and listed by GET /cps/{id}/events, NotifyMonitoringReport),
// display messages (O), SetNetworkProfile (B, its passwords masked),
// GetTransactionStatus (E) and CostUpdated, each sent through the API with
// the station's answer as the outcome, and a bad payload refused before
// anything is sent.
import {
	RPCClient, apiCall, check, checkEq, cpId, done, env, ownPort, q, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const A = cpId('v201n');
const a = new RPCClient({
	endpoint: env.ocppUrl, identity: A, protocols: ['ocpp2.0.1'],
	strictMode: true, reconnect: false, callTimeoutMs: 10000,
});
await a.connect();
await a.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'V', model: 'M99' } });

const cmd = (action, body) =>
	apiCall('POST', `/cps/${encodeURIComponent(A)}/commands/${action}?wait=5`, body);
const got = {};
const answer = (action, fn) => a.handle(action, ({ params }) => { got[action] = params; return fn(params); });
const comp = { name: 'EVSE', evse: { id: 1 } };
const variable = { name: 'Power' };

await test('monitoring_commands', async () => {
	answer('SetVariableMonitoring', (p) => ({ setMonitoringResult: p.setMonitoringData.map((d, i) => ({
		id: 500 + i, status: i ? 'Rejected' : 'Accepted', type: d.type, severity: d.severity,
		component: d.component, variable: d.variable })) }));
	const set = await cmd('SetVariableMonitoring', { setMonitoringData: [
		{ value: 22000, type: 'UpperThreshold', severity: 4, component: comp, variable },
		{ value: 5, type: 'Delta', severity: 8, component: comp, variable }] });
	checkEq('set_variable_monitoring', [set.status, set.json?.result?.setMonitoringResult?.map((r) => r.status)],
		[200, ['Accepted', 'Rejected']]);
	checkEq('set_variable_monitoring_received', got.SetVariableMonitoring?.setMonitoringData?.[0]?.type, 'UpperThreshold');

	answer('ClearVariableMonitoring', (p) => ({ clearMonitoringResult: p.id.map((id) => ({ id, status: 'Accepted' })) }));
	const clr = await cmd('ClearVariableMonitoring', { id: [500, 501] });
	checkEq('clear_variable_monitoring', [clr.status, clr.json?.result?.clearMonitoringResult?.length], [200, 2]);
	checkEq('clear_variable_monitoring_received', got.ClearVariableMonitoring, { id: [500, 501] });

	answer('SetMonitoringBase', () => ({ status: 'Accepted' }));
	const base = await cmd('SetMonitoringBase', { monitoringBase: 'FactoryDefault' });
	checkEq('set_monitoring_base', [base.status, base.json?.status, got.SetMonitoringBase], [200, 'Accepted', { monitoringBase: 'FactoryDefault' }]);

	answer('SetMonitoringLevel', () => ({ status: 'Rejected' }));
	const lvl = await cmd('SetMonitoringLevel', { severity: 5 });
	checkEq('set_monitoring_level', [lvl.status, lvl.json?.status, got.SetMonitoringLevel], [200, 'Rejected', { severity: 5 }]);

	answer('GetMonitoringReport', () => ({ status: 'Accepted' }));
	const rep = await cmd('GetMonitoringReport', { requestId: 99, monitoringCriteria: ['ThresholdMonitoring'] });
	checkEq('get_monitoring_report', [rep.status, rep.json?.status], [200, 'Accepted']);
	checkEq('notify_monitoring_report_reply', await a.call('NotifyMonitoringReport', { requestId: 99, seqNo: 0,
		generatedAt: new Date().toISOString(), monitor: [{ component: comp, variable, variableMonitoring: [
			{ id: 500, transaction: false, value: 22000, type: 'UpperThreshold', severity: 4 }] }] }), {});
	check('notify_monitoring_report_logged', await until(() => Number(sqlValue(`SELECT COUNT(*) FROM ocpp_log
		WHERE cp_id = ${q(A)} AND action = 'NotifyMonitoringReport'`)) >= 1), 'no NotifyMonitoringReport in ocpp_log');
});

await test('monitoring_refused_before_sending', async () => {
	delete got.SetMonitoringLevel;
	delete got.SetVariableMonitoring;
	const far = await cmd('SetMonitoringLevel', { severity: 12 });
	checkEq('set_monitoring_level_out_of_range', [far.status, far.json?.error?.code], [400, 'invalid_params']);
	const bad = await cmd('SetVariableMonitoring', { setMonitoringData: [{ value: 1, type: 'Sometimes', severity: 1,
		component: comp, variable }] });
	checkEq('set_variable_monitoring_bad_enum', [bad.status, bad.json?.error?.code], [400, 'invalid_params']);
	const base = await cmd('SetMonitoringBase', {});
	checkEq('set_monitoring_base_missing', [base.status, base.json?.error?.code], [400, 'invalid_params']);
	checkEq('nothing_sent', [got.SetMonitoringLevel, got.SetVariableMonitoring], [undefined, undefined]);
});

await test('notify_event_stored_and_listed', async () => {
	const now = Date.now();
	const t1 = new Date(now - 2000).toISOString();
	const t2 = new Date(now - 1000).toISOString();
	checkEq('notify_event_reply', await a.call('NotifyEvent', { generatedAt: new Date().toISOString(), seqNo: 0, eventData: [
		{ eventId: 4242, timestamp: t1, trigger: 'Alerting', actualValue: '23000', techCode: 'OVR', techInfo: 'over limit',
			eventNotificationType: 'CustomMonitor', variableMonitoringId: 500, transactionId: 'tx-99',
			component: { name: 'EVSE', evse: { id: 1, connectorId: 2 } }, variable },
		{ eventId: 4243, timestamp: t2, trigger: 'Alerting', cause: 4242, actualValue: '21000', cleared: true,
			eventNotificationType: 'CustomMonitor', component: { name: 'EVSE', evse: { id: 1 } }, variable }] }), {});
	checkEq('notify_event_rows', sql(`SELECT event_id, event_trigger, cause, component, evse_id, connector_id, variable,
		actual_value, tech_code, cleared, transaction_id, monitor_id, notification_type FROM cp_events
		WHERE cp_id = ${q(A)} ORDER BY id`), [
		['4242', 'Alerting', null, 'EVSE', '1', '2', 'Power', '23000', 'OVR', '0', 'tx-99', '500', 'CustomMonitor'],
		['4243', 'Alerting', '4242', 'EVSE', '1', null, 'Power', '21000', null, '1', null, null, 'CustomMonitor']]);
	const list = await apiCall('GET', `/cps/${encodeURIComponent(A)}/events`);
	checkEq('events_api', [list.status, list.json?.total, list.json?.items?.map((e) => e.event_id)], [200, 2, [4243, 4242]]);
	const e = list.json?.items?.[1] || {};
	checkEq('events_api_fields', [e.trigger, e.component, e.evse_id, e.connector_id, e.variable, e.actual_value,
		e.tech_info, e.cleared, e.monitor_id, e.timestamp], ['Alerting', 'EVSE', 1, 2, 'Power', '23000', 'over limit', false, 500, t1]);
	const cleared = await apiCall('GET', `/cps/${encodeURIComponent(A)}/events?cleared=true`);
	checkEq('events_api_cleared', cleared.json?.items?.map((x) => [x.event_id, x.cause]), [[4243, 4242]]);
	const other = await apiCall('GET', `/cps/${encodeURIComponent(A)}/events?component=Connector`);
	checkEq('events_api_component', [other.status, other.json?.total], [200, 0]);
	const badFilter = await apiCall('GET', `/cps/${encodeURIComponent(A)}/events?cleared=maybe`);
	checkEq('events_api_bad_filter', badFilter.status, 400);
	const unknown = await apiCall('GET', `/cps/${encodeURIComponent(A)}-none/events`);
	checkEq('events_api_unknown_cp', unknown.status, 404);
});

await test('display_messages', async () => {
	answer('SetDisplayMessage', () => ({ status: 'Accepted' }));
	answer('GetDisplayMessages', () => ({ status: 'Accepted' }));
	answer('ClearDisplayMessage', () => ({ status: 'Unknown' }));
	const message = { id: 7, priority: 'NormalCycle', message: { format: 'UTF8', content: 'Welcome at M99' } };
	const s = await cmd('SetDisplayMessage', { message });
	checkEq('set_display_message', [s.status, s.json?.status, got.SetDisplayMessage], [200, 'Accepted', { message }]);
	const g = await cmd('GetDisplayMessages', { requestId: 98, priority: 'NormalCycle' });
	checkEq('get_display_messages', [g.status, g.json?.status], [200, 'Accepted']);
	checkEq('notify_display_messages_reply', await a.call('NotifyDisplayMessages', { requestId: 98,
		messageInfo: [message] }), {});
	check('notify_display_messages_logged', await until(() => Number(sqlValue(`SELECT COUNT(*) FROM ocpp_log
		WHERE cp_id = ${q(A)} AND action = 'NotifyDisplayMessages'`)) >= 1), 'no NotifyDisplayMessages in ocpp_log');
	const c = await cmd('ClearDisplayMessage', { id: 7 });
	checkEq('clear_display_message', [c.status, c.json?.status, got.ClearDisplayMessage], [200, 'Unknown', { id: 7 }]);
	const bad = await cmd('SetDisplayMessage', { message: { id: 8, priority: 'Loud', message: { format: 'UTF8', content: 'x' } } });
	checkEq('set_display_message_bad', [bad.status, bad.json?.error?.code], [400, 'invalid_params']);
});

await test('set_network_profile_masked', async () => {
	answer('SetNetworkProfile', () => ({ status: 'Accepted' }));
	const connectionData = { ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: 'wss://csms.example/ocpp',
		messageTimeout: 30, securityProfile: 2, ocppInterface: 'Wireless0',
		vpn: { server: 'vpn.example', user: 'u99', password: 'vpn-secret-99', key: 'vpn-key-99', type: 'IPSec' },
		apn: { apn: 'internet', apnPassword: 'apn-secret-99', apnAuthentication: 'CHAP' } };
	const r = await cmd('SetNetworkProfile', { configurationSlot: 2, connectionData });
	checkEq('set_network_profile', [r.status, r.json?.status], [200, 'Accepted']);
	checkEq('set_network_profile_received_in_clear', got.SetNetworkProfile, { configurationSlot: 2, connectionData });
	const params = sqlValue(`SELECT params FROM commands WHERE cp_id = ${q(A)} AND action = 'SetNetworkProfile'`) || '';
	check('set_network_profile_history_masked', params.includes('wss://csms.example/ocpp') && !params.includes('secret-99')
		&& !params.includes('vpn-key-99'), params);
	check('set_network_profile_api_masked', !JSON.stringify(r.json).includes('secret-99'), r.text);
	const frames = sql(`SELECT frame FROM ocpp_log WHERE cp_id = ${q(A)} AND action = 'SetNetworkProfile'`).flat().join('\n');
	check('set_network_profile_log_masked', !frames.includes('secret-99') && !frames.includes('vpn-key-99'), frames);
	const bad = await cmd('SetNetworkProfile', { configurationSlot: 2, connectionData: { ...connectionData, ocppVersion: 'OCPP21' } });
	checkEq('set_network_profile_bad', [bad.status, bad.json?.error?.code], [400, 'invalid_params']);
});

await test('transaction_status_and_cost', async () => {
	answer('GetTransactionStatus', (p) => (p.transactionId ? { ongoingIndicator: true, messagesInQueue: false }
		: { messagesInQueue: true }));
	const s = await cmd('GetTransactionStatus', { transactionId: 'tx-99' });
	checkEq('get_transaction_status', [s.status, s.json?.result], [200, { ongoingIndicator: true, messagesInQueue: false }]);
	const any = await cmd('GetTransactionStatus', {});
	checkEq('get_transaction_status_any', [any.status, any.json?.result], [200, { messagesInQueue: true }]);

	answer('CostUpdated', () => ({}));
	const c = await cmd('CostUpdated', { totalCost: 4.75, transactionId: 'tx-99' });
	checkEq('cost_updated', [c.status, got.CostUpdated], [200, { totalCost: 4.75, transactionId: 'tx-99' }]);
	delete got.CostUpdated;
	const neg = await cmd('CostUpdated', { totalCost: -1, transactionId: 'tx-99' });
	checkEq('cost_updated_negative', [neg.status, neg.json?.error?.code], [400, 'invalid_params']);
	const missing = await cmd('CostUpdated', { totalCost: 1 });
	checkEq('cost_updated_missing_tx', [missing.status, missing.json?.error?.code, got.CostUpdated], [400, 'invalid_params', undefined]);
});

// The event log is kept security_event_retention_days (365 here): an
// ocppd of our own (base+89) deletes, at its first upkeep pass, an event
// received 400 days ago and keeps one from yesterday.
await test('events_expire', async () => {
	const row = (id, days) => `(${q(A)}, ${id}, UTC_TIMESTAMP(3), 'Delta', 'EVSE', 'Power', '1', 'CustomMonitor',
		UTC_TIMESTAMP(3) - INTERVAL ${days} DAY)`;
	sql(`INSERT INTO cp_events (cp_id, event_id, ts, event_trigger, component, variable, actual_value,
		notification_type, received_at) VALUES ${row(9901, 400)}, ${row(9902, 1)}`);
	const d = await startOcppd({ CSMS_OCPP_PORT: ownPort(89) }, 'ocppd-events-expiry');
	try {
		check('old_event_deleted', await until(() => sqlValue(`SELECT COUNT(*) FROM cp_events WHERE cp_id = ${q(A)}
			AND event_id = 9901`) === '0', 15000, 100), 'the 400-day-old event is still there');
		checkEq('young_event_kept', sqlValue(`SELECT COUNT(*) FROM cp_events WHERE cp_id = ${q(A)} AND event_id = 9902`), '1');
	} finally {
		await d.stop();
	}
});

await a.close();
done();
