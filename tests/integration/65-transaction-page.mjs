#!/usr/bin/env node
// 65-transaction-page.mjs — one session end to end through the real stack:
// a charge point driven over OCPP by ocpp-rpc starts a transaction and
// reports energy (Wh and kWh), power (W and kW), SoC and a per-phase
// current, then:
//   - /cgi-bin/dashboard/transactions/{id}: id tag, charge point, connector,
//     energy so far, the chart's three series (one polyline point per
//     sample, in the right panel), the numbers table, the meter values
//     table, the CSV and OCPP log links, refreshed while running, not after;
//   - the overview and the charge point page show the latest power and SoC
//     of the running session, and every list links to the page;
//   - GET /transactions/{id}/meter-values with measurand (repeated and
//     comma-separated), phase, from/to, in base units, as JSON and CSV;
//   - 400 and 404 for malformed and unknown ids, on both programs;
//   - the latest-sample lookups use idx_mv_tx_measurand (sql/013);
//   - in Chromium: the SVG renders its three series (screenshots saved).
import {
	check, checkEq, cpId, done, env, fail, isoNow, ocppClient, q, sql, sqlValue, test,
} from '../node/lib.mjs';
import { chromium } from '../node/node_modules/playwright-core/index.mjs';

const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
const API = `${env.httpUrl}/cgi-bin/api`;
const CP = cpId('txpage');
const TAG = `T65${process.pid % 100000}`;
const MIN = 60000;
const T0 = Date.now() - 30 * MIN; // the session started half an hour ago
const at = (m) => new Date(T0 + m * MIN).toISOString();

sql(`INSERT INTO users (id_tag, name, status) VALUES (${q(TAG)}, 'Transaction page', 'Accepted')`);

async function get(url) {
	const r = await fetch(url);
	return { status: r.status, type: r.headers.get('content-type') || '',
		disp: r.headers.get('content-disposition') || '', text: await r.text() };
}
async function json(url) {
	const r = await get(url);
	if (r.status !== 200) throw new Error(`${url}: status ${r.status} ${r.text.slice(0, 200)}`);
	return JSON.parse(r.text);
}

// Samples: [minute, energy as sent, energy unit, power, power unit, SoC].
const SAMPLES = [
	[5, '10500', 'Wh', '7400', 'W', '20'],
	[10, '11.2', 'kWh', '7.2', 'kW', '31'],
	[15, '12100', 'Wh', '11000', 'W', '45'],
	[20, '13.05', 'kWh', '3.5', 'kW', '62'],
];

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const problems = [];
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console: ${m.text()}`); });
page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));

let cli;
try {
	cli = await ocppClient(CP);
	await cli.call('BootNotification', { chargePointVendor: 'T65', chargePointModel: 'Curves' });
	await cli.call('StatusNotification', { connectorId: 2, errorCode: 'NoError', status: 'Charging', timestamp: isoNow() });
	const start = await cli.call('StartTransaction', { connectorId: 2, idTag: TAG, meterStart: 10000, timestamp: at(0) });
	const TX = start.transactionId;
	check('transaction_started', Number.isInteger(TX) && TX > 0, JSON.stringify(start));
	for (const [m, e, eu, p, pu, soc] of SAMPLES)
		await cli.call('MeterValues', { connectorId: 2, transactionId: TX, meterValue: [{ timestamp: at(m),
			sampledValue: [
				{ value: e, measurand: 'Energy.Active.Import.Register', unit: eu },
				{ value: p, measurand: 'Power.Active.Import', unit: pu },
				{ value: soc, measurand: 'SoC', unit: 'Percent', location: 'EV' },
				{ value: '16.0', measurand: 'Current.Import', phase: 'L1', unit: 'A' },
			] }] });
	const TXURL = `${DASH}/transactions/${TX}`;

	// ------------------------------------------------------------ the page
	await test('page_running', async () => {
		const r = await page.goto(TXURL);
		if (r.status() !== 200) throw new Error(`status ${r.status()}`);
		const h1 = (await page.textContent('h1')).replace(/\s+/g, ' ').trim();
		if (h1 !== `Transaction ${TX} running`) throw new Error(`h1 "${h1}"`);
		const lead = (await page.textContent('.lead')).replace(/\s+/g, ' ').trim();
		if (lead !== `${CP} · connector 2 · ${TAG}`) throw new Error(`lead "${lead}"`);
		// 13.05 kWh read - 10 kWh at start.
		const kwh = (await page.textContent('#tx-kwh')).trim();
		if (kwh !== '3.05 kWh') throw new Error(`energy "${kwh}"`);
		if (await page.getAttribute('body', 'data-refresh') !== '5') throw new Error('no 5 s refresh while running');
	});

	await test('chart_has_three_series', async () => {
		const s = await page.$$eval('#tx-chart g.panel', (gs) => gs.map((g) => ({
			key: g.dataset.series,
			points: (g.querySelector('polyline')?.getAttribute('points') || '').trim().split(/\s+/).filter(Boolean).length,
			title: g.querySelector('.panel-title').textContent,
			box: (() => { const p = g.querySelector('polyline'); if (!p) return null; const b = p.getBBox(); return [b.width, b.height]; })(),
		})));
		const want = [['energy', 'Energy (kWh)'], ['power', 'Power (kW)'], ['soc', 'SoC (%)']];
		if (s.length !== 3) throw new Error(`panels ${JSON.stringify(s)}`);
		want.forEach(([key, title], i) => {
			if (s[i].key !== key || s[i].title !== title) throw new Error(`panel ${i} ${JSON.stringify(s[i])}`);
			if (s[i].points !== SAMPLES.length) throw new Error(`${key}: ${s[i].points} points`);
			if (!(s[i].box[0] > 100)) throw new Error(`${key}: polyline not drawn ${JSON.stringify(s[i].box)}`);
		});
		const title = await page.textContent('#tx-chart > title');
		const desc = await page.textContent('#tx-chart > desc');
		if (!title.includes(`transaction ${TX}`)) throw new Error(`title "${title}"`);
		if (!/SoC 4 samples, from 20 to 62 %/.test(desc)) throw new Error(`desc "${desc}"`);
		// The three curves rise, fall and rise as the samples do: SoC's last
		// point is higher up (smaller y) than its first.
		const soc = await page.getAttribute('#tx-chart g[data-series="soc"] polyline', 'points');
		const ys = soc.trim().split(/\s+/).map((p) => Number(p.split(',')[1]));
		if (!(ys[3] < ys[0])) throw new Error(`SoC y ${ys}`);
		// The time axis is labelled in UTC.
		const ticks = await page.$$eval('#tx-chart text.tick[text-anchor="middle"]', (t) => t.map((x) => x.textContent));
		if (ticks.length < 2 || !ticks.every((t) => /^\d\d:\d\d$/.test(t))) throw new Error(`time ticks ${ticks}`);
	});

	await test('numbers_table', async () => {
		const rows = await page.$$eval('#tx-numbers tbody tr', (rs) => rs.map((r) =>
			[...r.querySelectorAll('td')].map((td) => td.textContent.trim())));
		checkEq('numbers_rows', rows.map((r) => r.slice(1)), [
			['0.500', '7.400', '20.0'], ['1.200', '7.200', '31.0'],
			['2.100', '11.000', '45.0'], ['3.050', '3.500', '62.0']]);
		if (rows[0][0] !== at(5).replace('T', ' ').slice(0, 19)) throw new Error(`time ${rows[0][0]}`);
	});

	await test('meter_value_table', async () => {
		const rows = await page.$$eval('#tx-mv tbody tr', (rs) => rs.map((r) =>
			[...r.querySelectorAll('td')].map((td) => td.textContent.trim())));
		if (rows.length !== 16) throw new Error(`${rows.length} rows`);
		checkEq('mv_row_kwh', rows[4].slice(1), ['Energy.Active.Import.Register', '—', '11.2', 'kWh', '11200 Wh']);
		checkEq('mv_row_kw', rows[5].slice(1), ['Power.Active.Import', '—', '7.2', 'kW', '7200 W']);
		checkEq('mv_row_soc', rows[6].slice(1), ['SoC', '—', '31', 'Percent', '31 %']);
		checkEq('mv_row_phase', rows[7].slice(1), ['Current.Import', 'L1', '16.0', 'A', '16 A']);
	});

	await test('links_csv_and_log', async () => {
		const csv = await page.getAttribute('#tx-csv', 'href');
		if (csv !== `/cgi-bin/api/transactions/${TX}/meter-values.csv`) throw new Error(`csv ${csv}`);
		const log = new URL(await page.getAttribute('#tx-log', 'href'), env.httpUrl);
		if (log.pathname !== `/cgi-bin/dashboard/cp/${encodeURIComponent(CP)}/log`) throw new Error(`log ${log}`);
		const from = Date.parse(log.searchParams.get('from')), to = Date.parse(log.searchParams.get('to'));
		if (from !== Date.parse(at(0))) throw new Error(`log from ${log.searchParams.get('from')}`);
		// A running session: up to now.
		if (!(Math.abs(to - Date.now()) < 60000)) throw new Error(`log to ${log.searchParams.get('to')}`);
	});

	// ---------------------------------------------- live state in the lists
	await test('overview_live_power_soc', async () => {
		await page.goto(`${DASH}/?q=${encodeURIComponent(CP)}`);
		const li = `tr[data-cp="${CP}"] li[data-connector="2"]`;
		const power = (await page.textContent(`${li} .tx-power`)).trim();
		const soc = (await page.textContent(`${li} .tx-soc`)).trim();
		const kwh = (await page.textContent(`${li} .conn-tx`)).replace(/\s+/g, ' ');
		if (power !== '3.5 kW') throw new Error(`power "${power}"`);
		if (soc !== 'SoC 62 %') throw new Error(`soc "${soc}"`);
		if (!kwh.includes('3.05 kWh')) throw new Error(`energy "${kwh}"`);
		const href = await page.getAttribute(`${li} a.tx-link`, 'href');
		if (href !== `/cgi-bin/dashboard/transactions/${TX}`) throw new Error(`link ${href}`);
		await page.screenshot({ path: `${env.out}/transaction-overview-live.png` });
	});

	await test('chargepoint_live_power_soc_and_links', async () => {
		await page.goto(`${DASH}/cp/${encodeURIComponent(CP)}`);
		const cell = 'tr[data-connector="2"] td[data-label="Transaction"]';
		const text = (await page.textContent(cell)).replace(/\s+/g, ' ');
		if (!text.includes('3.05 kWh') || !text.includes('3.5 kW') || !text.includes('SoC 62 %')) throw new Error(`cell "${text}"`);
		const hrefs = await page.$$eval('a.tx-link', (as) => as.map((a) => a.getAttribute('href')));
		const want = `/cgi-bin/dashboard/transactions/${TX}`;
		if (hrefs.filter((h) => h === want).length !== 2) throw new Error(`links ${hrefs}`);
	});

	await test('transactions_list_links', async () => {
		await page.goto(`${DASH}/transactions?cp_id=${encodeURIComponent(CP)}`);
		const href = await page.getAttribute(`tr[data-tx="${TX}"] a.tx-link`, 'href');
		if (href !== `/cgi-bin/dashboard/transactions/${TX}`) throw new Error(`link ${href}`);
	});

	// ------------------------------------------------------------ the API
	await test('api_all_values_base_units', async () => {
		const b = await json(`${API}/transactions/${TX}/meter-values`);
		checkEq('api_count', [b.transaction_id, b.count, b.items.length], [TX, 16, 16]);
		const kwh = b.items[4];
		checkEq('api_kwh_converted', [kwh.measurand, kwh.value, kwh.unit, kwh.value_num, kwh.num_unit], ['Energy.Active.Import.Register', '11.2', 'kWh', 11200, 'Wh']);
		const kw = b.items[5];
		checkEq('api_kw_converted', [kw.value, kw.unit, kw.value_num, kw.num_unit], ['7.2', 'kW', 7200, 'W']);
		checkEq('api_soc', [b.items[2].value_num, b.items[2].num_unit, b.items[2].location], [20, '%', 'EV']);
		check('api_time_order', b.items.every((x, i) => i === 0 || x.ts >= b.items[i - 1].ts), 'not in time order');
	});

	await test('api_measurand_filters', async () => {
		const one = await json(`${API}/transactions/${TX}/meter-values?measurand=SoC`);
		checkEq('api_soc_only', one.items.map((x) => x.value_num), [20, 31, 45, 62]);
		const comma = await json(`${API}/transactions/${TX}/meter-values?measurand=SoC,Power.Active.Import`);
		const rep = await json(`${API}/transactions/${TX}/meter-values?measurand=SoC&measurand=Power.Active.Import`);
		checkEq('api_two_measurands', comma.items.map((x) => [x.measurand, x.value_num]).slice(0, 2), [['Power.Active.Import', 7400], ['SoC', 20]]);
		checkEq('api_repeated_same_as_comma', rep, comma);
		checkEq('api_power_w', comma.items.filter((x) => x.measurand === 'Power.Active.Import').map((x) => x.value_num), [7400, 7200, 11000, 3500]);
		const ph = await json(`${API}/transactions/${TX}/meter-values?phase=L1`);
		checkEq('api_phase', [ph.count, ph.items.every((x) => x.phase === 'L1' && x.measurand === 'Current.Import')], [4, true]);
		// from and to are both included, as /transactions reads them: the
		// samples of minutes 10, 15 and 20; a date-time a millisecond
		// before minute 20 leaves it out.
		const win = await json(`${API}/transactions/${TX}/meter-values?measurand=Energy.Active.Import.Register&from=${encodeURIComponent(at(10))}&to=${encodeURIComponent(at(20))}`);
		checkEq('api_time_window', win.items.map((x) => x.value_num), [11200, 12100, 13050]);
		const before = new Date(Date.parse(at(20)) - 1).toISOString();
		const win2 = await json(`${API}/transactions/${TX}/meter-values?measurand=Energy.Active.Import.Register&from=${encodeURIComponent(at(10))}&to=${encodeURIComponent(before)}`);
		checkEq('api_time_window_ms', win2.items.map((x) => x.value_num), [11200, 12100]);
	});

	await test('api_csv', async () => {
		for (const url of [`${API}/transactions/${TX}/meter-values.csv?measurand=Power.Active.Import`,
			`${API}/transactions/${TX}/meter-values?measurand=Power.Active.Import&format=csv`]) {
			const r = await get(url);
			if (r.status !== 200 || !r.type.startsWith('text/csv')) throw new Error(`${url}: ${r.status} ${r.type}`);
			if (!r.disp.includes(`transaction-${TX}-meter-values.csv`)) throw new Error(`disposition ${r.disp}`);
			const lines = r.text.trimEnd().split('\r\n');
			checkEq('csv_header', lines[0], 'ts,measurand,phase,value,unit,value_num,num_unit,context,location,format,rollup_samples,rollup_min,rollup_max,rollup_avg');
			checkEq('csv_row', lines[2].split(',').slice(1, 7), ['Power.Active.Import', '', '7.2', 'kW', '7200', 'W']);
			if (lines.length !== 5) throw new Error(`${lines.length} lines`);
		}
	});

	await test('api_errors', async () => {
		const cases = [
			[`${API}/transactions/${TX}/meter-values?measurand=Bogus`, 400, 'measurand'],
			[`${API}/transactions/${TX}/meter-values?measurand=SoC,Power`, 400, 'measurand'],
			[`${API}/transactions/${TX}/meter-values?phase=L4`, 400, 'phase'],
			[`${API}/transactions/${TX}/meter-values?from=yesterday`, 400, 'from'],
			[`${API}/transactions/${TX}/meter-values?from=${encodeURIComponent(at(20))}&to=${encodeURIComponent(at(10))}`, 400, 'from'],
			[`${API}/transactions/${TX}/meter-values?format=xml`, 400, 'format'],
			[`${API}/transactions/abc/meter-values`, 400, 'id'],
			[`${API}/transactions/0/meter-values.csv`, 400, 'id'],
			[`${API}/transactions/2147483647/meter-values`, 404, null],
			[`${API}/transactions/2147483647/meter-values.csv`, 404, null],
		];
		for (const [url, status, param] of cases) {
			const r = await get(url);
			if (r.status !== status) throw new Error(`${url}: ${r.status}, expected ${status}`);
			const e = JSON.parse(r.text).error;
			if (param && e.parameter !== param) throw new Error(`${url}: parameter ${e.parameter}`);
		}
	});

	await test('page_errors', async () => {
		for (const [path, status, title] of [['/transactions/2147483647', 404, 'Transaction not found'],
			['/transactions/abc', 400, 'Bad request'], ['/transactions/-1', 400, 'Bad request'],
			['/transactions/1.5', 400, 'Bad request'], ['/transactions/007', 400, 'Bad request']]) {
			const r = await get(`${DASH}${path}`);
			if (r.status !== status || !r.type.startsWith('text/html') || !r.text.includes(title))
				throw new Error(`${path}: ${r.status} ${r.text.slice(0, 120)}`);
		}
	});

	await test('latest_sample_uses_index', async () => {
		const plan = sql(`EXPLAIN SELECT mv.value_num FROM meter_values mv WHERE mv.transaction_id = ${TX}
			AND mv.measurand = 'SoC' AND mv.phase IS NULL AND mv.value_num IS NOT NULL ORDER BY mv.ts DESC LIMIT 1`);
		const line = plan[0].join(' ');
		if (!/idx_mv_tx_measurand/.test(line) || /filesort/i.test(line)) throw new Error(line);
	});

	await page.goto(TXURL);
	await page.screenshot({ path: `${env.out}/transaction-running.png`, fullPage: true });

	// --------------------------------------------------- after the stop
	await cli.call('StopTransaction', { transactionId: TX, meterStop: 13300, timestamp: at(25), idTag: TAG, reason: 'EVDisconnected' });
	await test('page_finished', async () => {
		const r = await page.goto(TXURL);
		if (r.status() !== 200) throw new Error(`status ${r.status()}`);
		if (await page.getAttribute('body', 'data-refresh') !== null) throw new Error('a finished session still refreshes');
		const kwh = (await page.textContent('#tx-kwh')).trim();
		if (kwh !== '3.30 kWh') throw new Error(`energy "${kwh}"`);
		const reason = (await page.textContent('#tx-reason')).replace(/\s+/g, ' ').trim();
		if (!reason.startsWith('EVDisconnected')) throw new Error(`reason "${reason}"`);
		const dur = (await page.textContent('#tx-duration')).trim();
		if (dur !== '25 min 00 s') throw new Error(`duration "${dur}"`);
		// Cost as money.c counts it, the same as the API's.
		const api = await json(`${API}/transactions/${TX}`);
		const cost = (await page.textContent('#tx-cost')).trim();
		if (cost !== `${api.cost.toFixed(2)} ${api.currency}`) throw new Error(`cost "${cost}" vs API ${api.cost}`);
		const log = new URL(await page.getAttribute('#tx-log', 'href'), env.httpUrl);
		if (Date.parse(log.searchParams.get('to')) !== Date.parse(at(25))) throw new Error(`log to ${log.searchParams.get('to')}`);
		await page.screenshot({ path: `${env.out}/transaction-finished.png`, fullPage: true });
	});

	await test('page_without_javascript', async () => {
		const ctx = await browser.newContext({ javaScriptEnabled: false });
		const p = await ctx.newPage();
		await p.goto(TXURL);
		const n = await p.$$eval('#tx-chart polyline.series', (ls) => ls.length);
		const rows = await p.$$eval('#tx-mv tbody tr', (rs) => rs.length);
		await ctx.close();
		if (n !== 3 || rows !== 16) throw new Error(`${n} series, ${rows} rows`);
	});

	await test('page_phone_width', async () => {
		const phone = await context.newPage();
		await phone.setViewportSize({ width: 390, height: 800 });
		await phone.goto(TXURL);
		const over = await phone.evaluate(() => document.documentElement.scrollWidth - innerWidth);
		await phone.screenshot({ path: `${env.out}/transaction-phone.png`, fullPage: true });
		await phone.close();
		if (over > 0) throw new Error(`${over}px wider than the screen`);
	});

	// A session without samples: a page that says so, no chart.
	const empty = await cli.call('StartTransaction', { connectorId: 1, idTag: TAG, meterStart: 500, timestamp: isoNow() });
	await test('page_without_samples', async () => {
		const r = await get(`${DASH}/transactions/${empty.transactionId}`);
		if (r.status !== 200 || !r.text.includes('id="tx-nochart"') || r.text.includes('id="tx-chart"'))
			throw new Error(`${r.status}`);
	});
	await cli.call('StopTransaction', { transactionId: empty.transactionId, meterStop: 500, timestamp: isoNow() });

	check('no_console_errors_or_csp_violations', problems.length === 0, () => problems.join(' | '));
} catch (e) {
	fail('transaction_session', e.stack || e);
} finally {
	if (cli) await cli.close({ force: true }).catch(() => {});
	await browser.close();
}
done();
