#!/usr/bin/env node
// 74-cost-totals.mjs — the totals count what sessions cost: the
// transaction list's total (by charge point, from the index; by day, from
// tx_daily), /stats and /metrics sum the stored costs (tx_costs, priced at
// the stop: docs/tariffs.md), and price_per_kwh prices only the energy of
// sessions without one (stopped before tariffs existed).  tx_daily keeps
// the sums through triggers on tx_costs (sql/026): an added, changed and
// removed cost each show.
//
// Both programs run as plain CGI with price_per_kwh from the environment,
// on the shared test database.
import { spawnSync } from 'node:child_process';
import { checkEq, done, env, q, sql, sqlValue, test } from '../node/lib.mjs';

const P = `C74${process.pid % 100000}`;
const CP = `${P}_cp`;
const DAY = '2019-03-04';
const TARIFF = { CSMS_PRICE_PER_KWH: '0.25', CSMS_CURRENCY: 'EUR' };

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

// A stored cost of gross minor units (2 digits) for energy wh.
function storeCost(txId, gross, wh) {
	sql(`INSERT INTO tx_costs (tx_id, currency, minor_digits, energy_wh, charging_s, idle_s, idle_billed_s,
		energy_minor, time_minor, idle_minor, fee_minor, adjust_minor, net_minor, vat_minor, gross_minor,
		vat_rate_bp, prices_include_vat, computed_at)
		VALUES (${txId}, 'EUR', 2, ${wh}, 1800, 0, 0, ${gross}, 0, 0, 0, 0, ${gross}, 0, ${gross}, 0, 1, NOW(3))`);
}

function addTx(start, stop, wh) {
	sql(`INSERT INTO transactions (cp_id, connector_id, id_tag, meter_start, meter_stop, start_ts, stop_ts)
		VALUES (${q(CP)}, 1, 'C74TAG', 0, ${wh}, ${start}, ${stop})`);
	return sqlValue(`SELECT MAX(id) FROM transactions WHERE cp_id = ${q(CP)}`);
}

const totalCost = (body) => /id="tx-cost">([^<]*)</.exec(body)?.[1];

sql(`INSERT INTO charge_points (id, vendor, connected) VALUES (${q(CP)}, 'Costs', 0)`);
// 1 kWh with a stored cost of 12.34, and 1 kWh without one (0.25).
const a = addTx(`'${DAY} 10:00:00'`, `'${DAY} 10:30:00'`, 1000);
storeCost(a, 1234, 1000);
addTx(`'${DAY} 11:00:00'`, `'${DAY} 11:30:00'`, 1000);

await test('transaction_list_totals_use_stored_costs', async () => {
	const byCp = cgi('dashboard', '/transactions', `cp_id=${encodeURIComponent(CP)}`);
	checkEq('by_charge_point', [byCp.status, totalCost(byCp.body)], [200, '12.59 EUR']);
	const byDay = cgi('dashboard', '/transactions', `from=${DAY}&to=${DAY}`);
	checkEq('by_day_from_tx_daily', [byDay.status, totalCost(byDay.body)], [200, '12.59 EUR']);
});

const stats = () => JSON.parse(cgi('api', '/stats').body);
const metric = () => Number(/csms_period_cost\{period="today",currency="EUR"\} ([\d.]+)/.exec(cgi('api', '/metrics').body)?.[1]);
const cents = (v) => Math.round(v * 100);

await test('stats_and_metrics_use_stored_costs', async () => {
	const s0 = stats(), m0 = metric();
	const c = addTx('UTC_TIMESTAMP(3)', 'UTC_TIMESTAMP(3)', 2000);
	const delta = () => [cents(stats().today.cost - s0.today.cost), cents(metric() - m0)];
	// Not priced yet: 2 kWh at 0.25.
	checkEq('fallback_price_per_kwh', delta(), [50, 50]);
	storeCost(c, 500, 2000);
	checkEq('stored_cost_counted', delta(), [500, 500]);
	sql(`UPDATE tx_costs SET gross_minor = 700 WHERE tx_id = ${c}`);
	checkEq('changed_cost_counted', delta(), [700, 700]);
	sql(`DELETE FROM tx_costs WHERE tx_id = ${c}`);
	checkEq('removed_cost_falls_back', delta(), [50, 50]);
	checkEq('month_counts_it_too', cents(stats().month.cost - s0.month.cost), 50);
	sql(`DELETE FROM transactions WHERE id = ${c}`);
});

sql(`DELETE FROM tx_costs WHERE tx_id IN (SELECT id FROM transactions WHERE cp_id = ${q(CP)})`);
sql(`DELETE FROM transactions WHERE cp_id = ${q(CP)}`);
sql(`DELETE FROM charge_points WHERE id = ${q(CP)}`);
done();
