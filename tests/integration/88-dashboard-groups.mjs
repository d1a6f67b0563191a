#!/usr/bin/env node
// 88-dashboard-groups.mjs — the Groups pages, the bulk command forms and
// the bulk job page in a real headless Chromium, through lighttpd,
// ocppd's control socket and MariaDB (docs/sites.md,
// docs/bulk-commands.md):
//  - a group is created on /groups, a connected charge point added from
//    the group page (an unknown one refused with the reason), the group
//    renamed, a member removed, the group deleted;
//  - the group page's bulk form sends a Reset: the job page shows the
//    charge point answered, and the charge point got it; a payload that
//    is not JSON, or that the OCPP schema refuses, comes back as the
//    outcome naming the field, and no job is made;
//  - the site page's bulk form starts a slow job, and Cancel on the job
//    page stops it.
import {
	check, checkEq, cpId, done, env, fail, ocppClient, q, sql, sqlValue, test, until,
} from '../node/lib.mjs';
import { chromium } from '../node/node_modules/playwright-core/index.mjs';

const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
const CP = cpId('dgroup_a');
const SPARE = cpId('dgroup_b');
const NAME = `Browser group ${process.pid}`;

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
const submit = (sel) => Promise.all([page.waitForNavigation(), page.click(`${sel} button[type="submit"]`)]);
const jobs = () => Number(sqlValue('SELECT COUNT(*) FROM bulk_jobs'));
let cli;
let groupId;
const resets = [];

try {
	cli = await ocppClient(CP);
	await cli.call('BootNotification', { chargePointVendor: 'T88', chargePointModel: 'Groups' });
	cli.handle('Reset', ({ params }) => { resets.push(params.type); return { status: 'Accepted' }; });
	cli.handle('ClearCache', () => ({ status: 'Accepted' }));

	await test('create_group_and_members', async () => {
		await page.goto(`${DASH}/groups`);
		await page.fill('#group-name', NAME);
		await page.fill('#group-description', 'made in a browser');
		await submit('#group-form');
		groupId = Number(sqlValue(`SELECT id FROM cp_groups WHERE name = ${q(NAME)}`));
		check('group_row', groupId > 0);
		checkEq('on_group_page', new URL(page.url()).pathname.endsWith(`/groups/${groupId}`), true);
		checkEq('created_outcome', await outcome(), 'Group: created dismiss');
		await page.fill('#member-cp', CP);
		await submit('#member-form');
		checkEq('added_outcome', await outcome(), 'Group: charge point added dismiss');
		check('member_listed', await page.isVisible(`#group-cps tr[data-cp="${CP}"]`));
		await page.fill('#member-cp', `${CP}-nobody`);
		await submit('#member-form');
		check('unknown_refused', /not_found|no charge point|not found/i.test(await outcome() || ''),
			async () => `outcome "${await outcome()}"`);
		await page.goto(`${DASH}/groups`);
		checkEq('listed_with_count',
			(await page.textContent(`#groups tr[data-group="${groupId}"] td.num`)).trim(), '1');
	});

	await test('bulk_form_on_group_page', async () => {
		await page.goto(`${DASH}/groups/${groupId}`);
		const before = jobs();
		await page.selectOption('#bulk-action', 'Reset');
		await page.fill('#bulk-params', '{"type": "Bogus"}');
		await submit('#bulk-form');
		check('schema_refusal_names_type', /type/.test(await outcome() || ''), async () => `outcome "${await outcome()}"`);
		await page.selectOption('#bulk-action', 'Reset');
		await page.fill('#bulk-params', 'type=Soft');
		await submit('#bulk-form');
		check('not_json_refused', /payload: not a JSON object/.test(await outcome() || ''));
		checkEq('no_job_made', jobs(), before);
		await page.selectOption('#bulk-action', 'Reset');
		await page.fill('#bulk-params', '{"type": "Soft"}');
		await page.fill('#bulk-per-minute', '60');
		await submit('#bulk-form');
		check('on_job_page', /\/bulk-jobs\/\d+$/.test(new URL(page.url()).pathname), page.url());
		checkEq('started_outcome', await outcome(), 'Bulk job: started for 1 charge points dismiss');
		const ok = await until(async () => {
			await page.reload();
			return (await page.getAttribute(`#job-items tr[data-cp="${CP}"]`, 'data-status')) === 'answered';
		}, 20000, 500);
		check('item_answered', ok);
		checkEq('cp_got_reset', resets, ['Soft']);
		// The job ends at the next pass after its last answer.
		const finished = await until(async () => {
			await page.reload();
			return (await page.textContent('#job-status')).trim() === 'done';
		}, 20000, 500);
		check('job_done', finished);
		await page.goto(`${DASH}/bulk-jobs`);
		check('in_job_list', /Reset/.test(await page.textContent('#bulk-jobs')));
	});

	await test('bulk_form_on_site_page_and_cancel', async () => {
		sql(`INSERT INTO sites (name, created_at, updated_at) VALUES (${q(`${NAME} site`)}, NOW(3), NOW(3))`);
		const siteId = sqlValue(`SELECT id FROM sites WHERE name = ${q(`${NAME} site`)}`);
		sql(`UPDATE charge_points SET site_id = ${siteId} WHERE id IN (${q(CP)}, ${q(SPARE)})`);
		await page.goto(`${DASH}/sites/${siteId}`);
		await page.selectOption('#bulk-action', 'ClearCache');
		await page.fill('#bulk-per-minute', '1');
		await submit('#bulk-form');
		checkEq('started_outcome', await outcome(), 'Bulk job: started for 2 charge points dismiss');
		await submit('#job-cancel');
		checkEq('cancelled_outcome', await outcome(), 'Bulk job: cancelled dismiss');
		checkEq('status_shown', (await page.textContent('#job-status')).trim(), 'cancelled');
		check('some_cancelled', Number(sqlValue(`SELECT COUNT(*) FROM bulk_job_items i JOIN bulk_jobs j ON j.id = i.job_id
			WHERE j.site_id = ${siteId} AND i.status = 'cancelled'`)) >= 1);
		sql(`UPDATE charge_points SET site_id = NULL WHERE id IN (${q(CP)}, ${q(SPARE)})`);
	});

	await test('rename_remove_delete_group', async () => {
		await page.goto(`${DASH}/groups/${groupId}`);
		await page.fill('#group-edit input[name="name"]', `${NAME} renamed`);
		await submit('#group-edit');
		checkEq('saved_outcome', await outcome(), 'Group: saved dismiss');
		checkEq('renamed', (await page.textContent('h1')).trim(), `${NAME} renamed`);
		await Promise.all([page.waitForNavigation(), page.click(`#group-cps tr[data-cp="${CP}"] button`)]);
		checkEq('removed_outcome', await outcome(), 'Group: charge point removed dismiss');
		checkEq('no_member', sqlValue(`SELECT COUNT(*) FROM cp_group_members WHERE group_id = ${groupId}`), '0');
		await Promise.all([page.waitForNavigation(), page.click('#group-delete button')]);
		checkEq('deleted', sqlValue(`SELECT COUNT(*) FROM cp_groups WHERE id = ${groupId}`), '0');
		checkEq('back_on_list', new URL(page.url()).pathname.endsWith('/groups'), true);
	});

	check('no_console_errors_or_csp_violations', problems.length === 0, () => problems.join(' | '));
} catch (e) {
	fail('browser_session', e.stack || e);
} finally {
	if (cli) await cli.close({ force: true }).catch(() => {});
	await browser.close();
}
done();
