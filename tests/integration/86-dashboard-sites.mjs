#!/usr/bin/env node
// 86-dashboard-sites.mjs — the Sites pages and the charge point page's
// Site and lifecycle card in a real headless Chromium (Debian's chromium),
// through lighttpd, ocppd's control socket and MariaDB (docs/sites.md):
//  - a site is created with the form on /sites (a grid limit in kW shown
//    as amps per phase), then listed with its totals;
//  - a bad value (a time zone that is not one) comes back as the outcome
//    line naming the field, and nothing is created;
//  - a connected charge point is assigned to the site from its page, and
//    the site page lists it Online; the overview filters by site;
//  - notes are saved; Retire closes its link and refuses it when it
//    connects again, the overview hides it unless "Retired" is chosen;
//    Bring back lets it in; a charge point without transactions is
//    deleted; the emptied site is deleted from its page.
import {
	check, checkEq, cpId, done, env, fail, handshakeStatus, ocppClient, q, sql, sqlValue, test, until,
} from '../node/lib.mjs';
import { chromium } from '../node/node_modules/playwright-core/index.mjs';

const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
const CP = cpId('dsite');
const SPARE = cpId('dspare');
const NAME = `Browser site ${process.pid}`;
const enc = encodeURIComponent;

sql(`INSERT IGNORE INTO charge_points (id, vendor, model) VALUES (${q(SPARE)}, 'Spare', 'Unit')`);

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
let cli;
let siteId;

try {
	cli = await ocppClient(CP);
	await cli.call('BootNotification', { chargePointVendor: 'T86', chargePointModel: 'Sites' });
	await cli.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });

	await test('bad_site_refused_with_field', async () => {
		await page.goto(`${DASH}/sites`);
		await page.fill('#site-form input[name="name"]', `${NAME} bad`);
		await page.fill('#site-form input[name="time_zone"]', 'Nowhere/Atlantis');
		await Promise.all([page.waitForNavigation(), page.click('#site-form button[type="submit"]')]);
		const o = await outcome();
		check('names_time_zone', /time_zone/.test(o || ''), () => `outcome "${o}"`);
		checkEq('not_created', sqlValue(`SELECT COUNT(*) FROM sites WHERE name = ${q(`${NAME} bad`)}`), '0');
	});

	await test('create_site_form', async () => {
		await page.goto(`${DASH}/sites`);
		await page.fill('#site-form input[name="name"]', NAME);
		await page.fill('#site-form input[name="address"]', '5 Test Street');
		await page.fill('#site-form input[name="time_zone"]', 'Europe/Paris');
		await page.fill('#site-form input[name="grid_limit"]', '22');
		await page.selectOption('#site-form select[name="grid_limit_unit"]', 'kW');
		await Promise.all([page.waitForNavigation(), page.click('#site-form button[type="submit"]')]);
		siteId = Number(sqlValue(`SELECT id FROM sites WHERE name = ${q(NAME)}`));
		check('site_row', siteId > 0);
		checkEq('on_site_page', new URL(page.url()).pathname.endsWith(`/sites/${siteId}`), true);
		checkEq('created_outcome', await outcome(), 'Site: created dismiss');
		checkEq('limit_shown_in_amps', (await page.textContent('#site-limit')).trim(), '31.8 A × 3');
		checkEq('stored_amps', sqlValue(`SELECT grid_limit_a FROM sites WHERE id = ${siteId}`), '31.8');
		// Saved back with the limit as shown (21.9 kW), the amps stay.
		checkEq('limit_shown_in_kw', await page.inputValue('#site-form input[name="grid_limit"]'), '21.9');
		await page.fill('#site-form input[name="address"]', '7 Test Street');
		await Promise.all([page.waitForNavigation(), page.click('#site-form button[type="submit"]')]);
		checkEq('saved_outcome', await outcome(), 'Site: saved dismiss');
		checkEq('amps_kept', sqlValue(`SELECT CONCAT(grid_limit_a, ' ', address) FROM sites WHERE id = ${siteId}`),
			'31.8 7 Test Street');
	});

	await test('assign_from_cp_page', async () => {
		await page.goto(`${DASH}/cp/${enc(CP)}`);
		await page.selectOption('#cp-site-form select[name="site_id"]', String(siteId));
		await Promise.all([page.waitForNavigation(), page.click('#cp-site-form button[type="submit"]')]);
		checkEq('assigned_outcome', await outcome(), `Charge point: ${CP} site saved dismiss`);
		checkEq('site_link', (await page.textContent('#cp-site')).trim(), NAME);
		await page.goto(`${DASH}/sites/${siteId}`);
		checkEq('listed_online', (await page.textContent(`tr[data-cp="${CP}"] .pill`)).trim(), 'Online');
		checkEq('site_totals', (await page.textContent('#site-cps')).trim(), '1 / 1');
		await page.goto(`${DASH}/sites`);
		checkEq('list_count', (await page.textContent(`tr[data-site="${siteId}"] td[data-label="Charge points"]`)).trim(), '1');
		await page.goto(`${DASH}/?site=${siteId}`);
		const rows = await page.$$eval('tr[data-cp]', (t) => t.map((r) => r.dataset.cp));
		checkEq('overview_site_filter', rows, [CP]);
	});

	await test('notes_retire_unretire', async () => {
		await page.goto(`${DASH}/cp/${enc(CP)}`);
		await page.fill('#cp-notes-form textarea[name="notes"]', 'Left of the entrance');
		await Promise.all([page.waitForNavigation(), page.click('#cp-notes-form button[type="submit"]')]);
		checkEq('notes_saved', sqlValue(`SELECT notes FROM charge_points WHERE id = ${q(CP)}`), 'Left of the entrance');
		checkEq('notes_shown', await page.inputValue('#cp-notes-form textarea[name="notes"]'), 'Left of the entrance');
		const closed = new Promise((resolve) => cli.once('close', resolve));
		await Promise.all([page.waitForNavigation(), page.click('#cp-retire-form button[value="retire"]')]);
		checkEq('retired_outcome', await outcome(), `Charge point: ${CP} retired dismiss`);
		checkEq('retired_badge', await page.isVisible('#retired-badge'), true);
		check('link_closed', await Promise.race([closed.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]));
		checkEq('refused_on_connect', (await handshakeStatus(`/${enc(CP)}`, ['ocpp1.6'])).status, 403);
		await page.goto(`${DASH}/?site=${siteId}`);
		checkEq('hidden_from_overview', await page.$$eval('tr[data-cp]', (t) => t.length), 0);
		await page.selectOption('select[name="retired"]', '1');
		await Promise.all([page.waitForNavigation(), page.click('form.filters button[type="submit"]')]);
		checkEq('shown_when_asked', await page.$$eval('tr[data-cp]', (t) => t.map((r) => r.dataset.cp)), [CP]);
		await page.goto(`${DASH}/cp/${enc(CP)}`);
		await Promise.all([page.waitForNavigation(), page.click('#cp-retire-form button[value="unretire"]')]);
		checkEq('back_outcome', await outcome(), `Charge point: ${CP} brought back dismiss`);
		cli = await ocppClient(CP);
		checkEq('connects_again', (await cli.call('BootNotification', { chargePointVendor: 'T86', chargePointModel: 'Sites' })).status, 'Accepted');
	});

	await test('delete_cp_and_site', async () => {
		await page.goto(`${DASH}/cp/${enc(SPARE)}`);
		await Promise.all([page.waitForNavigation(), page.click('#cp-retire-form button[value="delete"]')]);
		checkEq('cp_deleted', sqlValue(`SELECT COUNT(*) FROM charge_points WHERE id = ${q(SPARE)}`), '0');
		await page.goto(`${DASH}/sites/${siteId}`);
		await Promise.all([page.waitForNavigation(), page.click('#site-delete button')]);
		check('in_use_refused', /in_use|charge points/.test(await outcome() || ''));
		sql(`UPDATE charge_points SET site_id = NULL WHERE id = ${q(CP)}`);
		await page.goto(`${DASH}/sites/${siteId}`);
		await Promise.all([page.waitForNavigation(), page.click('#site-delete button')]);
		checkEq('site_deleted', sqlValue(`SELECT COUNT(*) FROM sites WHERE id = ${siteId}`), '0');
		checkEq('back_on_list', new URL(page.url()).pathname.endsWith('/sites'), true);
	});

	check('no_console_errors_or_csp_violations', problems.length === 0, () => problems.join(' | '));
} catch (e) {
	fail('browser_session', e.stack || e);
} finally {
	if (cli) await cli.close({ force: true }).catch(() => {});
	await browser.close();
}
done();
