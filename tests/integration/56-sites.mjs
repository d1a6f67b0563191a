#!/usr/bin/env node
// 56-sites.mjs — sites, groups and the charge point lifecycle through the
// real stack (lighttpd → api → ocppd's control socket → MariaDB;
// docs/sites.md):
//  - a site is created, read, listed with its totals (charge points,
//    online, charging, energy today), updated and, once empty, deleted; a
//    grid limit in kW is stored as amps per phase; a site with charge
//    points is refused (409 in_use);
//  - GET /cps?site= and ?group= filter; groups and memberships;
//  - bad input → a JSON error with the right status and the field named;
//  - retiring refuses the charge point at its next connection (HTTP 403,
//    a log line saying why; new credentials do not let it in), hides it
//    from /cps, keeps its history
//    readable; un-retiring lets it in again; delete only without
//    transactions; notes.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
	apiCall as call, check, checkEq, cpId, done, env, handshakeStatus, ocppClient, q, sql, sqlValue, test, until,
} from '../node/lib.mjs';

const A = cpId('site_a');
const B = cpId('site_b');
const E = cpId('site_empty');
const enc = encodeURIComponent;
const boot = (cli) => cli.call('BootNotification', { chargePointVendor: 'T56', chargePointModel: 'site' });
sql("INSERT IGNORE INTO users (id_tag) VALUES ('T56TAG')");
const ids = (l) => (l.json?.items || []).map((i) => i.id);

let site, site2, group;
const ctl = (...a) => {
	try {
		return { rc: 0, out: JSON.parse(execFileSync(path.join(env.bin, 'csmsctl'), a, { encoding: 'utf8' })) };
	} catch (e) {
		return { rc: e.status, out: JSON.parse(e.stdout || 'null') };
	}
};

await test('site_crud_and_grid_limit', async () => {
	const c = await call('POST', '/sites', {
		name: `Depot ${process.pid}`, address: '1 Harbour Road', latitude: 52.52, longitude: 13.405,
		time_zone: 'Europe/Berlin', grid_limit: 22, grid_limit_unit: 'kW', grid_phases: 3, grid_voltage: 230,
		notes: 'gate code 1234\nask the guard',
	});
	checkEq('created_201', c.status, 201);
	site = c.json?.id;
	// 22 kW on 3 × 230 V: 31.88 A per phase, stored rounded down.
	checkEq('kw_stored_as_amps', [c.json?.grid_limit_a, c.json?.grid_limit_kw, c.json?.grid_limit_unit],
		[31.8, 21.9, 'kW']);
	checkEq('fields', [c.json?.time_zone, c.json?.latitude, c.json?.notes],
		['Europe/Berlin', 52.52, 'gate code 1234\nask the guard']);
	const u = await call('PUT', `/sites/${site}`, { grid_limit: 32, grid_limit_unit: 'A' });
	checkEq('updated_amps', [u.status, u.json?.grid_limit_a, u.json?.grid_limit_kw, u.json?.name],
		[200, 32, 22, `Depot ${process.pid}`]);
	const d2 = await call('POST', '/sites', { name: `Yard ${process.pid}` });
	checkEq('defaults', [d2.status, d2.json?.time_zone, d2.json?.grid_limit_a, d2.json?.grid_phases],
		[201, 'UTC', null, 3]);
	site2 = d2.json?.id;
	const dup = await call('POST', '/sites', { name: `Yard ${process.pid}` });
	checkEq('duplicate_name_409', [dup.status, dup.json?.error?.code, dup.json?.error?.parameter],
		[409, 'exists', 'name']);
});

await test('bad_input_json_errors', async () => {
	const cases = [
		['POST', '/sites', {}, 400, 'name'],
		['POST', '/sites', { name: 'x', time_zone: 'Mars/Olympus' }, 400, 'time_zone'],
		['POST', '/sites', { name: 'x', time_zone: '../../etc/passwd' }, 400, 'time_zone'],
		['POST', '/sites', { name: 'x', latitude: 91, longitude: 0 }, 400, 'latitude'],
		['POST', '/sites', { name: 'x', latitude: 10 }, 400, 'longitude'],
		['POST', '/sites', { name: 'x', grid_limit: -5 }, 400, 'grid_limit'],
		['POST', '/sites', { name: 'x', grid_phases: 2 }, 400, 'grid_phases'],
		['POST', '/sites', { name: 'x', grid_limit_unit: 'MW', grid_limit: 1 }, 400, 'grid_limit_unit'],
		['POST', '/sites', { name: 'x', colour: 'red' }, 400, 'colour'],
		['PUT', `/sites/${site}`, {}, 400, undefined],
		['PUT', '/sites/abc', { name: 'y' }, 400, 'id'],
		['PUT', `/cps/${enc(A)}/site`, { site_id: 'one' }, 400, 'site_id'],
		['PUT', `/cps/${enc(A)}/retired`, { retired: 'yes' }, 400, 'retired'],
		['PUT', `/cps/${enc(A)}/notes`, { notes: 5 }, 400, 'notes'],
	];
	for (const [m, p, body, status, param] of cases) {
		const r = await call(m, p, body);
		const name = `${m}_${p}_${Object.keys(body).join('_') || 'empty'}`;
		checkEq(name, [r.status, typeof r.json?.error?.code, r.json?.error?.parameter], [status, 'string', param]);
	}
	const missing = await call('GET', '/sites/999999');
	checkEq('missing_site_404', [missing.status, missing.json?.error?.code], [404, 'not_found']);
	const mput = await call('PUT', '/sites/999999', { name: 'z' });
	checkEq('missing_site_put_404', mput.status, 404);
	const bl = await call('GET', '/sites?limit=0');
	checkEq('bad_limit_400', [bl.status, bl.json?.error?.parameter], [400, 'limit']);
	const bf = await call('GET', '/cps?site=x');
	checkEq('bad_site_filter_400', [bf.status, bf.json?.error?.parameter], [400, 'site']);
	const nocp = await call('PUT', '/cps/NO_SUCH_CP_56/site', { site_id: site });
	checkEq('unknown_cp_404', nocp.status, 404);
	const nosite = await call('PUT', `/cps/${enc(A)}/site`, { site_id: 999999 });
	checkEq('unknown_site_404', nosite.status, 404);
});

await test('assign_totals_filters_groups', async () => {
	// Two charge points on the site: A online and charging, B offline.
	const a = await ocppClient(A);
	await boot(a);
	await a.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
	const st = await a.call('StartTransaction', { connectorId: 1, idTag: 'T56TAG', meterStart: 1000, timestamp: new Date().toISOString() });
	await a.call('StopTransaction', { transactionId: st.transactionId, meterStop: 6500, timestamp: new Date().toISOString() });
	sql(`INSERT IGNORE INTO charge_points (id) VALUES (${q(B)}), (${q(E)})`);
	for (const id of [A, B]) {
		const r = await call('PUT', `/cps/${enc(id)}/site`, { site_id: site });
		checkEq(`assigned_${id}`, [r.status, r.json?.site_id], [200, site]);
	}
	const one = await call('GET', `/sites/${site}`);
	checkEq('site_totals', one.json?.totals, { charge_points: 2, online: 1, charging: 1, energy_today_kwh: 5.5 });
	const list = await call('GET', '/sites?limit=1');
	checkEq('sites_paged', [list.status, list.json?.count, typeof list.json?.next], [200, 1, 'number']);
	const next = await call('GET', `/sites?after=${list.json?.next}&limit=500`);
	check('sites_next_page', ids(next).includes(site2) || ids(list).includes(site2));
	const f = await call('GET', `/cps?site=${site}`);
	checkEq('cps_site_filter', ids(f).sort(), [A, B].sort());
	checkEq('cp_has_site', f.json?.items?.[0]?.site_id, site);

	const g = await call('POST', '/groups', { name: `Fast ${process.pid}`, description: 'DC units' });
	checkEq('group_201', g.status, 201);
	group = g.json?.id;
	const m = await call('PUT', `/groups/${group}/members/${enc(B)}`);
	checkEq('member_added', [m.status, m.json?.member], [200, true]);
	const m2 = await call('PUT', `/groups/${group}/members/${enc(E)}`);
	checkEq('member_added_e', m2.status, 200);
	const gf = await call('GET', `/cps?group=${group}`);
	checkEq('cps_group_filter', ids(gf).sort(), [B, E].sort());
	const gl = await call('GET', `/groups?cp_id=${enc(B)}`);
	checkEq('groups_of_cp', [gl.json?.count, gl.json?.items?.[0]?.charge_points], [1, 2]);
	const rm = await call('DELETE', `/groups/${group}/members/${enc(E)}`);
	checkEq('member_removed', [rm.status, rm.json?.member], [200, false]);
	const nog = await call('PUT', `/groups/999999/members/${enc(B)}`);
	checkEq('unknown_group_404', nog.status, 404);

	const busy = await call('DELETE', `/sites/${site}`);
	checkEq('delete_site_in_use_409', [busy.status, busy.json?.error?.code], [409, 'in_use']);
	await a.close();
});

await test('retire_refuses_then_unretire', async () => {
	const r = await call('PUT', `/cps/${enc(A)}/retired`, { retired: true });
	checkEq('retired', [r.status, r.json?.retired], [200, true]);
	checkEq('retired_row', sqlValue(`SELECT retired FROM charge_points WHERE id = ${q(A)}`), '1');
	const h = await handshakeStatus(`/${enc(A)}`, ['ocpp1.6']);
	checkEq('retired_refused_403', h.status, 403);
	// New credentials do not bring it back.
	checkEq('security_changed', ctl('cp_set_security', A, 'profile=0').rc, 0);
	checkEq('still_refused_403', (await handshakeStatus(`/${enc(A)}`, ['ocpp1.6'])).status, 403);
	const logFile = path.join(env.out, '..', 'log', 'ocppd.log');
	if (fs.existsSync(logFile))
		check('refusal_logged', await until(() => fs.readFileSync(logFile, 'utf8').includes('charge point retired'), 3000));
	const l = await call('GET', `/cps?site=${site}`);
	checkEq('hidden_from_list', ids(l), [B]);
	const lr = await call('GET', `/cps?site=${site}&retired=1`);
	checkEq('listed_when_asked', ids(lr), [A]);
	const one = await call('GET', `/cps/${enc(A)}`);
	checkEq('still_readable', [one.status, one.json?.retired], [200, true]);
	const tx = await call('GET', `/transactions?cp_id=${enc(A)}`);
	check('history_kept', tx.status === 200 && JSON.stringify(tx.json).includes(A));
	const del = await call('DELETE', `/cps/${enc(A)}`);
	checkEq('delete_with_tx_409', [del.status, del.json?.error?.code], [409, 'in_use']);
	const u = await call('PUT', `/cps/${enc(A)}/retired`, { retired: false });
	checkEq('unretired', [u.status, u.json?.retired], [200, false]);
	const cli = await ocppClient(A);
	checkEq('connects_again', (await boot(cli)).status, 'Accepted');
	await cli.close();
});

await test('csmsctl_ops', async () => {
	const add = ctl('site_add', `name=CLI ${process.pid}`, 'grid_limit=16', 'grid_phases=1');
	checkEq('cli_site_add', [add.rc, add.out?.grid_limit_a, add.out?.grid_phases], [0, 16, 1]);
	const bad = ctl('site_add', 'name=CLI bad', 'grid_voltage=1000');
	checkEq('cli_bad_voltage', [bad.rc, bad.out?.code, bad.out?.field], [1, 'invalid_params', 'grid_voltage']);
	const del = ctl('site_delete', `id=${add.out?.id}`);
	checkEq('cli_site_delete', [del.rc, del.out?.deleted], [0, true]);
});

await test('notes_delete_cleanup', async () => {
	const n = await call('PUT', `/cps/${enc(B)}/notes`, { notes: 'behind the shop\nkey at desk' });
	checkEq('notes_set', [n.status, n.json?.notes], [200, 'behind the shop\nkey at desk']);
	checkEq('notes_read', (await call('GET', `/cps/${enc(B)}`)).json?.notes, 'behind the shop\nkey at desk');
	const d = await call('DELETE', `/cps/${enc(E)}`);
	checkEq('deleted_no_tx', [d.status, d.json?.deleted], [200, true]);
	checkEq('gone', (await call('GET', `/cps/${enc(E)}`)).status, 404);
	for (const id of [A, B]) await call('PUT', `/cps/${enc(id)}/site`, { site_id: null });
	const ds = await call('DELETE', `/sites/${site}`);
	checkEq('delete_empty_site', [ds.status, ds.json?.deleted], [200, true]);
	checkEq('site_gone_404', (await call('GET', `/sites/${site}`)).status, 404);
	const dg = await call('DELETE', `/groups/${group}`);
	checkEq('group_deleted', dg.status, 200);
	await call('DELETE', `/sites/${site2}`);
});
done();
