#!/usr/bin/env node
// 62-dashboard-browser.mjs — the dashboard in a real headless Chromium
// (Debian's chromium), against a charge point driven over OCPP by ocpp-rpc
// so the test decides exactly when its connector starts charging:
//   connect + BootNotification + StatusNotification Available
//   -> the overview shows the charge point and its Available connector;
//   StatusNotification Charging + StartTransaction + MeterValues
//   -> the open page shows Charging with the session's energy after its
//      auto-refresh, without reloading, losing the scroll position or the
//      text typed in the filter box;
//   StopTransaction + Available -> the session disappears again.
// Also: no CSP violation or script error, the charge point page, the page
// with JavaScript off, and a screenshot for people to look at.
import {
	check, cpId, done, env, fail, isoNow, ocppClient, pass, q, sql, test,
} from '../node/lib.mjs';
import { chromium } from '../node/node_modules/playwright-core/index.mjs';

const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
const CP = cpId('dash');
const TAG = `D62${process.pid % 100000}`;
const REFRESH_WAIT = 15000; // the page refreshes every 5 s

sql(`INSERT INTO users (id_tag, name, status) VALUES (${q(TAG)}, 'Browser test', 'Accepted')`);
// Enough other charge points for the overview to scroll.
sql(`INSERT INTO charge_points (id, vendor, model, connected) VALUES ${Array.from({ length: 30 },
	(_, i) => `(${q(`${CP}_pad${String(i).padStart(2, '0')}`)}, 'Pad', 'Filler', 0)`).join(',')}`);

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
const problems = [];
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console: ${m.text()}`); });
page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));

const row = `tr[data-cp="${CP}"]`;
const conn = (n) => `${row} li[data-connector="${n}"]`;
let cli;
let txId;

try {
	cli = await ocppClient(CP);
	await cli.call('BootNotification', { chargePointVendor: 'BrowserTest', chargePointModel: 'Chromium' });
	for (const connectorId of [1, 2])
		await cli.call('StatusNotification', { connectorId, errorCode: 'NoError', status: 'Available', timestamp: isoNow() });

	await test('overview_shows_connected_cp', async () => {
		// Its own charge points: the overview shows 50 a page, sorted by id.
		const r = await page.goto(`${DASH}/?q=${encodeURIComponent(CP)}`);
		if (r.status() !== 200) throw new Error(`status ${r.status()}`);
		await page.waitForSelector(`${conn(1)}[data-status="Available"]`, { timeout: 5000 });
		const pill = await page.textContent(`${row} .pill`);
		if (pill.trim() !== 'Online') throw new Error(`pill "${pill}"`);
		const vendor = await page.textContent(`${row} th .sub`);
		if (!/BrowserTest Chromium/.test(vendor)) throw new Error(`vendor line "${vendor}"`);
	});

	await test('stylesheet_applied', async () => {
		// The status colour comes from csms.css: the Available chip is green.
		const colour = await page.$eval(conn(1), (e) => getComputedStyle(e).color);
		const [r, g, b] = colour.match(/\d+/g).map(Number);
		if (!(g > r && g > b)) throw new Error(`Available chip colour ${colour}`);
	});

	// State the refresh must keep: scroll position, unsent filter text, and
	// the page itself (a reload would drop the marker).
	await page.evaluate(() => { window.__noReload = 1; });
	await page.fill('input[name=q]', 'typed, not sent');
	const scrollY = await page.evaluate(() => {
		window.scrollTo(0, Math.min(400, document.documentElement.scrollHeight - innerHeight));
		return window.scrollY;
	});
	check('overview_scrolls', scrollY > 0, 'page too short to scroll');
	const refreshedBefore = await page.evaluate(() => document.body.dataset.refreshed || '0');

	// The charge point starts a session.
	await cli.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing', timestamp: isoNow() });
	const start = await cli.call('StartTransaction', { connectorId: 1, idTag: TAG, meterStart: 10000, timestamp: isoNow() });
	txId = start.transactionId;
	await cli.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging', timestamp: isoNow() });
	await cli.call('MeterValues', { connectorId: 1, transactionId: txId, meterValue: [{ timestamp: isoNow(),
		sampledValue: [{ value: '11500', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] });

	await test('charging_appears_after_refresh', async () => {
		await page.waitForSelector(`${conn(1)}[data-status="Charging"]`, { timeout: REFRESH_WAIT });
		const cls = await page.getAttribute(conn(1), 'class');
		if (!/st-charging/.test(cls)) throw new Error(`class ${cls}`);
		const tx = (await page.textContent(`${conn(1)} .conn-tx`)).replace(/\s+/g, ' ').trim();
		if (!tx.startsWith(`${TAG} · 1.50 kWh · `)) throw new Error(`session text "${tx}"`);
		const other = await page.getAttribute(conn(2), 'data-status');
		if (other !== 'Available') throw new Error(`connector 2 ${other}`);
	});

	await test('refresh_keeps_page_scroll_and_filter', async () => {
		const s = await page.evaluate(() => ({ marker: window.__noReload, y: window.scrollY,
			q: document.querySelector('input[name=q]').value, refreshed: document.body.dataset.refreshed,
			stale: document.body.classList.contains('stale') }));
		if (s.marker !== 1) throw new Error('the page was reloaded');
		if (s.y !== scrollY) throw new Error(`scroll ${s.y}, was ${scrollY}`);
		if (s.q !== 'typed, not sent') throw new Error(`filter text "${s.q}"`);
		if (!(Number(s.refreshed) > Number(refreshedBefore))) throw new Error('no refresh recorded');
		if (s.stale) throw new Error('page marked stale');
	});

	// The picture for people: the overview filtered to this charge point
	// (first, with its fillers below), counters on top.
	await page.goto(`${DASH}/?q=${encodeURIComponent(CP)}`);
	await page.waitForSelector(`${conn(1)}[data-status="Charging"]`, { timeout: 5000 });
	await page.screenshot({ path: `${env.out}/dashboard-overview.png` });
	pass('screenshot_saved');

	await test('cp_page_live', async () => {
		const r = await page.goto(`${DASH}/cp/${encodeURIComponent(CP)}`);
		if (r.status() !== 200) throw new Error(`status ${r.status()}`);
		const st = await page.getAttribute('tr[data-connector="1"]', 'data-status');
		if (st !== 'Charging') throw new Error(`connector 1 ${st}`);
		if (await page.$$eval('svg.chart-svg rect.bar', (b) => b.length) !== 30) throw new Error('chart');
		await page.evaluate(() => { window.__noReload = 2; });
		// The session ends while the page is open.
		await cli.call('StopTransaction', { transactionId: txId, meterStop: 12000, timestamp: isoNow(), idTag: TAG });
		await cli.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: isoNow() });
		await page.waitForSelector('tr[data-connector="1"][data-status="Available"]', { timeout: REFRESH_WAIT });
		const last = await page.textContent('table.tx tbody tr');
		if (!/2\.00/.test(last) || !new RegExp(TAG).test(last)) throw new Error(`last transaction row "${last}"`);
		if (await page.evaluate(() => window.__noReload) !== 2) throw new Error('the page was reloaded');
		await page.screenshot({ path: `${env.out}/dashboard-chargepoint.png`, fullPage: true });
	});

	await test('phone_width_has_no_horizontal_scroll', async () => {
		const phone = await context.newPage();
		await phone.setViewportSize({ width: 390, height: 800 });
		await phone.goto(`${DASH}/?q=${encodeURIComponent(CP)}`);
		const over = await phone.evaluate(() => document.documentElement.scrollWidth - innerWidth);
		await phone.screenshot({ path: `${env.out}/dashboard-phone.png`, fullPage: true });
		await phone.close();
		if (over > 0) throw new Error(`${over}px wider than the screen`);
	});

	await test('works_with_javascript_off', async () => {
		const ctx = await browser.newContext({ javaScriptEnabled: false });
		const p = await ctx.newPage();
		await p.goto(`${DASH}/?q=${encodeURIComponent(CP)}`);
		const st = await p.getAttribute(`${row} li[data-connector="1"]`, 'data-status');
		const meta = await p.getAttribute('noscript meta[http-equiv=refresh], meta[http-equiv=refresh]', 'content');
		await ctx.close();
		if (st !== 'Available') throw new Error(`connector 1 ${st}`);
		if (meta !== '5') throw new Error(`no-script refresh ${meta}`);
	});

	await test('overview_pager_next_and_previous', async () => {
		// 60 online of 120: two pages, walked with the pager's links
		// (keyset: after= the last id shown, before= the first), the
		// filters kept in the form and the address.
		const pg = `${CP}_pg`;
		const all = Array.from({ length: 120 }, (_, i) => `${pg}${String(i).padStart(3, '0')}`);
		sql(`INSERT INTO charge_points (id, vendor, model, connected) VALUES ${all.map((c, i) =>
			`(${q(c)}, 'Pager', 'Browser', ${i % 2})`).join(',')}`);
		const online = all.filter((_, i) => i % 2);
		const rows = () => page.$$eval('tr[data-cp]', (r) => r.map((e) => e.getAttribute('data-cp')));
		await page.goto(`${DASH}/?q=${encodeURIComponent(pg)}&connected=1`);
		const first = await rows();
		await Promise.all([page.waitForNavigation(), page.click('a[rel=next]')]);
		const second = await rows();
		const url2 = new URL(page.url());
		const kept = await page.inputValue('input[name=q]');
		const conn2 = await page.$eval('select[name=connected]', (s) => s.value);
		await Promise.all([page.waitForNavigation(), page.click('a[rel=prev]')]);
		const back = await rows();
		sql(`DELETE FROM charge_points WHERE id LIKE ${q(`${pg}%`)}`);
		if (JSON.stringify(first) !== JSON.stringify(online.slice(0, 50))) throw new Error(`page 1 ${first.slice(0, 3)}`);
		if (JSON.stringify(second) !== JSON.stringify(online.slice(50))) throw new Error(`page 2 ${second}`);
		if (url2.searchParams.get('after') !== online[49] || url2.searchParams.get('connected') !== '1'
			|| url2.searchParams.get('q') !== pg)
			throw new Error(`next went to ${url2}`);
		if (kept !== pg || conn2 !== '1') throw new Error(`form lost its filters: ${kept} ${conn2}`);
		if (JSON.stringify(back) !== JSON.stringify(first)) throw new Error(`back ${back.slice(0, 3)}`);
	});

	check('no_console_errors_or_csp_violations', problems.length === 0, () => problems.join(' | '));
} catch (e) {
	fail('browser_session', e.stack || e);
} finally {
	if (cli) await cli.close({ force: true }).catch(() => {});
	await browser.close();
}
done();
