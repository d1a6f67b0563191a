#!/usr/bin/env node
// 53-api-cross-site-browser.mjs — a page on another site cannot change
// anything through the API, in a real headless Chromium.  A second web
// server (another origin: another port) serves the pages an attacker
// would: a text/plain form whose body is the JSON of a new id tag (the
// classic `name='{"id_tag":…,"x":"' value='"}'` trick), an urlencoded
// form sending a Reset, and a no-cors fetch.  The database must show that
// nothing happened; the same browser on the API's own origin still can
// change things (the refusal is about the site, not the browser).
import http from 'node:http';
import {
	checkEq, cpId, done, env, ownPort, q, sql, sqlValue, sleep, test,
} from '../node/lib.mjs';
import { chromium } from '../node/node_modules/playwright-core/index.mjs';

const API = `${env.httpUrl}/cgi-bin/api`;
const CP = cpId('xsite');
const TAG = `XS${process.pid % 100000}`.slice(0, 20);
const OWN = `XO${process.pid % 100000}`.slice(0, 20);
sql(`INSERT INTO charge_points (id, vendor, connected) VALUES (${q(CP)}, 'CrossSite', 0)`);
const commands = () => sqlValue(`SELECT COUNT(*) FROM commands WHERE cp_id = ${q(CP)}`);
const tagRows = (t) => sqlValue(`SELECT COUNT(*) FROM users WHERE id_tag = ${q(t)}`);

const attack = {
	'/form-json.html': `<!doctype html><title>x</title>
<form method="post" enctype="text/plain" action="${API}/users">
<input type="hidden" name='{"id_tag":"${TAG}","status":"Accepted","pad":"' value='"}'>
</form><script>document.forms[0].submit()</script>`,
	'/form-reset.html': `<!doctype html><title>x</title>
<form method="post" action="${API}/cps/${CP}/commands/Reset">
<input type="hidden" name="type" value="Hard">
</form><script>document.forms[0].submit()</script>`,
	'/fetch.html': `<!doctype html><title>x</title><script>
fetch(${JSON.stringify(`${API}/cps/${CP}/commands/Reset`)}, { method: 'POST', mode: 'no-cors',
  credentials: 'include', headers: { 'Content-Type': 'text/plain' }, body: '{"type":"Hard"}' })
  .then(() => { document.title = 'sent'; }, () => { document.title = 'sent'; });
</script>`,
};
const evilPort = ownPort(95);
const evil = http.createServer((req, res) => {
	const body = attack[req.url];
	res.writeHead(body ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
	res.end(body || 'no');
});
await new Promise((resolve) => evil.listen(evilPort, '127.0.0.1', resolve));
// Another origin: the API is at 127.0.0.1, the attacker at localhost.
const EVIL = `http://localhost:${evilPort}`;

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
	const page = await browser.newPage();
	const seen = [];
	page.on('response', (r) => { if (r.url().startsWith(API)) seen.push(`${r.request().method()} ${r.status()}`); });

	await test('cross_site_text_plain_form_creates_no_tag', async () => {
		await page.goto(`${EVIL}/form-json.html`);
		await page.waitForURL(`${API}/users`, { timeout: 10000 });
		checkEq('cross_site_form_refused', seen.pop(), 'POST 403');
		checkEq('cross_site_form_no_tag', tagRows(TAG), '0');
	});

	await test('cross_site_form_sends_no_command', async () => {
		await page.goto(`${EVIL}/form-reset.html`);
		await page.waitForURL(/commands\/Reset/, { timeout: 10000 });
		checkEq('cross_site_reset_refused', seen.pop(), 'POST 403');
		await sleep(300);
		checkEq('cross_site_reset_not_recorded', commands(), '0');
	});

	await test('cross_site_fetch_sends_no_command', async () => {
		await page.goto(`${EVIL}/fetch.html`);
		await page.waitForFunction(() => document.title === 'sent', null, { timeout: 10000 });
		await sleep(300);
		checkEq('cross_site_fetch_not_recorded', commands(), '0');
	});

	// The control: the API's own origin may (a same-origin fetch with
	// JSON, as the API docs page or an operator's console would).
	await test('same_origin_fetch_still_changes', async () => {
		await page.goto(`${env.httpUrl}/static/api-docs.html`);
		const status = await page.evaluate(async ([url, body]) => (await fetch(url, {
			method: 'POST', headers: { 'Content-Type': 'application/json' }, body,
		})).status, [`${API}/users`, JSON.stringify({ id_tag: OWN })]);
		checkEq('same_origin_201', status, 201);
		checkEq('same_origin_tag_added', tagRows(OWN), '1');
	});
} finally {
	await browser.close();
	evil.close();
	sql(`DELETE FROM users WHERE id_tag IN (${q(TAG)}, ${q(OWN)})`);
}

// The same rules for any client, at the HTTP level.
const post = (path, body, headers) => fetch(API + path, { method: 'POST', headers, body });
await test('content_type_and_strict_body', async () => {
	const T = `XT${process.pid % 100000}`;
	const tp = await post('/users', `{"id_tag":"${T}","status":"Accepted"}=`, { 'Content-Type': 'text/plain' });
	checkEq('text_plain_415', [tp.status, (await tp.json()).error?.code], [415, 'unsupported_media_type']);
	const none = await post('/users', `{"id_tag":"${T}"}`, {});
	checkEq('no_type_with_body_415', none.status, 415);
	const form = await post(`/cps/${CP}/commands/Reset`, 'type=Hard', { 'Content-Type': 'application/x-www-form-urlencoded' });
	checkEq('urlencoded_command_415', form.status, 415);
	const trail = await post('/users', `{"id_tag":"${T}","status":"Accepted"}=`, { 'Content-Type': 'application/json' });
	checkEq('trailing_data_400', [trail.status, (await trail.json()).error?.code], [400, 'invalid_body']);
	const two = await post('/users', `{"id_tag":"${T}"} {"id_tag":"${T}"}`, { 'Content-Type': 'application/json' });
	checkEq('two_objects_400', two.status, 400);
	// A NUL would cut the tag to T on its way to ocppd; a member named
	// twice is two different requests to two readers.
	const nul = await post('/users', `{"id_tag":"${T}\\u0000XYZ","status":"Accepted"}`, { 'Content-Type': 'application/json' });
	checkEq('nul_in_string_400', [nul.status, (await nul.json()).error?.code], [400, 'invalid_body']);
	const dup = await post('/users', `{"id_tag":"${T}","status":"Blocked","status":"Accepted"}`, { 'Content-Type': 'application/json' });
	checkEq('duplicate_member_400', [dup.status, (await dup.json()).error?.code], [400, 'invalid_body']);
	// (lighttpd refuses a %00 in a URL itself; the program does too, for
	// servers that pass it on: tests/unit/test_cgi_query.c.)
	checkEq('nul_in_query_400', (await fetch(`${API}/transactions?id_tag=${T}%00XYZ`)).status, 400);
	checkEq('refused_bodies_add_nothing', tagRows(T), '0');
	const evilOrigin = await post('/users', `{"id_tag":"${T}"}`, { 'Content-Type': 'application/json', Origin: 'http://evil.example' });
	checkEq('foreign_origin_403', [evilOrigin.status, (await evilOrigin.json()).error?.code], [403, 'cross_site']);
	const fetchSite = await post('/users', `{"id_tag":"${T}"}`, { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'cross-site' });
	checkEq('sec_fetch_site_cross_403', fetchSite.status, 403);
	const nullOrigin = await post('/users', `{"id_tag":"${T}"}`, { 'Content-Type': 'application/json', Origin: 'null' });
	checkEq('null_origin_403', nullOrigin.status, 403);
	checkEq('cross_site_adds_nothing', tagRows(T), '0');
	const ok = await post('/users', `{"id_tag":"${T}"}\n`, { 'Content-Type': 'application/json; charset=utf-8', Origin: env.httpUrl });
	checkEq('own_origin_json_201', ok.status, 201);
	const del = await fetch(`${API}/users/${T}`, { method: 'DELETE' });
	checkEq('delete_without_body_or_type_200', del.status, 200);
	checkEq('own_origin_cleanup', tagRows(T), '0');
	checkEq('no_command_recorded', commands(), '0');
});

done();
