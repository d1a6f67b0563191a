#!/usr/bin/env node
// 95-cpsim-ocpp201.mjs — cpsim --ocpp 2.0.1 against the real ocppd, which
// validates every 2.0.1 CALL strictly against the official schemas (a
// payload cpsim got wrong would be a CALLERROR, counted in its summary):
//  - a whole session: BootNotification, StatusNotification per EVSE,
//    Authorize, TransactionEvent Started / Updated / Ended; the
//    transactions row is protocol ocpp2.0.1 with the station's own
//    transactionId, the energy cpsim counted, no seqNo missing;
//  - the CSMS's 2.0.1 calls through the API answered by cpsim:
//    RequestStartTransaction starting a session with the remoteStartId,
//    TriggerMessage MeterValues, UnlockConnector, Get/SetVariables,
//    GetBaseReport -> NotifyReport stored in device_vars,
//    RequestStopTransaction ending it, ChangeAvailability, ClearCache,
//    DataTransfer, Reset -> a new BootNotification with RemoteReset;
//  - load mode with --ocpp 2.0.1 and a mixed fleet (--ocpp201-share):
//    every call answered, no CALLERROR, complete 2.0.1 sessions stored.
import { spawn } from 'node:child_process';
import {
	apiCall, check, checkEq, cpId, done, env, q, sql, sqlValue, test, until,
} from '../node/lib.mjs';

const ONE = cpId('cpsim201a');
const TWO = cpId('cpsim201b');
const TAG = `T95${process.pid % 100000}`;
const procs = [];

function cpsim(id, args) {
	const out = { stdout: '', stderr: '' };
	const p = spawn(`${env.bin}/cpsim`, ['--ocpp', '2.0.1', ...args, `${env.ocppUrl}/${id}`]);
	p.stdout.on('data', (x) => { out.stdout += x; });
	p.stderr.on('data', (x) => { out.stderr += x; });
	out.exited = new Promise((r) => p.on('exit', (code) => r(code)));
	out.proc = p;
	procs.push(p);
	return out;
}
const field = (line, name) => (line.match(new RegExp(` ${name}=(\\S*)`)) || [])[1];

sql(`INSERT INTO users (id_tag, name, status) VALUES (${q(TAG)}, 'cpsim 2.0.1', 'Accepted')
	ON DUPLICATE KEY UPDATE status = 'Accepted'`);

try {
	await test('cpsim201_session', async () => {
		const sim = cpsim(ONE, ['--connectors', '2', '--id-tag', TAG, '--duration', '3',
			'--meter-interval', '1', '--power-kw', '11', '--vendor', 'ACME', '--model', 'Wallbox',
			'--firmware', '1.2.3', '--exit-after-session', '--quiet']);
		const rc = await sim.exited;
		const summary = sim.stdout.trim().split('\n').pop() || '';
		checkEq('session_exit', rc, 0);
		check('session_summary_ok', / ok$/.test(summary) && field(summary, 'errors') === '0', summary + sim.stderr);
		const txId = (field(summary, 'tx') || '').replace(/[[\]]/g, '');
		const wh = Number(field(summary, 'energy_wh'));
		check('session_tx_id', txId.startsWith(ONE.slice(0, 20)), summary);
		checkEq('boot_stored', sql(`SELECT vendor, model, firmware_version, protocol, boot_reason
			FROM charge_points WHERE id = ${q(ONE)}`)[0], ['ACME', 'Wallbox', '1.2.3', 'ocpp2.0.1', 'PowerUp']);
		const t = sql(`SELECT protocol, id_tag, meter_stop - meter_start, stop_reason, stop_ts IS NOT NULL,
			seq_missing, seq_max >= 3, evse_id FROM transactions WHERE cp_id = ${q(ONE)} AND cp_tx_id = ${q(txId)}`)[0];
		checkEq('transaction_row', t, ['ocpp2.0.1', TAG, String(wh), 'Local', '1', '0', '1', '1']);
		// 11 kW for ~3 s is ~9 Wh: plausible, not just equal.
		check('energy_plausible', wh > 0 && wh < 100, `${wh} Wh`);
		const mv = Number(sqlValue(`SELECT COUNT(*) FROM meter_values m JOIN transactions t ON t.id = m.transaction_id
			WHERE t.cp_id = ${q(ONE)} AND t.cp_tx_id = ${q(txId)} AND m.measurand = 'Energy.Active.Import.Register'`));
		check('meter_values_stored', mv >= 3, `${mv} energy values`);
		checkEq('statuses', sqlValue(`SELECT GROUP_CONCAT(connector_id, ':', status ORDER BY connector_id)
			FROM connectors WHERE cp_id = ${q(ONE)} AND connector_id > 0`), '1:Available,2:Available');
	});

	const sim = cpsim(TWO, ['--connectors', '2', '--sessions', '0', '--id-tag', TAG,
		'--meter-interval', '0', '--power-kw', '22']);
	const cmd = async (action, body) => {
		const r = await apiCall('POST', `/cps/${encodeURIComponent(TWO)}/commands/${action}?wait=8`, body);
		return r.json?.result;
	};
	const status = (n) => sqlValue(`SELECT status FROM connectors WHERE cp_id = ${q(TWO)} AND connector_id = ${n}`);
	const open = () => sql(`SELECT id, cp_tx_id FROM transactions WHERE cp_id = ${q(TWO)} AND stop_ts IS NULL`)[0];

	await test('cpsim201_answers', async () => {
		check('online', await until(() => status(2) === 'Available', 15000, 100), sim.stderr.slice(-400));
		const start = await cmd('RequestStartTransaction', {
			idToken: { idToken: TAG, type: 'Central' }, evseId: 1, remoteStartId: 9501 });
		checkEq('request_start', start?.status, 'Accepted');
		check('remote_session_open', await until(() => open()?.[1], 8000, 100), sim.stderr.slice(-400));
		const [rowId, txId] = open();
		check('occupied', await until(() => status(1) === 'Occupied', 5000, 50), status(1));
		checkEq('busy_evse_refused', (await cmd('RequestStartTransaction', {
			idToken: { idToken: TAG, type: 'Central' }, evseId: 1, remoteStartId: 9502 }))?.status, 'Rejected');
		checkEq('unlock_busy', (await cmd('UnlockConnector', { evseId: 1, connectorId: 1 }))?.status,
			'OngoingAuthorizedTransaction');
		checkEq('unlock_free', (await cmd('UnlockConnector', { evseId: 2, connectorId: 1 }))?.status, 'Unlocked');
		const mvBefore = Number(sqlValue(`SELECT COUNT(*) FROM meter_values WHERE transaction_id = ${rowId}`));
		checkEq('trigger_meter', (await cmd('TriggerMessage', { requestedMessage: 'MeterValues',
			evse: { id: 1 } }))?.status, 'Accepted');
		check('triggered_meter_stored', await until(() => Number(sqlValue(`SELECT COUNT(*) FROM meter_values
			WHERE transaction_id = ${rowId}`)) > mvBefore, 5000, 50), 'no new meter values');
		const gv = await cmd('GetVariables', { getVariableData: [
			{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
			{ component: { name: 'Nope' }, variable: { name: 'X' } }] });
		checkEq('get_variables', gv?.getVariableResult?.map((r) => r.attributeStatus),
			['Accepted', 'UnknownComponent']);
		check('get_variables_value', /^\d+$/.test(gv?.getVariableResult?.[0]?.attributeValue || ''), JSON.stringify(gv));
		const sv = await cmd('SetVariables', { setVariableData: [{ attributeValue: '1',
			component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedInterval' } }] });
		checkEq('set_variables', sv?.setVariableResult?.[0]?.attributeStatus, 'Accepted');
		// The Updated interval now 1 s: the periodic events arrive.
		check('updated_events', await until(() => Number(sqlValue(`SELECT seq_max FROM transactions
			WHERE id = ${rowId}`)) >= 2, 8000, 100), 'no TransactionEvent Updated');
		checkEq('base_report', (await cmd('GetBaseReport', { requestId: 95, reportBase: 'FullInventory' }))?.status,
			'Accepted');
		check('notify_report_stored', await until(() => sqlValue(`SELECT value FROM device_vars
			WHERE cp_id = ${q(TWO)} AND component = 'SampledDataCtrlr' AND variable = 'TxUpdatedInterval'`) === '1',
		5000, 100), 'device_vars has no TxUpdatedInterval = 1');
		// The monitoring, display and transaction status calls answered.
		checkEq('tx_status_ongoing', await cmd('GetTransactionStatus', { transactionId: txId }),
			{ ongoingIndicator: true, messagesInQueue: false });
		checkEq('cost_updated', await cmd('CostUpdated', { totalCost: 1.5, transactionId: txId }), {});
		checkEq('monitoring_level', (await cmd('SetMonitoringLevel', { severity: 3 }))?.status, 'Accepted');
		checkEq('monitoring_set', (await cmd('SetVariableMonitoring', { setMonitoringData: [{ value: 1, type: 'Delta',
			severity: 5, component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' } }] }))
			?.setMonitoringResult?.[0]?.status, 'UnsupportedMonitorType');
		checkEq('monitoring_clear', (await cmd('ClearVariableMonitoring', { id: [3, 4] }))?.clearMonitoringResult,
			[{ id: 3, status: 'NotFound' }, { id: 4, status: 'NotFound' }]);
		checkEq('monitoring_report', (await cmd('GetMonitoringReport', { requestId: 951 }))?.status, 'EmptyResultSet');
		checkEq('display_get', (await cmd('GetDisplayMessages', { requestId: 952 }))?.status, 'Unknown');
		checkEq('display_set', (await cmd('SetDisplayMessage', { message: { id: 1, priority: 'InFront',
			message: { format: 'ASCII', content: 'hello' } } }))?.status, 'Accepted');
		checkEq('network_profile', (await cmd('SetNetworkProfile', { configurationSlot: 1, connectionData: {
			ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: 'ws://127.0.0.1/', messageTimeout: 30,
			securityProfile: 1, ocppInterface: 'Wired0' } }))?.status, 'Accepted');
		checkEq('request_stop', (await cmd('RequestStopTransaction', { transactionId: txId }))?.status, 'Accepted');
		check('remote_session_ended', await until(() => sqlValue(`SELECT stop_reason FROM transactions
			WHERE id = ${rowId}`) === 'Remote', 8000, 100), 'no Ended with Remote');
		checkEq('remote_session_row', sql(`SELECT protocol, id_tag, meter_stop > meter_start, seq_missing
			FROM transactions WHERE id = ${rowId}`)[0], ['ocpp2.0.1', TAG, '1', '0']);
		checkEq('stop_unknown', (await cmd('RequestStopTransaction', { transactionId: txId }))?.status, 'Rejected');
		checkEq('tx_status_ended', await cmd('GetTransactionStatus', { transactionId: txId }),
			{ ongoingIndicator: false, messagesInQueue: false });
		checkEq('availability', (await cmd('ChangeAvailability', { operationalStatus: 'Inoperative',
			evse: { id: 2 } }))?.status, 'Accepted');
		check('unavailable', await until(() => status(2) === 'Unavailable', 5000, 50), status(2));
		checkEq('clear_cache', (await cmd('ClearCache', {}))?.status, 'Accepted');
		checkEq('data_transfer_other', (await cmd('DataTransfer', { vendorId: 'com.example' }))?.status,
			'UnknownVendorId');
		checkEq('data_transfer_cpsim', await cmd('DataTransfer', { vendorId: 'cpsim', data: { n: 1 } }),
			{ status: 'Accepted', data: { n: 1 } });
		checkEq('reset', (await cmd('Reset', { type: 'Immediate' }))?.status, 'Accepted');
		check('rebooted', await until(() => sqlValue(`SELECT boot_reason FROM charge_points
			WHERE id = ${q(TWO)}`) === 'RemoteReset', 10000, 100), sim.stderr.slice(-400));
	});

	await test('cpsim201_clean_exit', async () => {
		sim.proc.kill('SIGINT');
		checkEq('exit_code', await sim.exited, 0);
		const summary = sim.stdout.trim().split('\n').pop() || '';
		check('no_callerrors', field(summary, 'errors') === '0' && / ok$/.test(summary), summary + sim.stderr.slice(-600));
	});
	// Load mode: the same closed loop, all 2.0.1, then a mixed fleet.
	const load = async (prefix, extra) => {
		const p = spawn(`${env.bin}/cpsim`, ['--load', '--json', '--cps', '40', '--rate', '0',
			'--seconds', '5', '--ramp', '1', ...extra, `${env.ocppUrl}/${prefix}`]);
		let out = '';
		p.stdout.on('data', (x) => { out += x; });
		p.stderr.on('data', () => {});
		procs.push(p);
		const rc = await new Promise((r) => p.on('exit', r));
		return { rc, j: JSON.parse(out || '{}') };
	};
	await test('cpsim201_load', async () => {
		const prefix = `L95A${process.pid % 10000}-`;
		const { rc, j } = await load(prefix, ['--ocpp', '2.0.1']);
		checkEq('load_exit', rc, 0);
		check('load_all_answered', j.held === 40 && j.sent > 400 && j.sent === j.answered &&
			j.callerrors === 0 && j.timeouts === 0 && j.protocol_errors === 0, JSON.stringify(j));
		const t = sql(`SELECT COUNT(*), SUM(protocol = 'ocpp2.0.1'), SUM(cp_tx_id IS NOT NULL),
			SUM(stop_ts IS NOT NULL AND meter_stop IS NULL), SUM(seq_missing > 0)
			FROM transactions WHERE cp_id LIKE ${q(prefix + '%')}`)[0].map(Number);
		check('load_sessions_201', t[0] > 0 && t[1] === t[0] && t[2] === t[0] && t[3] === 0 && t[4] === 0,
			JSON.stringify(t));
	});
	await test('cpsim201_load_mixed', async () => {
		const prefix = `L95B${process.pid % 10000}-`;
		const { rc, j } = await load(prefix, ['--ocpp201-share', '0.25']);
		checkEq('mixed_exit', rc, 0);
		check('mixed_all_answered', j.sent === j.answered && j.callerrors === 0, JSON.stringify(j));
		checkEq('mixed_protocols', sql(`SELECT protocol, COUNT(*) FROM charge_points
			WHERE id LIKE ${q(prefix + '%')} GROUP BY protocol ORDER BY protocol`),
		[['ocpp1.6', '30'], ['ocpp2.0.1', '10']]);
	});
} finally {
	for (const p of procs)
		if (p.exitCode === null)
			p.kill('SIGKILL');
}
done();
