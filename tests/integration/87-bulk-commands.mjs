#!/usr/bin/env node
// 87-bulk-commands.mjs — one command to every charge point of a site or a
// group, through the real stack (lighttpd → api → ocppd → charge points
// speaking ocpp-rpc in strict mode; docs/bulk-commands.md):
//  - a Reset to a site reaches each connected charge point, one at a time
//    (max_in_flight=1: never two without an answer, seconds apart), an
//    offline one is reported offline, the job ends done with every
//    charge point's answer in GET /bulk-jobs/{id};
//  - a TriggerMessage to a group;
//  - an UpdateFirmware rollout: each charger's FirmwareStatusNotification
//    shows as its progress; one failure over max_failures=0 pauses the
//    rollout before the next charger; resume finishes it;
//  - cancel: the charge points not reached yet are never sent to;
//  - bad input → a JSON error with the right status and parameter.
import {
	RPCClient, apiCall as call, check, checkEq, cpId, done, env, isoNow, ocppClient, sleep, test, until,
} from '../node/lib.mjs';

const enc = encodeURIComponent;
const ids = ['bulk_a', 'bulk_b', 'bulk_c'].map(cpId);
const OFF = cpId('bulk_z_offline');
const got = Object.fromEntries(ids.map((id) => [id, []])); // [action, ms]
let inFlight = 0, maxInFlight = 0;
// What each charge point reports after accepting UpdateFirmware.
const fwPlan = {
	[ids[0]]: ['Downloading', 'Downloaded', 'Installing', 'Installed'],
	[ids[1]]: ['Downloading', 'DownloadFailed'],
	[ids[2]]: ['Downloading', 'Downloaded', 'Installing', 'Installed'],
};

const clients = [];
for (const id of ids) {
	const cli = await ocppClient(id);
	await cli.call('BootNotification', { chargePointVendor: 'T87', chargePointModel: 'bulk' });
	const answer = (action, res) => async () => {
		got[id].push([action, Date.now()]);
		inFlight++;
		maxInFlight = Math.max(maxInFlight, inFlight);
		await sleep(300);
		inFlight--;
		return res;
	};
	cli.handle('Reset', answer('Reset', { status: 'Accepted' }));
	cli.handle('TriggerMessage', answer('TriggerMessage', { status: 'Accepted' }));
	cli.handle('ClearCache', answer('ClearCache', { status: 'Accepted' }));
	cli.handle('UpdateFirmware', async () => {
		got[id].push(['UpdateFirmware', Date.now()]);
		const plan = fwPlan[id]; // what this request will report
		setTimeout(async () => {
			for (const status of plan) {
				await cli.call('FirmwareStatusNotification', { status });
				await sleep(200);
			}
		}, 200);
		return {};
	});
	clients.push(cli);
}
// The offline one: registered by a first connection, then gone.
{
	const cli = await ocppClient(OFF);
	await cli.call('BootNotification', { chargePointVendor: 'T87', chargePointModel: 'bulk' });
	await cli.close();
}

const site = (await call('POST', '/sites', { name: `Bulk ${process.pid}` })).json?.id;
for (const id of [...ids, OFF]) await call('PUT', `/cps/${enc(id)}/site`, { site_id: site });
const group = (await call('POST', '/groups', { name: `Bulk group ${process.pid}` })).json?.id;
for (const id of ids.slice(0, 2)) await call('PUT', `/groups/${group}/members/${enc(id)}`);
await until(async () => (await call('GET', `/cps/${enc(OFF)}`)).json?.connected === false, 5000, 100);

const job = async (id) => (await call('GET', `/bulk-jobs/${id}`)).json;
const finished = (id, statuses = ['done']) =>
	until(async () => statuses.includes((await job(id))?.status) && job(id), 60000, 250);
const reset = () => { for (const id of ids) got[id].length = 0; maxInFlight = 0; };

await test('reset_to_a_site_paced', async () => {
	reset();
	const r = await call('POST', `/sites/${site}/commands/Reset?per_minute=60&max_in_flight=1`, { type: 'Soft' });
	checkEq('started_202', [r.status, r.json?.charge_points, r.json?.status], [202, 4, 'running']);
	check('poll_url', r.json?.poll === `/cgi-bin/api/bulk-jobs/${r.json?.id}`, r.text);
	const j = await finished(r.json?.id);
	check('job_done', j?.status === 'done', JSON.stringify(j));
	checkEq('counts', [j?.counts?.charge_points, j?.counts?.answered, j?.counts?.offline, j?.counts?.pending],
		[4, 3, 1, 0]);
	for (const id of ids) checkEq(`reached_${id}`, got[id].map((g) => g[0]), ['Reset']);
	checkEq('never_two_in_flight', maxInFlight, 1);
	const times = ids.map((id) => got[id][0]?.[1]).sort();
	check('seconds_apart', times[1] - times[0] >= 1000 && times[2] - times[1] >= 1000, JSON.stringify(times));
	const items = Object.fromEntries((j?.items || []).map((i) => [i.cp_id, i]));
	checkEq('item_answered', [items[ids[0]]?.status, items[ids[0]]?.result, items[ids[0]]?.answer?.status],
		['answered', 'Accepted', 'Accepted']);
	checkEq('offline_reported', items[OFF]?.status, 'offline');
	// Each command is in the charge point's history, naming the job.
	const c = await call('GET', `/commands/${enc(items[ids[1]]?.command_uid)}`);
	check('history_row', c.status === 200 && c.json?.command?.requested_by?.startsWith(`bulk:${j.id}:`), c.text);
	const l = await call('GET', '/bulk-jobs?status=done');
	check('listed', (l.json?.items || []).some((x) => x.id === j.id), l.text);
});

await test('trigger_message_to_a_group', async () => {
	reset();
	const r = await call('POST', `/groups/${group}/commands/TriggerMessage?per_minute=600&max_in_flight=10`,
		{ requestedMessage: 'Heartbeat' });
	checkEq('started_202', [r.status, r.json?.charge_points], [202, 2]);
	const j = await finished(r.json?.id);
	checkEq('answered', [j?.status, j?.counts?.answered], ['done', 2]);
	checkEq('members_only', ids.map((id) => got[id].length), [1, 1, 0]);
});

await test('firmware_rollout_progress_and_pause', async () => {
	reset();
	const r = await call('POST',
		`/sites/${site}/commands/UpdateFirmware?per_minute=60&max_in_flight=1&max_failures=0`,
		{ location: 'https://firmware.example/cp-2.1.bin', retrieveDate: isoNow() });
	checkEq('started_202', r.status, 202);
	const j = await finished(r.json?.id, ['paused', 'done']);
	const items = Object.fromEntries((j?.items || []).map((i) => [i.cp_id, i]));
	checkEq('installed', [items[ids[0]]?.status, items[ids[0]]?.firmware_status], ['installed', 'Installed']);
	checkEq('failed', [items[ids[1]]?.status, items[ids[1]]?.firmware_status, items[ids[1]]?.why],
		['failed', 'DownloadFailed', 'DownloadFailed']);
	checkEq('paused_on_failure', [j?.status, items[ids[2]]?.status], ['paused', 'pending']);
	check('reason', /1 charge points failed, more than 0/.test(j?.status_reason || ''), j?.status_reason);
	checkEq('third_not_sent', got[ids[2]].length, 0);
	const res = await call('POST', `/bulk-jobs/${j.id}/resume`);
	checkEq('resumed', [res.status, res.json?.status], [200, 'running']);
	const j2 = await finished(j.id);
	const items2 = Object.fromEntries((j2?.items || []).map((i) => [i.cp_id, i]));
	checkEq('rollout_done', [j2?.status, items2[ids[2]]?.status, j2?.counts?.installed, j2?.counts?.offline],
		['done', 'installed', 2, 1]);
	const again = await call('POST', `/bulk-jobs/${j.id}/resume`);
	checkEq('resume_done_409', [again.status, again.json?.error?.code], [409, 'in_use']);
});

await test('firmware_report_goes_to_the_newest_rollout', async () => {
	reset();
	const solo = (await call('POST', '/groups', { name: `Bulk solo ${process.pid}` })).json?.id;
	await call('PUT', `/groups/${solo}/members/${enc(ids[0])}`);
	const fw = { location: 'https://firmware.example/cp-2.2.bin', retrieveDate: isoNow() };
	const plan = fwPlan[ids[0]];
	fwPlan[ids[0]] = []; // accepts, then never reports
	const a = (await call('POST', `/groups/${solo}/commands/UpdateFirmware?per_minute=60`, fw)).json?.id;
	const answered = await until(async () => (await job(a))?.items?.[0]?.status === 'answered', 20000, 250);
	check('old_waits_answered', answered);
	fwPlan[ids[0]] = plan;
	const b = (await call('POST', `/groups/${solo}/commands/UpdateFirmware?per_minute=60`, fw)).json?.id;
	const jb = await finished(b);
	checkEq('new_installed', [jb?.status, jb?.items?.[0]?.status, jb?.items?.[0]?.firmware_status],
		['done', 'installed', 'Installed']);
	const ja = await job(a);
	checkEq('old_untouched', [ja?.status, ja?.items?.[0]?.status, ja?.items?.[0]?.firmware_status],
		['running', 'answered', null]);
	checkEq('old_cancelled', (await call('POST', `/bulk-jobs/${a}/cancel`)).json?.status, 'cancelled');
});

await test('cancel', async () => {
	reset();
	// One charge point a minute: the first goes at once, the rest wait.
	const r = await call('POST', `/sites/${site}/commands/ClearCache?per_minute=1`, {});
	checkEq('started_202', r.status, 202);
	await until(() => ids.some((id) => got[id].length), 10000, 100);
	const c = await call('POST', `/bulk-jobs/${r.json?.id}/cancel`);
	checkEq('cancelled', [c.status, c.json?.status], [200, 'cancelled']);
	await sleep(4500); // two more ticks: nothing more is sent
	const j = await job(r.json?.id);
	checkEq('only_first_sent', ids.map((id) => got[id].length), [1, 0, 0]);
	checkEq('counts', [j?.status, j?.counts?.cancelled, j?.counts?.answered], ['cancelled', 3, 1]);
	check('reason', /^cancelled by /.test(j?.status_reason || ''), j?.status_reason);
	const again = await call('POST', `/bulk-jobs/${r.json?.id}/cancel`);
	checkEq('cancel_again_ok', [again.status, again.json?.status], [200, 'cancelled']);
});

await test('bad_input_json_errors', async () => {
	const cases = [
		['POST', `/sites/${site}/commands/Reset`, { type: 'Bogus' }, 400, 'type'],
		['POST', `/sites/${site}/commands/Reset`, {}, 400, 'type'],
		['POST', `/sites/${site}/commands/RemoteStartTransaction`, { idTag: 'X' }, 400, 'action'],
		['POST', `/sites/${site}/commands/Reset?per_minute=0`, { type: 'Soft' }, 400, 'per_minute'],
		['POST', `/sites/${site}/commands/Reset?max_in_flight=x`, { type: 'Soft' }, 400, 'max_in_flight'],
		['POST', '/sites/abc/commands/Reset', { type: 'Soft' }, 400, 'site_id'],
		['POST', `/sites/${site}/commands/Bogus`, { type: 'Soft' }, 404, undefined, 'unknown_action'],
		['POST', '/sites/999999/commands/Reset', { type: 'Soft' }, 404, 'site_id', 'not_found'],
		['POST', '/groups/999999/commands/Reset', { type: 'Soft' }, 404, 'group_id', 'not_found'],
		['GET', '/bulk-jobs/abc', undefined, 400, 'job_id'],
		['GET', '/bulk-jobs/999999', undefined, 404, undefined, 'not_found'],
		['GET', '/bulk-jobs?status=bogus', undefined, 400, 'status'],
		['POST', '/bulk-jobs/999999/cancel', undefined, 404, undefined, 'not_found'],
		['POST', '/bulk-jobs/1/cancel', { why: 'x' }, 400, undefined, 'invalid_body'],
	];
	for (const [method, path, body, status, param, code] of cases) {
		const r = await call(method, path, body);
		const name = `${method}_${path}_${JSON.stringify(body)}`.replace(/[^\w]+/g, '_');
		check(name, r.status === status && r.json?.error && (!param || r.json.error.parameter === param)
			&& (!code || r.json.error.code === code), `${r.status} ${r.text.slice(0, 200)}`);
	}
	const before = (await call('GET', '/bulk-jobs?limit=500')).json?.count;
	await call('POST', `/sites/${site}/commands/Reset`, { type: 'Bogus' });
	checkEq('refused_records_nothing', (await call('GET', '/bulk-jobs?limit=500')).json?.count, before);
});

// A mixed fleet: a group of a 1.6 charge point and a 2.0.1 station.  A
// Reset goes to each in its own protocol's shape (1.6 Soft is 2.0.1's
// Immediate; OnIdle has no 1.6 counterpart and is that target's
// refusal); a 1.6-only name is the 2.0.1 target's cp_protocol refusal,
// recorded in the job; a per-session 2.0.1 action is refused as 1.6's.
await test('mixed_fleet_per_protocol', async () => {
	const V = cpId('bulk_v201');
	const st = new RPCClient({ endpoint: env.ocppUrl, identity: V, protocols: ['ocpp2.0.1'], strictMode: true,
		reconnect: false, callTimeoutMs: 10000 });
	await st.connect();
	await st.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'T87', model: 'bulk201' } });
	const seen = [];
	st.handle('Reset', ({ params }) => { seen.push(params); return { status: 'Accepted' }; });
	const got16 = [];
	clients[0].handle('Reset', ({ params }) => { got16.push(params); return { status: 'Accepted' }; });
	clients[0].handle('ChangeConfiguration', () => ({ status: 'Accepted' }));
	const mixed = (await call('POST', '/groups', { name: `Bulk mixed ${process.pid}` })).json?.id;
	for (const id of [ids[0], V]) await call('PUT', `/groups/${mixed}/members/${enc(id)}`);
	const items = async (r) => {
		const j = await finished(r.json?.id);
		check(`done_${r.json?.id}`, j?.status === 'done', JSON.stringify(j));
		return Object.fromEntries((j?.items || []).map((i) => [i.cp_id, i]));
	};
	const soft = await call('POST', `/groups/${mixed}/commands/Reset?per_minute=600&max_in_flight=10`, { type: 'Soft' });
	checkEq('soft_started', [soft.status, soft.json?.charge_points], [202, 2]);
	let it = await items(soft);
	checkEq('soft_answered_both', [it[ids[0]]?.status, it[V]?.status], ['answered', 'answered']);
	checkEq('soft_shapes', [got16, seen], [[{ type: 'Soft' }], [{ type: 'Immediate' }]]);
	const idle = await call('POST', `/groups/${mixed}/commands/Reset?per_minute=600&max_in_flight=10`, { type: 'OnIdle' });
	checkEq('onidle_started', idle.status, 202);
	it = await items(idle);
	checkEq('onidle_201_answered', [it[V]?.status, seen[1]], ['answered', { type: 'OnIdle' }]);
	check('onidle_16_refused', it[ids[0]]?.status === 'failed' && /^invalid_params/.test(it[ids[0]]?.why || ''),
		JSON.stringify(it[ids[0]]));
	checkEq('onidle_16_not_sent', got16.length, 1);
	const cc = await call('POST', `/groups/${mixed}/commands/ChangeConfiguration?per_minute=600&max_in_flight=10`,
		{ key: 'HeartbeatInterval', value: '300' });
	checkEq('cc_started', cc.status, 202);
	it = await items(cc);
	checkEq('cc_16_answered', it[ids[0]]?.status, 'answered');
	check('cc_201_cp_protocol', it[V]?.status === 'failed' && /^cp_protocol: .*OCPP 2\.0\.1/.test(it[V]?.why || ''),
		JSON.stringify(it[V]));
	const rs = await call('POST', `/groups/${mixed}/commands/RequestStartTransaction`,
		{ idToken: { idToken: 'X', type: 'Central' }, remoteStartId: 1 });
	checkEq('request_start_not_bulk', [rs.status, rs.json?.error?.parameter], [400, 'action']);
	await st.close();
});

for (const cli of clients) await cli.close();
done();
