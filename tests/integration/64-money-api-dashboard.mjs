#!/usr/bin/env node
// 64-money-api-dashboard.mjs — one rounding for energy and money
// (cgi-bin/money.c): a session costs the same to the cent in the API's
// JSON, its CSV export, the dashboard's transaction list, its totals and
// the charge point page.  0.3 kWh at 0.25 is 0.075 exactly, which a
// "%.2f" of the double 0.075 prints as 0.07; the invoice says 0.08.
//
// Both programs run as plain CGI with the tariff from the environment
// (CSMS_PRICE_PER_KWH), on the shared test database.
import { spawnSync } from 'node:child_process';
import { checkEq, done, env, q, sql, test } from '../node/lib.mjs';

const P = `M64${process.pid % 100000}`;
const CP = `${P}_cp`;
const TARIFF = { CSMS_PRICE_PER_KWH: '0.25', CSMS_CURRENCY: 'EUR' };

sql(`INSERT INTO charge_points (id, vendor, connected) VALUES (${q(CP)}, 'Money', 0)`);
// 300 Wh (0.075 -> 0.08) and 1,235 Wh (1.235 kWh; 0.30875 -> 0.31).
sql(`INSERT INTO transactions (cp_id, connector_id, id_tag, meter_start, meter_stop, start_ts, stop_ts)
	VALUES (${q(CP)}, 1, 'M64TAG', 1000, 1300, '2024-06-01 10:00:00.000', '2024-06-01 10:30:00.000'),
	       (${q(CP)}, 1, 'M64TAG', 2000, 3235, '2024-06-02 10:00:00.000', '2024-06-02 10:30:00.000')`);
const [id300, id1235] = sql(`SELECT id FROM transactions WHERE cp_id = ${q(CP)} ORDER BY start_ts`)
	.map((r) => r[0]);

function cgi(program, path, query = '') {
	const r = spawnSync(`${env.bin}/${program}`, [], {
		encoding: 'utf8',
		env: { PATH: process.env.PATH, CSMS_CONF: env.conf, REQUEST_METHOD: 'GET', GATEWAY_INTERFACE: 'CGI/1.1',
			SCRIPT_NAME: `/cgi-bin/${program}`, PATH_INFO: path, QUERY_STRING: query, ...TARIFF },
		timeout: 20000,
	});
	const out = r.stdout || '';
	const split = out.indexOf('\r\n\r\n');
	if (split < 0) throw new Error(`${program} ${path}: no header block (rc=${r.status}) ${r.stderr}`);
	return { status: Number(/^Status: (\d+)/m.exec(out)?.[1]), body: out.slice(split + 4) };
}

// The cells of the dashboard table row of transaction id, by their
// data-label (both pages label the cells; the id is the row's header,
// a link to the transaction's page).
function dashRow(html, id) {
	const idCell = new RegExp(`data-label="Id">(<a [^>]*>)?${id}(</a>)?</th>`);
	const tr = html.split('<tr').find((t) => idCell.test(t)) || '';
	return Object.fromEntries([...tr.matchAll(/data-label="([^"]+)">([\s\S]*?)<\/t[dh]>/g)]
		.map((m) => [m[1], m[2].replace(/<[^>]*>/g, '').trim()]));
}

await test('api_rounds_half_up', async () => {
	const r = cgi('api', '/transactions', `cp_id=${encodeURIComponent(CP)}`);
	const byId = Object.fromEntries(JSON.parse(r.body).items.map((t) => [String(t.id), t]));
	checkEq('api_cost_300wh', [byId[id300].energy_kwh, byId[id300].cost], [0.3, 0.08]);
	checkEq('api_cost_1235wh', [byId[id1235].energy_kwh, byId[id1235].cost], [1.235, 0.31]);
	const one = JSON.parse(cgi('api', `/transactions/${id300}`).body);
	checkEq('api_detail_cost', one.cost, 0.08);
});

await test('api_csv_rounds_half_up', async () => {
	const r = cgi('api', '/transactions.csv', `cp_id=${encodeURIComponent(CP)}`);
	const [head, ...lines] = r.body.trim().split('\r\n').map((l) => l.split(','));
	const col = (name) => head.indexOf(name);
	const rows = Object.fromEntries(lines.map((l) => [l[col('id')], [l[col('energy_kwh')], l[col('cost')]]]));
	checkEq('csv_cost', [rows[id300], rows[id1235]], [['0.300', '0.08'], ['1.235', '0.31']]);
});

await test('dashboard_shows_the_same_cost', async () => {
	const r = cgi('dashboard', '/transactions', `cp_id=${encodeURIComponent(CP)}`);
	checkEq('dashboard_status', r.status, 200);
	const a = dashRow(r.body, id300), b = dashRow(r.body, id1235);
	checkEq('dashboard_row_300wh', [a.kWh, a.Cost], ['0.30', '0.08']);
	// 1.235 kWh shown with two decimals rounds half up too.
	checkEq('dashboard_row_1235wh', [b.kWh, b.Cost], ['1.24', '0.31']);
	// Totals: the cost of the summed energy, 1,535 Wh -> 0.38375 -> 0.38.
	checkEq('dashboard_total_cost', /id="tx-cost">([^<]*)</.exec(r.body)?.[1], '0.38 EUR');
	checkEq('dashboard_total_kwh', /id="tx-kwh">([^<]*)</.exec(r.body)?.[1], '1.54 kWh');
	const cp = cgi('dashboard', `/cp/${encodeURIComponent(CP)}`);
	checkEq('charge_point_page_row', dashRow(cp.body, id300).Cost, '0.08 EUR');
});

done();
