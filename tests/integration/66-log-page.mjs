#!/usr/bin/env node
// 66-log-page.mjs — the OCPP message log through lighttpd: the API's
// GET /cps/{id}/log (filters, cursor pages, 400s and 404s), its CSV and
// NDJSON exports, GET/PUT /cps/{id}/log-level (to ocppd's cp_set_log),
// and the dashboard's /cp/{id}/log page: rows with CALLs paired to their
// answers and latency, the from/to link a transaction page makes, the
// level form (CSRF, POST-redirect-GET), the link from the charge point
// page, and in headless Chromium: the frame's JSON opens in a <details>,
// the 5 s refresh brings new frames in without a reload, no CSP
// violation; screenshots go to the test output.
import { createRequire } from 'node:module';
import {
	check, checkEq, cpId, done, env, fail, q, rawClient, sqlValue, test, until,
} from '../node/lib.mjs';
import { chromium } from '../node/node_modules/playwright-core/index.mjs';

const require = createRequire(import.meta.url);
const Ajv = require('../node/node_modules/ajv');
const addFormats = require('../node/node_modules/ajv-formats');

const API = `${env.httpUrl}/cgi-bin/api`;
const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
const CP = cpId('logpage');
const enc = encodeURIComponent;

async function call(method, path, body) {
	const init = { method, redirect: 'manual' };
	if (body !== undefined) {
		init.body = JSON.stringify(body);
		init.headers = { 'Content-Type': 'application/json' };
	}
	const r = await fetch(API + path, init);
	const text = await r.text();
	let json;
	try { json = JSON.parse(text); } catch { json = undefined; }
	return { status: r.status, headers: r.headers, json, text };
}
async function get(path, cookie) {
	const r = await fetch(DASH + path, { redirect: 'manual', headers: cookie ? { Cookie: cookie } : {} });
	return { status: r.status, headers: r.headers, text: await r.text() };
}
const tokenOf = (html) => (html.match(/name="csrf" value="([0-9a-f]{64})"/) || [])[1];

// A charge point with a known history: a boot, 30 heartbeats, a refused
// call, a command it answers (our CALL, its CALLRESULT).
const ws = await rawClient(CP);
await ws.call('[2,"boot-1","BootNotification",{"chargePointVendor":"LogTest","chargePointModel":"M"}]');
for (let i = 0; i < 30; i++) await ws.call(`[2,"hb-${i}","Heartbeat",{}]`);
await ws.call('[2,"bad-1","Authorize",{}]');
const t0 = new Date(Date.now() - 1000).toISOString();
const total = () => Number(sqlValue(`SELECT COUNT(*) FROM ocpp_log WHERE cp_id = ${q(CP)}`));
// connect + 2 boot + 60 heartbeat + 2 bad = 65
await until(() => total() >= 65, 5000, 50);

// Answers are checked against the API's own OpenAPI description.
const spec = (await call('GET', '/openapi.json')).json;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, 'openapi.json');
function valid(name, value) {
	const v = ajv.compile({ $ref: `openapi.json#/components/schemas/${name}` });
	return v(value) ? true : `${name}: ${ajv.errorsText(v.errors)}`;
}

try {
	await test('api_list_newest_first_with_cursor', async () => {
		const r = await call('GET', `/cps/${enc(CP)}/log?limit=20`);
		checkEq('status', r.status, 200);
		const ok = valid('LogPage', r.json);
		check('matches_openapi', ok === true, ok);
		checkEq('page_size', r.json.items.length, 20);
		check('newest_first', r.json.items[0].msg_id === 'bad-1' && r.json.items[0].direction === 'out' &&
			r.json.items[0].msg_type === 'CALLERROR' && r.json.items[0].action === 'Authorize', JSON.stringify(r.json.items[0]));
		check('cursor_given', typeof r.json.next_cursor === 'string' && /^[A-Za-z0-9_-]+$/.test(r.json.next_cursor), r.json.next_cursor);
		const seen = new Set(r.json.items.map((x) => x.id));
		let cursor = r.json.next_cursor, pages = 1;
		while (cursor) {
			const n = await call('GET', `/cps/${enc(CP)}/log?limit=20&cursor=${cursor}`);
			checkEq(`page_${++pages}_status`, n.status, 200);
			for (const x of n.json.items) {
				check(`no_repeat_${x.id}`, !seen.has(x.id), 'row seen twice');
				seen.add(x.id);
			}
			cursor = n.json.next_cursor;
		}
		checkEq('every_row_once', seen.size, total());
		const first = (await call('GET', `/cps/${enc(CP)}/log?limit=1000`)).json.items;
		checkEq('oldest_is_connect', first[first.length - 1].direction, 'connect');
	});

	await test('api_filters', async () => {
		const f = async (qs) => (await call('GET', `/cps/${enc(CP)}/log?${qs}`)).json;
		const hb = await f('action=Heartbeat&direction=in&limit=1000');
		checkEq('action_direction', hb.items.length, 30);
		const one = await f('msg_id=hb-7');
		check('msg_id_both_ways', one.items.length === 2 && one.items.every((x) => x.msg_id === 'hb-7') &&
			one.items[0].direction === 'out' && one.items[0].msg_type === 'CALLRESULT' && one.items[0].action === 'Heartbeat',
		JSON.stringify(one.items));
		const text = await f(`q=${enc('LogTest')}`);
		checkEq('text_in_frame', text.items.length, 1);
		const future = await f(`from=${enc(new Date(Date.now() + 3600e3).toISOString())}`);
		checkEq('from_in_future_empty', future.items.length, 0);
		const range = await f(`from=${enc(t0)}&to=${enc(new Date(Date.now() + 1000).toISOString())}&direction=out&msg_type=x`);
		check('range_has_the_last_reply', range.items.some((x) => x.msg_id === 'bad-1'), JSON.stringify(range.items.slice(0, 2)));
		const like = await f(`q=${enc('%')}`);
		checkEq('q_percent_literal', like.items.length, 0);
	});

	await test('api_errors', async () => {
		checkEq('unknown_cp_404', (await call('GET', `/cps/${enc(cpId('nobody'))}/log`)).status, 404);
		for (const [qs, param] of [['limit=0', 'limit'], ['limit=1001', 'limit'], ['cursor=abc', 'cursor'],
			['direction=sideways', 'direction'], ['from=yesterday', 'from'],
			['from=2026-01-02&to=2026-01-01', 'to']]) {
			const r = await call('GET', `/cps/${enc(CP)}/log?${qs}`);
			check(`bad_${qs}`, r.status === 400 && r.json?.error?.parameter === param, `${r.status} ${r.text.slice(0, 200)}`);
		}
		const post = await call('POST', `/cps/${enc(CP)}/log`, {});
		checkEq('post_405', post.status, 405);
	});

	await test('api_exports', async () => {
		const csv = await fetch(`${API}/cps/${enc(CP)}/log.csv?action=Heartbeat&direction=out`);
		checkEq('csv_status', csv.status, 200);
		check('csv_type', csv.headers.get('content-type').startsWith('text/csv'), csv.headers.get('content-type'));
		const lines = (await csv.text()).trim().split('\r\n');
		checkEq('csv_header', lines[0], 'id,ts,direction,msg_type,msg_id,action,error_code,frame_len,frame');
		checkEq('csv_rows', lines.length, 31);
		check('csv_frame_quoted', /,"\[3,""hb-29"",\{""currentTime"":""/.test(lines[1]), lines[1]);
		const nd = await fetch(`${API}/cps/${enc(CP)}/log.ndjson?limit=5`);
		check('ndjson_type', nd.headers.get('content-type').startsWith('application/x-ndjson'), nd.headers.get('content-type'));
		const objs = (await nd.text()).trim().split('\n').map((l) => JSON.parse(l));
		check('ndjson_rows', objs.length === 5 && objs[0].msg_id === 'bad-1', JSON.stringify(objs[0]));
		check('ndjson_entries_match_openapi', objs.every((o) => valid('LogEntry', o) === true), JSON.stringify(objs[0]));
		checkEq('export_limit_bounded', (await fetch(`${API}/cps/${enc(CP)}/log.csv?limit=100001`)).status, 400);
	});

	await test('api_level', async () => {
		const g = await call('GET', `/cps/${enc(CP)}/log-level`);
		check('get_default', g.status === 200 && g.json.level === null && g.json.default === 'auto', g.text);
		const ok = valid('LogLevel', g.json);
		check('level_matches_openapi', ok === true, ok);
		const bad = await call('PUT', `/cps/${enc(CP)}/log-level`, { level: 'loud' });
		checkEq('bad_level_400', bad.status, 400);
		const ct = await fetch(`${API}/cps/${enc(CP)}/log-level`, { method: 'PUT', body: '{"level":"off"}', headers: { 'Content-Type': 'text/plain' } });
		checkEq('wrong_type_415', ct.status, 415);
		const cross = await fetch(`${API}/cps/${enc(CP)}/log-level`, { method: 'PUT', body: '{"level":"off"}',
			headers: { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' } });
		checkEq('cross_site_403', cross.status, 403);
		checkEq('unchanged', sqlValue(`SELECT log_level FROM charge_points WHERE id = ${q(CP)}`), null);
		const p = await call('PUT', `/cps/${enc(CP)}/log-level`, { level: 'errors' });
		check('put_errors', p.status === 200 && p.json.level === 'errors' && valid('LogLevel', p.json) === true, p.text);
		checkEq('stored', sqlValue(`SELECT log_level FROM charge_points WHERE id = ${q(CP)}`), 'errors');
		const back = await call('PUT', `/cps/${enc(CP)}/log-level`, { level: null });
		check('put_default', back.status === 200 && back.json.level === null, back.text);
		checkEq('unknown_cp_404', (await call('PUT', `/cps/${enc(cpId('nobody'))}/log-level`, { level: 'off' })).status, 404);
	});

	await test('page_rows_pairs_and_links', async () => {
		const cpPage = await get(`/cp/${enc(CP)}`);
		check('cp_page_links_log', cpPage.text.includes(`href="/cgi-bin/dashboard/cp/${enc(CP)}/log"`), 'no link');
		const p = await get(`/cp/${enc(CP)}/log`);
		checkEq('status', p.status, 200);
		check('csp', /default-src 'self'/.test(p.headers.get('content-security-policy')), 'no CSP');
		checkEq('rows', (p.text.match(/<tr id="r\d+"/g) || []).length, 65);
		check('boot_paired_with_latency', /BootNotification<\/th>\s*<td[^>]*><code>boot-1<\/code><\/td>\s*<td[^>]*class="log-answer"><a href="#r\d+"><span class="badge ok">CALLRESULT<\/span><\/a> in <span class="latency">\d+ ms<\/span>/.test(p.text),
			'no paired BootNotification');
		check('error_paired', /<span class="badge bad">CALLERROR<\/span>/.test(p.text), 'no CALLERROR badge');
		check('details_pretty', /<details id="dr\d+"><summary><code>\[2,&quot;boot-1&quot;/.test(p.text) && /<pre>\[2, &quot;boot-1&quot;, &quot;BootNotification&quot;, \{&#10;\t\t&quot;chargePointVendor&quot;/.test(p.text),
			() => p.text.slice(p.text.indexOf('boot-1&quot;,'), p.text.indexOf('boot-1&quot;,') + 400));
		check('exports_linked', p.text.includes(`/cgi-bin/api/cps/${enc(CP)}/log.csv?`), 'no export link');
		// A transaction page links its time range: ?from=<ISO>&to=<ISO>.
		const from = new Date(Date.now() - 3600e3).toISOString(), to = new Date(Date.now() + 3600e3).toISOString();
		const tr = await get(`/cp/${enc(CP)}/log?from=${enc(from)}&to=${enc(to)}`);
		check('from_to_link', tr.status === 200 && tr.text.includes(`value="${from}"`) && /<tr id="r\d+"/.test(tr.text), `${tr.status}`);
		const empty = await get(`/cp/${enc(CP)}/log?from=${enc('2020-01-01T00:00:00Z')}&to=${enc('2020-01-02T00:00:00Z')}`);
		check('old_range_empty', empty.status === 200 && empty.text.includes('No message matches'), `${empty.status}`);
		const older = await get(`/cp/${enc(CP)}/log?limit=40`);
		const m = older.text.match(/href="(\/cgi-bin\/dashboard\/cp\/[^"]+\/log\?[^"]*cursor=[^"]+)" rel="next"/);
		check('older_link', m, 'no Older link');
		const o2 = await get(m[1].replaceAll('&amp;', '&').slice('/cgi-bin/dashboard'.length));
		checkEq('older_page_rows', (o2.text.match(/<tr id="r\d+"/g) || []).length, 25);
		checkEq('bad_cursor_400', (await get(`/cp/${enc(CP)}/log?cursor=zzz`)).status, 400);
		checkEq('unknown_cp_404', (await get(`/cp/${enc(cpId('nobody'))}/log`)).status, 404);
		checkEq('get_level_route_404', (await get(`/cp/${enc(CP)}/log-level`)).status, 404);
	});

	await test('page_level_form', async () => {
		const p = await get(`/cp/${enc(CP)}/log`);
		const token = tokenOf(p.text);
		check('token', token, 'no csrf token');
		const post = (fields) => fetch(`${DASH}/cp/${enc(CP)}/log-level`, { method: 'POST', redirect: 'manual',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
		checkEq('no_token_403', (await post({ level: 'off' })).status, 403);
		checkEq('still_default', sqlValue(`SELECT log_level FROM charge_points WHERE id = ${q(CP)}`), null);
		const r = await post({ csrf: token, level: 'errors' });
		checkEq('redirect', r.status, 303);
		checkEq('location', r.headers.get('location'), `/cgi-bin/dashboard/cp/${enc(CP)}/log`);
		checkEq('stored', sqlValue(`SELECT log_level FROM charge_points WHERE id = ${q(CP)}`), 'errors');
		const after = await get(`/cp/${enc(CP)}/log`, (r.headers.get('set-cookie') || '').split(';')[0]);
		check('outcome_shown', /<p class="outcome ok"[^>]*><strong>Log level<\/strong>: now errors/.test(after.text), 'no outcome');
		check('level_shown', /id="log-level">errors</.test(after.text), 'level not shown');
		const bad = await post({ csrf: token, level: 'loud' });
		checkEq('bad_level_400', bad.status, 400);
		const d = await post({ csrf: token, level: 'default' });
		checkEq('back_to_default', [d.status, sqlValue(`SELECT log_level FROM charge_points WHERE id = ${q(CP)}`)], [303, null]);
	});

	await test('browser', async () => {
		const browser = await chromium.launch({
			executablePath: '/usr/bin/chromium',
			args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
				'--disable-background-networking', '--disable-component-update', '--disable-sync'],
		});
		try {
			const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
			const page = await context.newPage();
			const problems = [];
			page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console: ${m.text()}`); });
			page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
			await page.goto(`${DASH}/cp/${enc(CP)}`);
			await page.click('#log-link');
			await page.waitForSelector('table.log');
			checkEq('browser_followed_link', new URL(page.url()).pathname, `/cgi-bin/dashboard/cp/${CP}/log`);
			const boot = page.locator('tr.log-in', { hasText: 'boot-1' }).first();
			check('pre_hidden', !(await boot.locator('pre').isVisible()), 'pre visible before opening');
			await boot.locator('summary').click();
			check('pre_shown', await boot.locator('pre').isVisible(), 'pre not visible');
			check('pre_pretty', (await boot.locator('pre').textContent()).includes('"chargePointVendor":\t"LogTest"'), 'not pretty');
			await page.screenshot({ path: `${env.out}/log-page.png`, fullPage: false });
			// Live tail: a new frame appears within the 5 s refresh, without a
			// reload (the marker survives) and with the open <details> kept.
			await page.evaluate(() => { window.__noReload = 1; });
			await ws.call('[2,"live-1","Heartbeat",{}]');
			const appeared = await page.waitForSelector('code:text("live-1")', { timeout: 15000 }).then(() => true, () => false);
			check('live_refresh', appeared, 'the new frame did not appear');
			check('no_reload', await page.evaluate(() => window.__noReload === 1), 'page reloaded');
			check('details_kept_open', await boot.locator('pre').isVisible(), 'details closed by the refresh');
			const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
			const pp = await phone.newPage();
			await pp.goto(`${DASH}/cp/${enc(CP)}/log?action=BootNotification`);
			await pp.screenshot({ path: `${env.out}/log-page-phone.png`, fullPage: true });
			const over = await pp.evaluate(() => document.documentElement.scrollWidth - innerWidth);
			check('phone_no_sideways_scroll', over <= 0, `${over}px wider`);
			await phone.close();
			const nojs = await browser.newContext({ javaScriptEnabled: false });
			const np = await nojs.newPage();
			await np.goto(`${DASH}/cp/${enc(CP)}/log`);
			const b2 = np.locator('tr.log-in', { hasText: 'boot-1' }).first();
			await b2.locator('summary').click();
			check('details_without_javascript', await b2.locator('pre').isVisible(), 'no pre without JS');
			await nojs.close();
			check('no_console_errors_or_csp_violations', problems.length === 0, problems.join(' | '));
		} finally {
			await browser.close();
		}
	});
} catch (e) {
	fail('log_page', e.stack || e);
} finally {
	ws.close();
}

done();
