#!/usr/bin/env node
// 87-dashboard-tariffs.mjs — the Tariffs page in a real headless Chromium
// through lighttpd, ocppd's control socket and MariaDB (docs/tariffs.md):
//  - a tariff is created with the form (a bad price comes back as the
//    outcome line naming the field, and nothing is created);
//  - new prices make a second version, the first one closed where it
//    starts; the tariff is assigned to a charge point and unassigned;
//  - a tariff that priced nothing is deleted;
//  - the receipt page prints only the receipt (print media hides the
//    navigation); no console errors or CSP violations.
import { check, checkEq, cpId, done, env, fail, q, sql, sqlValue, test } from '../node/lib.mjs';
import { chromium } from '../node/node_modules/playwright-core/index.mjs';

const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
const CP = cpId('dtariff');
const NAME = `Browser tariff ${process.pid}`;
sql(`INSERT IGNORE INTO charge_points (id, vendor, model) VALUES (${q(CP)}, 'T87', 'Tariffs')`);
sql(`INSERT INTO transactions (cp_id, connector_id, id_tag, meter_start, meter_stop, start_ts, stop_ts)
	VALUES (${q(CP)}, 1, 'T87TAG', 0, 1000, '2024-06-01 10:00:00.000', '2024-06-01 11:00:00.000')`);
const txId = sqlValue(`SELECT MAX(id) FROM transactions WHERE cp_id = ${q(CP)}`);

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
const outcome = async () => (await page.textContent('#outcome'))?.replace(/\s+/g, ' ').trim();
const submit = (sel) => Promise.all([page.waitForNavigation(), page.click(`${sel} button[type="submit"]`)]);
const tariffId = () => sqlValue(`SELECT id FROM tariffs WHERE name = ${q(NAME)}`);

try {
	await test('bad_price_refused_with_field', async () => {
		await page.goto(`${DASH}/tariffs`);
		await page.fill('#tariff-form input[name="name"]', NAME);
		await page.fill('#tariff-form input[name="energy_price"]', '0,30');
		await submit('#tariff-form');
		const o = await outcome();
		check('outcome_names_field', /energy_price/.test(o || ''), `outcome: ${o}`);
		checkEq('nothing_created', tariffId(), undefined);
	});

	await test('create_version_assign_delete', async () => {
		await page.goto(`${DASH}/tariffs`);
		await page.fill('#tariff-form input[name="name"]', NAME);
		await page.fill('#tariff-form input[name="energy_price"]', '0.35');
		await page.fill('#tariff-form input[name="vat_rate"]', '20');
		await page.check('#tariff-form input[name="prices_include_vat"]');
		await page.fill('#tariff-form input[name="valid_from"]', '2025-01-01T00:00:00Z');
		await submit('#tariff-form');
		check('created', /saved/.test(await outcome() || ''), await outcome());
		const id = tariffId();
		checkEq('stored', sql(`SELECT energy_price, vat_rate_bp, prices_include_vat FROM tariff_versions WHERE tariff_id = ${id}`),
			[['0.350000', '2000', '1']]);
		await page.click(`#tariff-${id} summary:has-text("New prices")`);
		await page.fill(`#version-${id} input[name="energy_price"]`, '0.39');
		await submit(`#version-${id}`);
		checkEq('two_versions', sql(`SELECT energy_price, valid_to IS NULL FROM tariff_versions WHERE tariff_id = ${id} ORDER BY id`),
			[['0.350000', '0'], ['0.390000', '1']]);
		check('current_marked', (await page.textContent(`#tariff-${id}`)).includes('current'));
		await page.click(`#tariff-${id} summary:has-text("Assign")`);
		await page.fill(`#assign-${id} input[name="cp_id"]`, CP);
		await submit(`#assign-${id}`);
		checkEq('assigned', sqlValue(`SELECT cp_id FROM tariff_assignments WHERE tariff_id = ${id}`), CP);
		await Promise.all([page.waitForNavigation(), page.click(`#tariff-${id} .assignments button`)]);
		checkEq('unassigned', sqlValue(`SELECT COUNT(*) FROM tariff_assignments WHERE tariff_id = ${id}`), '0');
		await Promise.all([page.waitForNavigation(), page.click(`#tariff-${id} button.danger`)]);
		checkEq('deleted', tariffId(), undefined);
	});

	await test('receipt_prints_only_the_receipt', async () => {
		await page.goto(`${DASH}/receipts/${txId}`);
		checkEq('receipt_shown', await page.isVisible('#receipt'), true);
		await page.emulateMedia({ media: 'print' });
		checkEq('nav_hidden_in_print', [await page.isVisible('header.topbar'), await page.isVisible('#receipt')], [false, true]);
		await page.emulateMedia({ media: 'screen' });
	});

	check('no_console_errors_or_csp_violations', problems.length === 0, () => problems.join(' | '));
} catch (e) {
	fail('browser_session', e.stack || e);
} finally {
	await browser.close();
}
done();
