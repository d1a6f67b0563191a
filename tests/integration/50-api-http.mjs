#!/usr/bin/env node
// 50-api-http.mjs — the REST API through the real lighttpd and its
// FastCGI processes: every endpoint and filter, every error case, the
// JSON shapes (validated against the API's own OpenAPI schemas with ajv,
// and field by field against the database), pagination across page
// boundaries with exact counts, and the CSV export.
import { createRequire } from 'node:module';
import {
	check, checkEq, done, env, fail, pass, q, sql, sqlValue, test,
} from '../node/lib.mjs';

const require = createRequire(import.meta.url);
const Ajv = require('../node/node_modules/ajv');
const addFormats = require('../node/node_modules/ajv-formats');

const API = `${env.httpUrl}/cgi-bin/api`;
const ISO_MS_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

// ---------------------------------------------------------------- fixtures
// Names unique to this run; ids with '_' check that q= is a prefix, not a
// LIKE pattern.
const P = `A5${process.pid % 100000}`;
const CP1 = `${P}_one`, CP2 = `${P}_two`, CPU = `${P}Ünï"<&>`;
const TAG1 = `${P}-T1`, TAG2 = `${P}-T2`, FORMULA = '=SUM(1)+1';
const VENDOR = 'Q"u\\b\n</script>';
const BASE = Date.parse('2024-03-01T00:00:00.123Z');
const N_DONE = 45;
const iso = (ms) => new Date(ms).toISOString();
const dbTime = (ms) => iso(ms).replace('T', ' ').replace('Z', '');
const whOf = (i) => 1250 + 1000 * i;

sql(`INSERT INTO charge_points (id, vendor, model, firmware_version, connected, last_heartbeat, total_kwh) VALUES
	(${q(CP1)}, ${q(VENDOR)}, 'M1', '1.0', 1, '2024-03-02 10:00:00.500', 123.456),
	(${q(CP2)}, NULL, NULL, NULL, 0, NULL, 0),
	(${q(CPU)}, 'Vendor ⚡', 'Ünïcödé', NULL, 0, NULL, 1.5)`);
sql(`INSERT INTO connectors (cp_id, connector_id, status, error_code, last_update) VALUES
	(${q(CP1)}, 0, 'Available', 'NoError', '2024-03-02 09:00:00.000'),
	(${q(CP1)}, 1, 'Charging', 'NoError', '2024-03-02 09:00:01.000'),
	(${q(CP1)}, 2, 'Faulted', 'GroundFailure', '2024-03-02 09:00:02.000')`);
sql(`INSERT INTO users (id_tag, name, status, expiry_date, parent_id_tag) VALUES
	(${q(TAG1)}, 'Driver Ü', 'Accepted', '2030-01-01 00:00:00.000', NULL),
	(${q(TAG2)}, NULL, 'Blocked', NULL, ${q(TAG1)})`);
{
	const rows = [];
	for (let i = 0; i < N_DONE; i++) {
		const start = BASE + i * 3600000;
		rows.push(`(${q(CP1)}, ${1 + (i % 2)}, ${q(i % 2 ? TAG2 : TAG1)}, ${10000 * i},
			${10000 * i + whOf(i)}, '${dbTime(start)}', '${dbTime(start + (10 + i) * 60000)}', 'Local')`);
	}
	// The running one, newest of CP1.
	rows.push(`(${q(CP1)}, 1, ${q(TAG1)}, 999000, NULL, '${dbTime(BASE + 46 * 3600000)}', NULL, NULL)`);
	rows.push(`(${q(CP2)}, 1, ${q(FORMULA)}, 0, 500, '2024-04-01 00:00:00.000', '2024-04-01 01:00:00.000', 'EVDisconnected')`);
	// A meter that went backwards (replaced meter): no energy, no cost.
	rows.push(`(${q(CP2)}, 2, ${q(TAG2)}, 9000, 100, '2024-04-02 00:00:00.000', '2024-04-02 01:00:00.000', 'Other')`);
	sql(`INSERT INTO transactions (cp_id, connector_id, id_tag, meter_start, meter_stop, start_ts, stop_ts, stop_reason)
		VALUES ${rows.join(',')}`);
}
const txIds = (where) => sql(`SELECT id FROM transactions WHERE ${where} ORDER BY start_ts DESC, id DESC`).map((r) => Number(r[0]));
const cp1Ids = txIds(`cp_id = ${q(CP1)}`);
const activeId = cp1Ids[0];
const firstId = cp1Ids[cp1Ids.length - 1]; // i = 0
sql(`INSERT INTO meter_values (cp_id, connector_id, transaction_id, ts, measurand, value, value_num, unit, context) VALUES
	(${q(CP1)}, 1, ${firstId}, '${dbTime(BASE + 120000)}', 'Energy.Active.Import.Register', '500', 500, 'Wh', 'Sample.Periodic'),
	(${q(CP1)}, 1, ${firstId}, '${dbTime(BASE + 60000)}', 'Energy.Active.Import.Register', '0.25', 250, 'kWh', 'Sample.Periodic'),
	(${q(CP1)}, 1, ${firstId}, '${dbTime(BASE + 180000)}', 'SoC', 'signed:abc', NULL, 'Percent', NULL)`);

// ------------------------------------------------------------------ helpers
async function get(path, opts = {}) {
	const r = await fetch(API + path, { redirect: 'manual', ...opts });
	const text = await r.text();
	let json;
	try { json = JSON.parse(text); } catch { json = undefined; }
	return { status: r.status, headers: r.headers, text, json };
}

function expect(cond, why) {
	if (!cond) throw new Error(typeof why === 'function' ? why() : why);
}

const spec = (await get('/openapi.json')).json;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, 'openapi.json');
const validators = {};
function validate(schemaName, value) {
	validators[schemaName] ||= ajv.compile({ $ref: `openapi.json#/components/schemas/${schemaName}` });
	const ok = validators[schemaName](value);
	expect(ok, () => `${schemaName}: ${ajv.errorsText(validators[schemaName].errors)}`);
}

// A JSON answer with status and the headers every JSON answer carries.
async function getJson(path, status = 200, schema) {
	const r = await get(path);
	expect(r.status === status, () => `${path}: status ${r.status}, expected ${status}: ${r.text.slice(0, 300)}`);
	expect(r.headers.get('content-type') === 'application/json; charset=utf-8',
		() => `${path}: content-type ${r.headers.get('content-type')}`);
	expect(r.json !== undefined, () => `${path}: not JSON: ${r.text.slice(0, 200)}`);
	expect(r.headers.get('x-content-type-options')?.includes('nosniff'), `${path}: no nosniff`);
	expect(r.headers.get('cache-control') === 'no-store', () => `${path}: cache-control ${r.headers.get('cache-control')}`);
	if (schema) validate(schema, r.json);
	return r.json;
}

async function expectError(path, status, code, param) {
	const body = await getJson(path, status, 'Error');
	expect(body.error.code === code, () => `${path}: code ${body.error.code}, expected ${code}`);
	if (param) {
		expect(body.error.parameter === param, () => `${path}: parameter ${body.error.parameter}, expected ${param}`);
		expect(body.error.message.includes(param), () => `${path}: message does not name ${param}: ${body.error.message}`);
	}
}

// All pages of a listing, with the page fields checked on the way.
async function allPages(query, perPage) {
	const ids = [];
	let total, pages;
	for (let page = 1; ; page++) {
		const b = await getJson(`/transactions?${query}&per_page=${perPage}&page=${page}`, 200, 'TransactionPage');
		expect(b.page === page && b.per_page === perPage, `page fields ${b.page}/${b.per_page}`);
		total ??= b.total;
		pages ??= b.pages;
		expect(b.total === total && b.pages === pages, 'total changed between pages');
		expect(pages === Math.ceil(total / perPage), `pages ${pages} for total ${total}`);
		if (page > pages) {
			expect(b.items.length === 0, `page ${page} past the end has ${b.items.length} items`);
			break;
		}
		const want = page < pages ? perPage : total - perPage * (pages - 1);
		expect(b.items.length === want, `page ${page}: ${b.items.length} items, expected ${want}`);
		ids.push(...b.items.map((t) => t.id));
	}
	return { ids, total };
}

// RFC 4180.
function parseCsv(text) {
	const rows = [];
	let row = [], field = '', i = 0, quoted = false;
	while (i < text.length) {
		const c = text[i];
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
			if (c === '"') { quoted = false; i++; continue; }
			field += c; i++; continue;
		}
		if (c === '"') { quoted = true; i++; continue; }
		if (c === ',') { row.push(field); field = ''; i++; continue; }
		if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; continue; }
		field += c; i++;
	}
	if (field || row.length) { row.push(field); rows.push(row); }
	return rows;
}

// ------------------------------------------------------------ charge points
await test('cps_list_shape_sorted_complete', async () => {
	// One page of the most the API gives (the default is 100).
	const b = await getJson('/cps?limit=1000', 200, 'ChargePointList');
	const want = sql('SELECT id FROM charge_points ORDER BY id LIMIT 1000').map((r) => r[0]);
	checkEq('cps_list_ids_in_id_order', b.items.map((c) => c.id), want);
	expect(b.count === want.length, `count ${b.count}`);
	const one = b.items.find((c) => c.id === CP1);
	expect(one && one.vendor === VENDOR, () => `vendor round trip: ${JSON.stringify(one?.vendor)}`);
	expect(one.connected === true && one.total_kwh === 123.456, 'connected / total_kwh');
	expect(one.last_heartbeat === '2024-03-02T10:00:00.500Z', `last_heartbeat ${one.last_heartbeat}`);
	const u = b.items.find((c) => c.id === CPU);
	expect(u && u.vendor === 'Vendor ⚡' && u.model === 'Ünïcödé', 'UTF-8 round trip');
	const two = b.items.find((c) => c.id === CP2);
	expect(two.vendor === null && two.last_heartbeat === null && two.connectors.length === 0, 'nulls and no connectors');
});

await test('cps_filter_connected', async () => {
	for (const v of ['1', '0']) {
		const b = await getJson(`/cps?connected=${v}&limit=1000`, 200, 'ChargePointList');
		const want = sql(`SELECT id FROM charge_points WHERE connected = ${v} ORDER BY id LIMIT 1000`).map((r) => r[0]);
		expect(JSON.stringify(b.items.map((c) => c.id)) === JSON.stringify(want), `connected=${v}: wrong set`);
		expect(b.items.every((c) => c.connected === (v === '1')), `connected=${v}: flag`);
	}
});

await test('cps_filter_q_is_a_literal_prefix', async () => {
	let b = await getJson(`/cps?q=${encodeURIComponent(P)}`, 200, 'ChargePointList');
	checkEq('cps_q_prefix', b.items.map((c) => c.id), [CP1, CP2, CPU].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
	b = await getJson(`/cps?q=${encodeURIComponent(P + '_')}`, 200);
	checkEq('cps_q_underscore_literal', b.items.map((c) => c.id), [CP1, CP2]);
	b = await getJson(`/cps?q=${encodeURIComponent(P + '%')}`, 200);
	checkEq('cps_q_percent_literal', b.items.length, 0);
	b = await getJson(`/cps?q=${encodeURIComponent(P)}&connected=1`, 200);
	checkEq('cps_q_and_connected', b.items.map((c) => c.id), [CP1]);
});

await test('cps_one_with_connectors_and_active_transaction', async () => {
	const cp = await getJson(`/cps/${encodeURIComponent(CP1)}`, 200, 'ChargePoint');
	checkEq('cp_connectors', cp.connectors.map((c) => [c.connector_id, c.status, c.error_code, c.last_update]), [
		[0, 'Available', 'NoError', '2024-03-02T09:00:00.000Z'],
		[1, 'Charging', 'NoError', '2024-03-02T09:00:01.000Z'],
		[2, 'Faulted', 'GroundFailure', '2024-03-02T09:00:02.000Z']]);
	checkEq('cp_active_transaction', cp.connectors.map((c) => c.active_transaction), [null, {
		id: activeId, id_tag: TAG1, meter_start: 999000, start_ts: iso(BASE + 46 * 3600000),
	}, null]);
	const u = await getJson(`/cps/${encodeURIComponent(CPU)}`, 200, 'ChargePoint');
	expect(u.id === CPU, 'percent-encoded UTF-8 id');
});

await test('connectors_of_one_cp', async () => {
	const b = await getJson(`/connectors/${encodeURIComponent(CP1)}`, 200, 'ConnectorList');
	const cp = await getJson(`/cps/${encodeURIComponent(CP1)}`);
	expect(b.cp_id === CP1, 'cp_id');
	checkEq('connectors_same_as_cp', b.connectors, cp.connectors);
	const empty = await getJson(`/connectors/${encodeURIComponent(CP2)}`, 200, 'ConnectorList');
	checkEq('connectors_none', empty.connectors, []);
});

await test('unknown_cp_404', async () => {
	await expectError('/cps/NO_SUCH_CP_X', 404, 'not_found');
	await expectError('/connectors/NO_SUCH_CP_X', 404, 'not_found');
	await expectError('/cps/a/b', 404, 'not_found');
});

// ------------------------------------------------------------- transactions
await test('transactions_item_fields', async () => {
	const b = await getJson(`/transactions?cp_id=${encodeURIComponent(CP1)}&per_page=500`, 200, 'TransactionPage');
	const byId = new Map(b.items.map((t) => [t.id, t]));
	const first = byId.get(firstId);
	checkEq('tx_completed_fields', first, {
		id: firstId, cp_id: CP1, connector_id: 1, id_tag: TAG1, status: 'completed',
		meter_start: 0, meter_stop: 1250, energy_kwh: 1.25,
		cost: 0.38, // 1.25 kWh x 0.30 = 0.375, half up
		currency: 'EUR', cost_breakdown: null, start_ts: iso(BASE), stop_ts: iso(BASE + 600000),
		duration_s: 600, stop_reason: 'Local',
	});
	const t7 = byId.get(cp1Ids[cp1Ids.length - 8]); // i = 7: 8250 Wh
	expect(t7.energy_kwh === 8.25 && t7.cost === 2.48, () => `i=7: ${t7.energy_kwh} kWh, cost ${t7.cost}`);
	const back = (await getJson(`/transactions?cp_id=${encodeURIComponent(CP2)}&id_tag=${encodeURIComponent(TAG2)}`)).items;
	checkEq('tx_meter_backwards_no_energy', back.map((t) => [t.meter_start, t.meter_stop, t.energy_kwh, t.cost]), [[9000, 100, 0, 0]]);
	const act = byId.get(activeId);
	expect(act.status === 'active' && act.meter_stop === null && act.energy_kwh === null &&
		act.cost === null && act.stop_ts === null, 'active: nulls');
	const running = Math.floor((Date.now() - (BASE + 46 * 3600000)) / 1000);
	expect(Math.abs(act.duration_s - running) < 60, `active duration_s ${act.duration_s}, about ${running}`);
	expect(b.items.every((t) => ISO_MS_Z.test(t.start_ts)), 'start_ts format');
});

await test('transactions_pagination_exact_across_pages', async () => {
	const cp = `cp_id=${encodeURIComponent(CP1)}`;
	for (const per of [20, 7, 1, 46, 500]) {
		const { ids, total } = await allPages(cp, per);
		expect(total === 46, `per_page=${per}: total ${total}`);
		expect(JSON.stringify(ids) === JSON.stringify(cp1Ids), `per_page=${per}: ids differ from newest-first order`);
	}
	const b = await getJson(`/transactions?${cp}&page=4`, 200, 'TransactionPage');
	expect(b.items.length === 0 && b.total === 46 && b.pages === 3, 'page past the end: empty, 200');
	const d = await getJson(`/transactions?${cp}`, 200);
	expect(d.page === 1 && d.per_page === 20 && d.items.length === 20, 'defaults page=1 per_page=20');
});

await test('transactions_unfiltered_first_middle_last', async () => {
	const total = Number(sqlValue('SELECT COUNT(*) FROM transactions'));
	const per = 5;
	const pages = Math.ceil(total / per);
	for (const page of [1, Math.ceil(pages / 2), pages - 1, pages]) {
		if (page < 1) continue;
		const b = await getJson(`/transactions?per_page=${per}&page=${page}`, 200, 'TransactionPage');
		const want = sql(`SELECT id FROM transactions ORDER BY start_ts DESC, id DESC LIMIT ${per} OFFSET ${(page - 1) * per}`)
			.map((r) => Number(r[0]));
		expect(b.total === total && b.pages === pages, `total ${b.total}/${total}`);
		expect(JSON.stringify(b.items.map((t) => t.id)) === JSON.stringify(want), `page ${page}: wrong ids`);
	}
});

await test('transactions_filter_id_tag_case_insensitive', async () => {
	const b = await allPages(`id_tag=${encodeURIComponent(TAG2.toLowerCase())}`, 10);
	expect(JSON.stringify(b.ids) === JSON.stringify(txIds(`id_tag = ${q(TAG2)}`)), 'id_tag ids');
	expect(b.total === 23, `id_tag total ${b.total}`); // 22 on CP1, 1 on CP2
});

await test('transactions_filter_status', async () => {
	let b = await allPages(`cp_id=${encodeURIComponent(CP1)}&status=active`, 20);
	checkEq('status_active_cp', b.ids, [activeId]);
	b = await allPages(`cp_id=${encodeURIComponent(CP1)}&status=completed`, 20);
	checkEq('status_completed_cp', b.ids, cp1Ids.slice(1));
	// Without cp_id the open transactions come from the loose index scan,
	// and "completed" is everything else: both against plain SQL.
	b = await allPages('status=active', 50);
	checkEq('status_active_all', b.ids, txIds('stop_ts IS NULL'));
	const done = await getJson('/transactions?status=completed&per_page=30', 200, 'TransactionPage');
	const want = Number(sqlValue('SELECT COUNT(*) FROM transactions WHERE stop_ts IS NOT NULL'));
	expect(done.total === want, `completed total ${done.total}, expected ${want}`);
	checkEq('status_completed_all_first_page', done.items.map((t) => t.id), txIds('stop_ts IS NOT NULL').slice(0, 30));
	const last = await getJson(`/transactions?status=completed&per_page=30&page=${done.pages}`, 200);
	checkEq('status_completed_all_last_page', last.items.map((t) => t.id),
		txIds('stop_ts IS NOT NULL').slice(30 * (done.pages - 1)));
	b = await allPages(`id_tag=${encodeURIComponent(TAG1)}&status=active`, 20);
	checkEq('status_active_with_tag', b.ids, [activeId]);
});

await test('transactions_filter_from_to', async () => {
	const cp = `cp_id=${encodeURIComponent(CP1)}`;
	const at = (i) => iso(BASE + i * 3600000);
	const idsOf = (is) => is.map((i) => cp1Ids[cp1Ids.length - 1 - i]);
	// Both bounds inclusive, to the millisecond.
	let b = await allPages(`${cp}&from=${at(5)}&to=${at(9)}`, 20);
	checkEq('from_to_inclusive', b.ids, idsOf([9, 8, 7, 6, 5]));
	b = await allPages(`${cp}&from=${iso(BASE + 5 * 3600000 + 1)}&to=${iso(BASE + 9 * 3600000 - 1)}`, 20);
	checkEq('from_to_exclusive_by_a_millisecond', b.ids, idsOf([8, 7, 6]));
	// A date is the whole UTC day.
	b = await allPages(`${cp}&from=2024-03-01&to=2024-03-01`, 20);
	checkEq('date_only_whole_day', b.total, 24);
	b = await allPages(`${cp}&from=2024-03-02`, 50);
	checkEq('from_date_only', b.total, 22);
	b = await allPages(`${cp}&to=2024-03-01T02:00:00.123Z`, 50);
	checkEq('to_only', b.ids, idsOf([2, 1, 0]));
	// An offset: %2B, and a raw '+' that the query string turned into a space.
	b = await allPages(`${cp}&from=2024-03-01T06:00:00.123%2B01:00&to=2024-03-01T07:00:00.123+01:00`, 20);
	checkEq('offsets', b.ids, idsOf([6, 5]));
	b = await allPages(`${cp}&id_tag=${encodeURIComponent(TAG1)}&from=2024-03-01&to=2024-03-01&status=completed`, 5);
	checkEq('all_filters_together', b.total, 12);
});

await test('transactions_bad_parameters_400', async () => {
	const cases = [
		['page=0', 'page'], ['page=-1', 'page'], ['page=1.5', 'page'], ['page=abc', 'page'],
		['page=1e3', 'page'], ['page=%201', 'page'], ['page=99999999999999999999', 'page'],
		// One spelling per number, as the dashboard reads it too.
		['page=01', 'page'], ['per_page=020', 'per_page'],
		// Filters are text: no broken UTF-8 (control characters: test_param.c;
		// lighttpd refuses them in a URL before the API sees them).
		['cp_id=a%C3%28', 'cp_id'], ['id_tag=%C3', 'id_tag'],
		['per_page=abc', 'per_page'], ['per_page=100000', 'per_page'], ['per_page=0', 'per_page'],
		['per_page=501', 'per_page'], ['status=open', 'status'], ['status=ACTIVE', 'status'],
		['from=yesterday', 'from'], ['to=2024-13-01', 'to'], ['from=2024-02-30', 'from'],
		['from=2024-03-02&to=2024-03-01', 'from'],
		[`cp_id=${'x'.repeat(51)}`, 'cp_id'], [`id_tag=${'x'.repeat(21)}`, 'id_tag'],
	];
	for (const [query, param] of cases) {
		await expectError(`/transactions?${query}`, 400, 'invalid_parameter', param);
		// The export has the filters, not the paging.
		if (!query.startsWith('page') && !query.startsWith('per_page'))
			await expectError(`/transactions.csv?${query}`, 400, 'invalid_parameter', param);
	}
	await expectError('/cps?connected=yes', 400, 'invalid_parameter', 'connected');
	await expectError(`/cps?q=${'x'.repeat(51)}`, 400, 'invalid_parameter', 'q');
	await expectError(`/transactions?${Array.from({ length: 70 }, (_, i) => `p${i}=1`).join('&')}`, 400, 'invalid_parameter');
	// Empty values are absent (HTML forms send them).
	const b = await getJson(`/transactions?cp_id=${encodeURIComponent(CP1)}&page=&per_page=&status=&from=&to=&id_tag=`, 200);
	expect(b.total === 46 && b.page === 1, 'empty values ignored');
});

await test('transaction_detail_with_meter_values', async () => {
	const t = await getJson(`/transactions/${firstId}`, 200, 'TransactionDetail');
	expect(t.id === firstId && t.energy_kwh === 1.25 && t.start_status === 'Accepted', 'detail fields');
	expect(t.reservation_id === null && t.anomaly === null && t.stop_id_tag === null, 'detail nulls');
	checkEq('meter_values_in_time_order', t.meter_values.map((m) => [m.ts, m.measurand, m.value, m.value_num, m.unit]), [
		[iso(BASE + 60000), 'Energy.Active.Import.Register', '0.25', 250, 'kWh'],
		[iso(BASE + 120000), 'Energy.Active.Import.Register', '500', 500, 'Wh'],
		[iso(BASE + 180000), 'SoC', 'signed:abc', null, 'Percent']]);
	const a = await getJson(`/transactions/${activeId}`, 200, 'TransactionDetail');
	expect(a.status === 'active' && a.meter_values.length === 0, 'active detail');
	await expectError('/transactions/2147483647', 404, 'not_found');
	await expectError('/transactions/abc', 400, 'invalid_parameter', 'id');
	await expectError('/transactions/0', 400, 'invalid_parameter', 'id');
	await expectError('/transactions/1.5', 400, 'invalid_parameter', 'id');
});

await test('transactions_csv', async () => {
	const r = await get(`/transactions.csv?cp_id=${encodeURIComponent(CP1)}`);
	expect(r.status === 200, `status ${r.status}`);
	expect(r.headers.get('content-type') === 'text/csv; charset=utf-8', `content-type ${r.headers.get('content-type')}`);
	expect(/^attachment;\s*filename="transactions\.csv"$/.test(r.headers.get('content-disposition') || ''), 'content-disposition');
	const rows = parseCsv(r.text);
	checkEq('csv_header', rows[0], ['id', 'cp_id', 'connector_id', 'id_tag', 'status', 'start_ts', 'stop_ts',
		'duration_s', 'meter_start', 'meter_stop', 'energy_kwh', 'cost', 'currency', 'stop_reason',
		'cost_net', 'cost_vat', 'cost_gross', 'cost_energy', 'cost_time', 'cost_idle', 'cost_fee', 'cost_adjustment',
		'vat_rate', 'cost_currency', 'tariff_version_id']);
	checkEq('csv_row_count', rows.length - 1, 46);
	checkEq('csv_order', rows.slice(1).map((row) => Number(row[0])), cp1Ids);
	const first = rows.find((row) => Number(row[0]) === firstId);
	checkEq('csv_completed_row', first, [String(firstId), CP1, '1', TAG1, 'completed', iso(BASE), iso(BASE + 600000),
		'600', '0', '1250', '1.250', '0.38', 'EUR', 'Local', ...Array(10).fill('')]);
	const act = rows[1];
	checkEq('csv_active_row_blanks', [act[4], act[6], act[9], act[10], act[11]], ['active', '', '', '', '']);
	// Filters as in JSON, and text a spreadsheet would run stays text.
	const f = parseCsv((await get(`/transactions.csv?cp_id=${encodeURIComponent(CP2)}`)).text);
	checkEq('csv_formula_guard', f[2][3], `'${FORMULA}`);
	checkEq('csv_meter_backwards', f[1].slice(8, 12), ['9000', '100', '0.000', '0.00']);
	const s = parseCsv((await get(`/transactions.csv?cp_id=${encodeURIComponent(CP1)}&status=active`)).text);
	checkEq('csv_filter_status', s.length - 1, 1);
	const all = parseCsv((await get('/transactions.csv')).text);
	checkEq('csv_unfiltered_row_count', all.length - 1, Number(sqlValue('SELECT COUNT(*) FROM transactions')));
});

// -------------------------------------------------------- users, stats, more
await test('users', async () => {
	const b = await getJson('/users', 200, 'UserList');
	const want = sql('SELECT id_tag FROM users ORDER BY id_tag').map((r) => r[0]);
	checkEq('users_in_order', b.items.map((u) => u.id_tag), want);
	expect(b.count === want.length, 'users count');
	checkEq('user_fields', b.items.filter((u) => u.id_tag.startsWith(P)), [
		{ id_tag: TAG1, name: 'Driver Ü', status: 'Accepted', effective_status: 'Accepted', status_reason: null,
			expiry_date: '2030-01-01T00:00:00.000Z', parent_id_tag: null, max_concurrent_tx: null },
		{ id_tag: TAG2, name: null, status: 'Blocked', effective_status: 'Blocked', status_reason: null,
			expiry_date: null, parent_id_tag: TAG1, max_concurrent_tx: null }]);
});

await test('stats', async () => {
	const s = await getJson('/stats', 200, 'Stats');
	const [cps, conn] = sql('SELECT COUNT(*), SUM(connected) FROM charge_points')[0].map(Number);
	expect(s.charge_points.total === cps && s.charge_points.connected === conn, 'charge point totals');
	expect(s.transactions.active === Number(sqlValue('SELECT COUNT(*) FROM transactions WHERE stop_ts IS NULL')), 'active');
	// counters.h: physical connectors; by status only of connected ones.
	expect(s.connectors.total === Number(sqlValue('SELECT COUNT(*) FROM connectors WHERE connector_id > 0')), 'connectors total');
	expect(s.connectors.by_status.Faulted === Number(sqlValue(`SELECT COUNT(*) FROM connectors c
		JOIN charge_points cp ON cp.id = c.cp_id WHERE c.status = 'Faulted' AND c.connector_id > 0
		AND cp.connected = 1`)), 'by_status');
	expect(Object.keys(s.connectors.by_status).length === 11, 'every status listed (2.0.1 added Occupied)');
	expect(s.currency === 'EUR' && s.price_per_kwh === 0.3, 'tariff');
	const today = new Date().toISOString().slice(0, 10);
	expect(s.today.since === `${today}T00:00:00.000Z` && s.month.since === `${today.slice(0, 8)}01T00:00:00.000Z`, 'periods');
	const [n, wh] = sql(`SELECT COUNT(*), COALESCE(SUM(GREATEST(meter_stop - meter_start, 0)), 0) FROM transactions
		WHERE start_ts >= UTC_DATE()`)[0].map(Number);
	expect(s.today.transactions === n && s.today.energy_kwh === wh / 1000, `today ${s.today.transactions}/${n}`);
});

await test('metrics_prometheus_text', async () => {
	const r = await get('/metrics');
	expect(r.status === 200, `status ${r.status}`);
	expect(r.headers.get('content-type')?.startsWith('text/plain; version=0.0.4'), `content-type ${r.headers.get('content-type')}`);
	const lines = r.text.trim().split('\n');
	const samples = new Map();
	for (const l of lines) {
		if (l.startsWith('#')) {
			expect(/^# (HELP|TYPE) csms_[a-z_]+ .+$/.test(l), `bad comment line: ${l}`);
			continue;
		}
		const m = /^(csms_[a-z_]+(?:\{[^}]*\})?) (-?[0-9.]+)$/.exec(l);
		expect(m, `bad sample line: ${l}`);
		samples.set(m[1], Number(m[2]));
	}
	const types = {
		csms_charge_points_total: 'gauge', csms_charge_points_connected: 'gauge', csms_connectors: 'gauge',
		csms_transactions_active: 'gauge', csms_energy_kwh_total: 'counter',
	};
	for (const [name, type] of Object.entries(types))
		expect(lines.includes(`# TYPE ${name} ${type}`), `TYPE of ${name}`);
	expect(samples.get('csms_charge_points_total') === Number(sqlValue('SELECT COUNT(*) FROM charge_points')), 'cp total');
	expect(samples.get('csms_connectors{status="Faulted"}') === Number(sqlValue("SELECT COUNT(*) FROM connectors WHERE status = 'Faulted'")), 'connector gauge');
	expect(samples.get('csms_transactions_active') === Number(sqlValue('SELECT COUNT(*) FROM transactions WHERE stop_ts IS NULL')), 'active');
});

await test('health', async () => {
	const h = await getJson('/health', 200, 'Health');
	checkEq('health_body', [h.status, h.database, h.ocppd], ['ok', 'ok', 'ok']);
	expect(/^\d+\.\d+\.\d+/.test(h.version), `version ${h.version}`);
});

await test('index_and_docs', async () => {
	const i = await getJson('/', 200, 'Index');
	expect(i.openapi === '/cgi-bin/api/openapi.json' && i.docs === '/cgi-bin/api/docs', 'links');
	const d = await get('/docs');
	expect(d.status === 302 && d.headers.get('location') === '/static/api-docs.html', `docs: ${d.status} ${d.headers.get('location')}`);
	const page = await fetch(`${env.httpUrl}/static/api-docs.html`);
	const html = await page.text();
	expect(page.status === 200 && page.headers.get('content-type')?.startsWith('text/html'), 'docs page served');
	expect(html.includes('../cgi-bin/api/openapi.json') && !/<script[^>]+src="?(https?:)?\/\//i.test(html), 'renders our description, no external scripts');
});

// ------------------------------------------------------------------ OpenAPI
await test('openapi_document', async () => {
	const r = await get('/openapi.json');
	expect(r.status === 200 && /^3\.\d+\.\d+$/.test(r.json.openapi), 'OpenAPI 3');
	expect(r.json.servers[0].url === '/cgi-bin/api', `server ${r.json.servers[0].url}`);
	const etag = r.headers.get('etag');
	expect(etag && r.headers.get('cache-control') === 'no-cache', 'ETag, revalidate');
	const again = await get('/openapi.json', { headers: { 'If-None-Match': etag } });
	expect(again.status === 304 && again.text === '', `If-None-Match: ${again.status}`);
	// Every $ref resolves.
	const refs = JSON.stringify(r.json).match(/"\$ref":"[^"]+"/g) || [];
	for (const ref of refs) {
		const path = ref.slice(8, -1).replace(/^#\//, '').split('/');
		expect(path.reduce((o, k) => o?.[k], r.json) !== undefined, `dangling ${ref}`);
	}
});

await test('openapi_every_path_answers', async () => {
	// A command to a charge point that is not connected (409) and an id
	// tag too long to exist (400): every method answers, nothing changes.
	const uid = `u50-${process.pid}`;
	sql(`INSERT INTO commands (uid, created_at, cp_id, action, status) VALUES (${q(uid)}, NOW(3), ${q(CP1)}, 'Reset', 'pending')`);
	sql(`INSERT INTO reservations (cp_id, reservation_id, connector_id, id_tag, expiry_date, status, created_at, updated_at)
		VALUES (${q(CP1)}, 50, 1, 'T50', NOW(3), 'expired', NOW(3), NOW(3))`);
	const resId = sqlValue(`SELECT MAX(id) FROM reservations WHERE cp_id = ${q(CP1)}`);
	// A site holding CP1 (so DELETE is refused: 409) and a group id that
	// is not one (400).
	sql(`INSERT INTO sites (name, created_at, updated_at) VALUES ('Site 50', NOW(3), NOW(3))`);
	const siteId = sqlValue("SELECT id FROM sites WHERE name = 'Site 50'");
	sql(`UPDATE charge_points SET site_id = ${siteId} WHERE id = ${q(CP1)}`);
	const subst = { cp_id: encodeURIComponent(CP1), id: String(firstId),
		action: 'ClearCache', id_tag: 'X'.repeat(21), uid, res_id: resId, site_id: siteId, group_id: '0', job_id: '0',
		tariff_id: '0', assignment_id: '0', file_id: '0', user: 'u'.repeat(101) };
	// A received file recorded but not on disk: its content is 410.
	sql(`INSERT INTO cp_files (cp_id, kind, request_id, stored_name, size, sha256, received_at)
		VALUES (${q(CP1)}, 'log', 50, ${q(`log-50-${process.pid}`)}, 0, ${q('0'.repeat(64))}, NOW(3))`);
	subst.file_id = sqlValue(`SELECT MAX(id) FROM cp_files WHERE cp_id = ${q(CP1)}`);
	for (const [path, item] of Object.entries(spec.paths)) {
		const url = path.replace(/\{(\w+)\}/g, (_, k) => subst[k]);
		for (const method of Object.keys(item)) {
			const r = await get(url, { method: method.toUpperCase() });
			const declared = Object.keys(item[method].responses);
			expect(r.status !== 404 && r.status < 500, `${method} ${path}: ${r.status}`);
			expect(declared.includes(String(r.status)), `${method} ${path}: ${r.status} not declared`);
			const media = item[method].responses[r.status].content;
			const ref = media?.['application/json']?.schema?.$ref;
			if (ref) validate(ref.split('/').pop(), r.json);
		}
	}
	pass(`openapi_paths_checked_${Object.keys(spec.paths).length}`);
});

// ------------------------------------------------------------- HTTP rules
await test('unknown_route_and_methods', async () => {
	await expectError('/nope', 404, 'not_found');
	await expectError('/transactionsX', 404, 'not_found');
	for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
		const r = await get('/cps', { method });
		expect(r.status === 405 && r.json?.error?.code === 'method_not_allowed', `${method}: ${r.status}`);
		expect(r.headers.get('allow') === 'GET, HEAD, OPTIONS', `${method}: Allow ${r.headers.get('allow')}`);
	}
	const h = await get('/cps', { method: 'HEAD' });
	expect(h.status === 200 && h.text === '' && h.headers.get('content-type').startsWith('application/json'), 'HEAD');
	const o = await get('/cps', { method: 'OPTIONS' });
	expect(o.status === 204 && o.headers.get('allow') === 'GET, HEAD, OPTIONS', `OPTIONS ${o.status}`);
	// CORS is off by default.
	const c = await get('/cps', { headers: { Origin: 'https://example.org' } });
	expect(c.headers.get('access-control-allow-origin') === null, 'no CORS header by default');
	const slash = await getJson('/cps/', 200, 'ChargePointList');
	expect(slash.count > 0, 'trailing slash');
});

if (!sqlValue(`SELECT COUNT(*) FROM transactions WHERE cp_id = ${q(CP1)}`)) fail('fixtures', 'none');
done();
