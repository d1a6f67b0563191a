#!/usr/bin/env node
// 60-dashboard-pages.mjs — the dashboard through the real lighttpd and its
// FastCGI processes: every page shows what the database holds (checked in
// the parsed DOM against SQL), hostile charge point ids, vendors and id tags
// come out as text, page counts and links are exact, and every error is a
// complete page with the right status.
//
// Pages are fetched with Node (status, headers, raw bytes) and parsed by a
// Chromium with JavaScript off, so the DOM is what a browser builds.
import { execFileSync } from 'node:child_process';
import {
	check, checkEq, done, env, fail, q, sql, sqlValue, test,
} from '../node/lib.mjs';
import { chromium } from '../node/node_modules/playwright-core/index.mjs';

const DASH = `${env.httpUrl}/cgi-bin/dashboard`;

// ---------------------------------------------------------------- fixtures
const P = `D6${process.pid % 100000}`;
const CPA = `${P}_alpha`, CPB = `${P}_beta`;
const CPX = `${P}<img src=x onerror=alert(1)>"'&`; // no '/': ids cannot hold one
const VENDOR_X = `<b>V&"'</b>`, MODEL_X = `"><svg onload=1>`;
const TAG = `${P}-T`, TAG_X = `<i>${P}</i>`, TAG_OLD = `${P}-OLD`;
const NAME_X = '<script>alert(3)</script>';
const N_DONE = 120;
const whOf = (i) => 500 + 10 * i;
const pad = (n) => String(n).padStart(2, '0');
const dbTime = (ms) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const BASE = Date.parse('2024-05-01T00:30:00.000Z');

sql(`INSERT INTO charge_points (id, vendor, model, firmware_version, serial_number,
		connected, connected_since, last_heartbeat, last_seen, last_boot, total_kwh) VALUES
	(${q(CPA)}, 'ACME', 'Fast 22', '2.0.1', 'SN-A', 1, UTC_TIMESTAMP(3) - INTERVAL 2 HOUR,
		UTC_TIMESTAMP(3) - INTERVAL 12 SECOND, UTC_TIMESTAMP(3) - INTERVAL 12 SECOND,
		UTC_TIMESTAMP(3) - INTERVAL 2 HOUR, 1234.5),
	(${q(CPB)}, 'Other', 'Slow', '0.9', NULL, 0, NULL,
		UTC_TIMESTAMP(3) - INTERVAL 3 DAY, UTC_TIMESTAMP(3) - INTERVAL 2 DAY, NULL, 8.25),
	(${q(CPX)}, ${q(VENDOR_X)}, ${q(MODEL_X)}, NULL, NULL, 1, UTC_TIMESTAMP(3),
		UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), NULL, 0)`);
sql(`INSERT INTO connectors (cp_id, connector_id, status, error_code, info, status_ts) VALUES
	(${q(CPA)}, 0, 'Available', 'NoError', NULL, UTC_TIMESTAMP(3)),
	(${q(CPA)}, 1, 'Charging', 'NoError', NULL, UTC_TIMESTAMP(3) - INTERVAL 30 MINUTE),
	(${q(CPA)}, 2, 'Faulted', 'GroundFailure', '<u>info</u>', UTC_TIMESTAMP(3)),
	(${q(CPA)}, 3, 'SuspendedEV', 'NoError', NULL, UTC_TIMESTAMP(3)),
	(${q(CPB)}, 1, 'Unavailable', 'NoError', NULL, UTC_TIMESTAMP(3) - INTERVAL 2 DAY),
	(${q(CPX)}, 1, 'Available', 'NoError', NULL, UTC_TIMESTAMP(3))`);
sql(`INSERT INTO users (id_tag, name, status, expiry_date, parent_id_tag) VALUES
	(${q(TAG)}, 'Driver A', 'Accepted', NULL, NULL),
	(${q(TAG_X)}, ${q(NAME_X)}, 'Blocked', NULL, ${q(TAG)}),
	(${q(TAG_OLD)}, 'Old card', 'Accepted', '2020-01-01 00:00:00', NULL)`);
{
	// CP A: 120 finished sessions, one an hour from BASE, and one running.
	const rows = [];
	for (let i = 0; i < N_DONE; i++) {
		const start = BASE + i * 3600000;
		rows.push(`(${q(CPA)}, ${1 + (i % 3)}, ${q(TAG)}, ${1000 * i}, ${1000 * i + whOf(i)},
			'${dbTime(start)}', '${dbTime(start + 20 * 60000)}', 'Local')`);
	}
	sql(`INSERT INTO transactions (cp_id, connector_id, id_tag, meter_start, meter_stop,
		start_ts, stop_ts, stop_reason) VALUES ${rows.join(',')}`);
	sql(`INSERT INTO transactions (cp_id, connector_id, id_tag, meter_start, start_ts) VALUES
		(${q(CPA)}, 1, ${q(TAG)}, 50000, UTC_TIMESTAMP(3) - INTERVAL 30 MINUTE)`);
	// CP B: a meter that went backwards (counts 0), and two recent days for
	// its energy chart.
	sql(`INSERT INTO transactions (cp_id, connector_id, id_tag, meter_start, meter_stop,
		start_ts, stop_ts, stop_reason) VALUES
		(${q(CPB)}, 1, ${q(TAG_X)}, 5000, 4000, '2024-05-03 10:00:00', '2024-05-03 11:00:00', 'Other'),
		(${q(CPB)}, 1, ${q(TAG)}, 0, 2000, UTC_TIMESTAMP(3) - INTERVAL 1 DAY,
			UTC_TIMESTAMP(3) - INTERVAL 1 DAY + INTERVAL 1 MINUTE, 'Local'),
		(${q(CPB)}, 1, ${q(TAG)}, 0, 4500, UTC_TIMESTAMP(3) - INTERVAL 3 DAY,
			UTC_TIMESTAMP(3) - INTERVAL 3 DAY + INTERVAL 1 MINUTE, 'Local')`);
}
const runningId = Number(sqlValue(`SELECT id FROM transactions WHERE cp_id = ${q(CPA)} AND stop_ts IS NULL`));
sql(`INSERT INTO meter_values (cp_id, connector_id, transaction_id, ts, measurand, value, value_num, unit, phase) VALUES
	(${q(CPA)}, 1, ${runningId}, UTC_TIMESTAMP(3) - INTERVAL 10 MINUTE, 'Energy.Active.Import.Register', '51000', 51000, 'Wh', NULL),
	(${q(CPA)}, 1, ${runningId}, UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE, 'Energy.Active.Import.Register', '53210', 53210, 'Wh', NULL),
	(${q(CPA)}, 1, ${runningId}, UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE, 'Energy.Active.Import.Register', '99999', 99999, 'Wh', 'L1'),
	(${q(CPA)}, 1, ${runningId}, UTC_TIMESTAMP(3), 'Power.Active.Import', '7000', 7000, 'W', NULL)`);

const price = Number(/^price_per_kwh=['"]?([\d.]+)/m.exec(execFileSync(`${env.bin}/ocppd`,
	['-c', env.conf, '--print-config'], { encoding: 'utf8' }))?.[1] ?? '0.30');

// ------------------------------------------------------------------ helpers
const group = (s) => s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
// Rounded as cgi-bin/money.c rounds: half away from zero, in integers.
const fixed = (v, d) => { const s = 10n ** BigInt(d); const i = `${v / s}`; return d ? `${group(i)}.${`${v % s}`.padStart(d, '0')}` : group(i); };
const kwh = (wh, d = 2) => fixed((BigInt(wh) * 10n ** BigInt(d) + 500n) / 1000n, d);
const priceMicro = BigInt(Math.round(price * 1e6));
const cost = (wh) => fixed((BigInt(wh) * priceMicro + 5000000n) / 10000000n, 2);

async function get(path, opts = {}) {
	const r = await fetch(path.startsWith('http') ? path : DASH + path, { redirect: 'manual', ...opts });
	return { status: r.status, headers: r.headers, text: await r.text() };
}

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();

// Fetches a page and loads its HTML into the browser; returns the response.
async function load(path, wantStatus = 200) {
	const r = await get(path);
	if (r.status !== wantStatus)
		throw new Error(`${path}: status ${r.status}, expected ${wantStatus}: ${r.text.slice(0, 300)}`);
	await page.setContent(r.text, { waitUntil: 'domcontentloaded' });
	return r;
}
const texts = (sel) => page.$$eval(sel, (els) => els.map((e) => e.textContent.replace(/\s+/g, ' ').trim()));
const text = async (sel) => (await texts(sel))[0];
const attrs = (sel, a) => page.$$eval(sel, (els, a) => els.map((e) => e.getAttribute(a)), a);
const byAttr = (name, value) => `[${name}="${value.replace(/["\\]/g, '\\$&')}"]`;

function expect(cond, why) {
	if (!cond) throw new Error(typeof why === 'function' ? why() : why);
}
function expectEq(what, got, want) {
	const g = JSON.stringify(got), w = JSON.stringify(want);
	expect(g === w, `${what}: got ${g}, expected ${w}`);
}

// Things every HTML answer must be; r's HTML is the loaded page.
async function checkFrame(name, r) {
	const h = r.headers;
	const csp = h.get('content-security-policy') || '';
	check(`${name}_headers`,
		/^text\/html; charset=utf-8$/.test(h.get('content-type')) &&
		/script-src 'self'/.test(csp) && /style-src 'self'/.test(csp) &&
		!/unsafe-inline|unsafe-eval/.test(csp) &&
		/nosniff/.test(h.get('x-content-type-options')) &&
		/DENY/.test(h.get('x-frame-options')) && h.get('referrer-policy') &&
		/no-store/.test(h.get('cache-control')),
	() => `headers: ${JSON.stringify(Object.fromEntries(h))}`);
	// CSP forbids them anyway; a page must not need them.
	const inline = await page.$$eval('*', (els) => els.filter((e) =>
		(e.tagName === 'SCRIPT' && !e.hasAttribute('src')) || e.tagName === 'STYLE' ||
		[...e.attributes].some((a) => a.name === 'style' || a.name.startsWith('on')))
		.map((e) => e.outerHTML.slice(0, 80)));
	checkEq(`${name}_no_inline_script_or_style`, inline, []);
}

// ---------------------------------------------------------------- overview
await test('overview_lists_filtered_cps_with_db_state', async () => {
	const r = await load(`/?q=${encodeURIComponent(P)}`);
	await checkFrame('overview', r);
	const ids = await attrs('tr[data-cp]', 'data-cp');
	expectEq('cp rows (sorted by id)', ids, [CPA, CPB, CPX].sort(
		(a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
	const total = Number(sqlValue('SELECT COUNT(*) FROM charge_points'));
	expectEq('count line', await text('#cp-count'), `Showing 3 of ${group(String(total))} charge points`);
	const a = `tr${byAttr('data-cp', CPA)}`;
	expectEq('A online', await text(`${a} .pill`), 'Online');
	expectEq('B offline', await text(`tr${byAttr('data-cp', CPB)} .pill`), 'Offline');
	expect(/seen 2 d ago/.test(await text(`tr${byAttr('data-cp', CPB)} td[data-label="Connection"]`)),
		'B: "seen 2 d ago"');
	const hb = await text(`${a} time`);
	const m = /^(\d+) s ago$/.exec(hb);
	expect(m && Number(m[1]) >= 12 && Number(m[1]) < 60, `A last seen "${hb}"`);
	expectEq('A vendor line', await text(`${a} th .sub`), 'ACME Fast 22 · fw 2.0.1');
	expectEq('A total kWh', await text(`${a} td.num`), '1,234.5');
	// Connector 0 is Available: not shown; the others in order with their
	// status, colour class and error code.
	expectEq('A connectors', await attrs(`${a} li.conn`, 'data-status'),
		['Charging', 'Faulted', 'SuspendedEV']);
	expectEq('A classes', await attrs(`${a} li.conn`, 'class'),
		['conn st-charging', 'conn st-faulted', 'conn st-suspended']);
	expectEq('A faulted error', await text(`${a} li[data-connector="2"] .conn-error`), 'GroundFailure');
	// The running session: tag, energy so far (latest whole-meter reading
	// 53210 - 50000 Wh; the L1 phase value and the power sample are not
	// energy so far), duration.
	const tx = await text(`${a} li[data-connector="1"] .conn-tx`);
	expect(new RegExp(`^${TAG} · 3\\.21 kWh · 3\\d min \\d\\d s$`).test(tx), `running tx "${tx}"`);
});

await test('overview_counters_match_db', async () => {
	const [[cps, online]] = sql('SELECT COUNT(*), SUM(connected) FROM charge_points');
	// counters.h: Charging connectors of connected charge points only.
	const charging = sqlValue(`SELECT COUNT(*) FROM connectors c JOIN charge_points cp ON cp.id = c.cp_id
		WHERE c.status = 'Charging' AND c.connector_id > 0 AND cp.connected = 1`);
	await load('/');
	expectEq('online/total', await text('#stat-online'), `${group(online)} / ${group(cps)}`);
	expectEq('charging', await text('#stat-charging'), group(charging));
});

await test('overview_connected_filter', async () => {
	await load(`/?connected=1&q=${encodeURIComponent(P)}`);
	expectEq('online only', (await attrs('tr[data-cp]', 'data-cp')).sort(), [CPA, CPX].sort());
	expectEq('select keeps choice', await attrs('select[name=connected] option[selected]', 'value'), ['1']);
	await load(`/?connected=0&q=${encodeURIComponent(P)}`);
	expectEq('offline only', await attrs('tr[data-cp]', 'data-cp'), [CPB]);
	await load(`/?q=${encodeURIComponent(`${P}_ALPHA`)}`); // case-insensitive text
	expectEq('text filter', await attrs('tr[data-cp]', 'data-cp'), [CPA]);
	await load(`/?q=${encodeURIComponent('no such cp %_')}`);
	expect(/No charge point matches/.test(await text('.empty')), 'empty filter message');
});

await test('hostile_cp_vendor_model_are_text', async () => {
	const r = await load(`/?q=${encodeURIComponent(P)}`);
	expect(!r.text.includes('<img src=x') && !r.text.includes('<b>V') && !r.text.includes('<svg'),
		'raw markup from the database reached the page');
	expect(r.text.includes('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;') ||
		r.text.includes('&lt;img src=x onerror=alert(1)&gt;&quot;&#x27;&amp;'), 'escaped id not found');
	const x = `tr${byAttr('data-cp', CPX)}`;
	expectEq('id as text', await text(`${x} a.cp-id`), CPX);
	expectEq('vendor/model as text', await text(`${x} th .sub`), `${VENDOR_X} ${MODEL_X}`);
	expectEq('no injected elements', await page.$$eval('img[src=x], svg[onload], b', (e) => e.length), 0);
	// Its link leads to its page.
	const href = (await attrs(`${x} a.cp-id`, 'href'))[0];
	const cp = await load(new URL(href, DASH + '/').href);
	await checkFrame('hostile_cp_page', cp);
	expectEq('detail title', await text('h1.cp-title'), `${CPX} Online`);
});

// ------------------------------------------------------- charge point page
await test('cp_page_fields_connectors_tx_chart', async () => {
	const r = await load(`/cp/${encodeURIComponent(CPA)}`);
	await checkFrame('cp_page', r);
	const fields = Object.fromEntries(await page.$$eval('dl.fields', (dls) => dls.flatMap((dl) =>
		[...dl.querySelectorAll('dt')].map((dt) => [dt.textContent.trim(),
			dt.nextElementSibling.textContent.replace(/\s+/g, ' ').trim()]))));
	expectEq('vendor', fields.Vendor, 'ACME');
	expectEq('model', fields.Model, 'Fast 22');
	expectEq('firmware', fields.Firmware, '2.0.1');
	expectEq('serial', fields['Serial number'], 'SN-A');
	expectEq('energy', fields['Energy delivered'], '1,234.500 kWh');
	expect(/\(\d+ s ago\)$/.test(fields['Last heartbeat'] || ''), `heartbeat ${fields['Last heartbeat']}`);
	expect(/\(\d+ s ago\)$/.test(fields['Last seen'] || ''), `last seen ${fields['Last seen']}`);
	expectEq('connectors', await attrs('tr[data-connector]', 'data-status'),
		['Available', 'Charging', 'Faulted', 'SuspendedEV']);
	expectEq('faulted info as text', await text('tr[data-connector="2"] td[data-label="Status"] .sub'), '<u>info</u>');
	const want = sql(`SELECT id FROM transactions WHERE cp_id = ${q(CPA)}
		ORDER BY start_ts DESC, id DESC LIMIT 10`).map((x) => x[0]);
	expectEq('last transactions', await page.$$eval('table.tx tbody th',
		(t) => t.map((e) => e.textContent.trim())), want);
	expectEq('chart bars', await page.$$eval('svg.chart-svg rect.bar', (b) => b.length), 30);
});

await test('cp_page_chart_energy_per_day', async () => {
	await load(`/cp/${encodeURIComponent(CPB)}`);
	const rows = await page.$$eval('.chart-data tbody tr', (trs) => trs.map((tr) =>
		[...tr.children].map((td) => td.textContent.trim())));
	expectEq('30 days', rows.length, 30);
	const [[today, d1, d3]] = sql(`SELECT DATE(UTC_TIMESTAMP()), DATE(UTC_TIMESTAMP() - INTERVAL 1 DAY),
		DATE(UTC_TIMESTAMP() - INTERVAL 3 DAY)`);
	expectEq('last day is today', rows[29][0], today);
	const v = Object.fromEntries(rows);
	expectEq('day -1', v[d1], '2');
	expectEq('day -3', v[d3], '4.5');
	expect(rows.filter(([d]) => d !== d1 && d !== d3).every(([, x]) => x === '0'), 'other days are 0');
	expect(/6\.5 kWh in total/.test(await text('#h-chart')), 'chart total');
	// The bar tooltips carry the same numbers.
	expect((await texts('svg.chart-svg rect.bar title')).includes(`${d1}: 2 kWh`), 'bar title');
});

await test('cp_page_unknown_is_404_page', async () => {
	const r = await load(`/cp/${encodeURIComponent(`${P}<nope>`)}`, 404);
	await checkFrame('cp_404', r);
	expectEq('title', await text('h1'), 'Charge point not found');
	expect((await text('main p:not(.error-code)')).includes(`${P}<nope>`), 'names the id, as text');
});

// ------------------------------------------------------------ transactions
const cpaIds = sql(`SELECT id FROM transactions WHERE cp_id = ${q(CPA)} ORDER BY start_ts DESC, id DESC`)
	.map((x) => x[0]);

await test('transactions_pages_and_links', async () => {
	const base = `/transactions?cp_id=${encodeURIComponent(CPA)}`;
	const pages = [[1, 0, 50], [2, 50, 100], [3, 100, 121]];
	for (const [n, from, to] of pages) {
		const r = await load(`${base}${n > 1 ? `&page=${n}` : ''}`);
		if (n === 1) await checkFrame('transactions', r);
		expectEq(`page ${n} rows`, await attrs('tr[data-tx]', 'data-tx'), cpaIds.slice(from, to));
		expectEq(`page ${n} position`, await text('.pager-pos'), `page ${n} of 3`);
		expectEq(`page ${n} range`, await text('#tx-range'), `Rows ${from + 1}–${to} of 121 · page ${n} of 3`);
		const rel = Object.fromEntries(await page.$$eval('.pager a', (as) => as.map((a) => [a.rel, a.getAttribute('href')])));
		const link = (p) => `${new URL(DASH).pathname}/transactions?cp_id=${encodeURIComponent(CPA)}${p > 1 ? `&page=${p}` : ''}`;
		expectEq(`page ${n} links`, rel, {
			...(n > 1 ? { first: link(1), prev: link(n - 1) } : {}),
			...(n < 3 ? { next: link(n + 1), last: link(3) } : {}),
		});
	}
	const r = await get(`${base}&page=4`);
	expectEq('page past the end', r.status, 400);
	await load(`${base}&per_page=7&page=18`);
	expectEq('per_page', await attrs('tr[data-tx]', 'data-tx'), cpaIds.slice(119, 126));
	expectEq('per_page position', await text('.pager-pos'), 'page 18 of 18');
});

await test('transactions_totals_and_rows_match_db', async () => {
	await load(`/transactions?cp_id=${encodeURIComponent(CPA)}`);
	const wh = Array.from({ length: N_DONE }, (_, i) => whOf(i)).reduce((a, b) => a + b, 0);
	expectEq('count', await text('#tx-count'), '121');
	expectEq('active', await text('#tx-active'), '1');
	expectEq('energy', await text('#tx-kwh'), `${kwh(wh)} kWh`);
	expectEq('cost', await text('#tx-cost'), `${cost(wh)} EUR`);
	// The running one first, energy so far; then the newest finished one.
	const row = async (id) => Object.fromEntries(await page.$$eval(`tr[data-tx="${id}"] > *`,
		(cells) => cells.map((c) => [c.dataset.label, c.textContent.replace(/\s+/g, ' ').trim()])));
	const run = await row(cpaIds[0]);
	expectEq('running stop', run.Stop, 'running');
	expectEq('running kWh', run.kWh, '3.21');
	expect(/^3\d min \d\d s so far$/.test(run.Duration), `running duration ${run.Duration}`);
	const last = await row(cpaIds[1]);
	expectEq('finished row', [last['Charge point'], last['Id tag'], last.Start, last.Stop, last.Duration,
		last.kWh, last.Cost, last['Stop reason']],
	[CPA, TAG, '2024-05-05 23:30:00', '2024-05-05 23:50:00', '20 min 00 s',
		kwh(whOf(N_DONE - 1)), cost(whOf(N_DONE - 1)), 'Local']);
});

await test('transactions_filters', async () => {
	const ids = async (query) => { await load(`/transactions?${query}`); return attrs('tr[data-tx]', 'data-tx'); };
	const cp = `cp_id=${encodeURIComponent(CPA)}`;
	expectEq('active', await ids(`${cp}&status=active`), [cpaIds[0]]);
	expectEq('completed count', (await ids(`${cp}&status=completed&per_page=500`)).length, 120);
	// Dates are whole UTC days, "to" included: May 2 and 3 hold i = 24..71.
	const d = await ids(`${cp}&from=2024-05-02&to=2024-05-03&per_page=500`);
	expectEq('date range', d, cpaIds.slice(1 + 120 - 72, 1 + 120 - 24));
	expectEq('form keeps filters', await attrs('.filters input[name=from], .filters input[name=to]', 'value'),
		['2024-05-02', '2024-05-03']);
	const tag = await ids(`id_tag=${encodeURIComponent(TAG_X.toUpperCase())}`); // tags are case-insensitive
	expectEq('tag filter', tag.length, 1);
	const r = await get(`/transactions?id_tag=${encodeURIComponent(TAG_X)}`);
	expect(!r.text.includes(TAG_X) && r.text.includes('&lt;i&gt;'), 'hostile tag escaped');
	await page.setContent(r.text);
	expectEq('hostile tag as text', await text('tr[data-tx] .tag'), TAG_X);
	expectEq('negative energy is 0', await text('#tx-kwh'), '0.00 kWh');
	// The CSV link carries the same filters to the API.
	const csv = (await attrs('a[download]', 'href'))[0];
	expect(csv.endsWith(`/cgi-bin/api/transactions.csv?id_tag=${encodeURIComponent(TAG_X).replace(/[!'()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`), `csv link ${csv}`);
});

// -------------------------------------------------------------------- tags
await test('tags_page', async () => {
	const r = await load(`/tags?q=${encodeURIComponent(P)}`);
	await checkFrame('tags', r);
	expect(!r.text.includes(NAME_X) && !r.text.includes(TAG_X), 'hostile tag or name unescaped');
	const rows = await page.$$eval('tr[data-tag]', (trs) => trs.map((tr) => [tr.dataset.tag,
		tr.querySelector('[data-label="Name"]').textContent.trim(),
		tr.querySelector('.badge').textContent.trim(),
		tr.querySelector('[data-label="Parent tag"]').textContent.trim()]));
	const want = [[TAG, 'Driver A', 'Accepted', '—'], [TAG_OLD, 'Old card', 'Expired', '—'],
		[TAG_X, NAME_X, 'Blocked', TAG]];
	expectEq('rows', rows.sort(), want.sort());
});

// A search is for the text typed: '_' and '%' are not wildcards, '!' (the
// escape character) and '\\' are ordinary characters.
await test('tags_search_is_literal', async () => {
	for (const [query, want] of [[`${P}-`, [TAG, TAG_OLD, TAG_X]], [`${P}_`, []], [`${P}%`, []],
		[`${P}!`, []], [`${P}\\`, []]]) {
		await load(`/tags?q=${encodeURIComponent(query)}`);
		const got = await page.$$eval('tr[data-tag]', (trs) => trs.map((tr) => tr.dataset.tag));
		expectEq(`q=${query}`, got.sort(), want.sort());
	}
});

// ------------------------------------------------------------------ errors
const errorCases = [
	['unknown_route', '/nope', 404],
	['unknown_route_deep', '/cp', 404],
	['page_zero', '/transactions?page=0', 400],
	['page_negative', '/transactions?page=-1', 400],
	['page_fraction', '/transactions?page=1.5', 400],
	['page_text', '/transactions?page=abc', 400],
	['page_leading_zero', '/transactions?page=01', 400],
	['per_page_huge', '/transactions?per_page=100000', 400],
	['bad_status', '/transactions?status=paused', 400],
	['bad_date', '/transactions?from=2024-02-30', 400],
	['from_after_to', '/transactions?from=2024-05-03&to=2024-05-01', 400],
	['tags_page_past_end', `/tags?q=${encodeURIComponent(P)}&page=2`, 400],
	['bad_connected', '/?connected=yes', 400],
	['long_query', `/?q=${'x'.repeat(101)}`, 400],
	['bad_utf8', '/?q=%C3', 400],
];
for (const [name, path, status] of errorCases) {
	await test(`error_${name}`, async () => {
		const r = await load(path, status);
		expect(r.text.length > 200, 'blank page');
		expectEq('status line', await text('.error-code'), `${status} · ${status === 400 ? 'Bad Request' : 'Not Found'}`);
		expect((await text('h1')).length > 0, 'no title');
		expect(/nav/.test(r.text) && /href="[^"]*\/cgi-bin\/dashboard\/"/.test(r.text), 'no way back');
	});
}

await test('error_405_on_post', async () => {
	const r = await get('/', { method: 'POST', body: 'x=1' });
	expectEq('status', r.status, 405);
	expectEq('allow', r.headers.get('allow'), 'GET, HEAD');
	expect(/Method not allowed/.test(r.text), r.text.slice(0, 200));
});

await test('head_has_headers_no_body', async () => {
	const r = await get('/', { method: 'HEAD' });
	expectEq('status', r.status, 200);
	expectEq('body', r.text, '');
	expect(/text\/html/.test(r.headers.get('content-type')), 'content type');
});

await test('static_assets_served', async () => {
	const want = { 'csms.css': /text\/css/, 'refresh.js': /javascript/, 'favicon.svg': /image\/svg\+xml/,
		'favicon.ico': /image\/(x-icon|vnd\.microsoft\.icon)/ };
	for (const [file, type] of Object.entries(want)) {
		const r = await fetch(`${env.httpUrl}/static/${file}`);
		expect(r.status === 200 && type.test(r.headers.get('content-type')), `${file}: ${r.status} ${r.headers.get('content-type')}`);
		expect((await r.arrayBuffer()).byteLength > 100, `${file} is empty`);
	}
});

await browser.close();
done();
