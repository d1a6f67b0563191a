#!/usr/bin/env node
// 52-api-docs-browser.mjs — the human API docs in a real browser
// (Debian's chromium): /cgi-bin/api/docs leads to the static page, which
// renders every operation and schema of openapi.json, with no script
// error and no request anywhere but this server.
import { check, checkEq, done, env, test } from '../node/lib.mjs';
import { chromium } from '../node/node_modules/playwright-core/index.mjs';

const spec = await (await fetch(`${env.httpUrl}/cgi-bin/api/openapi.json`)).json();
const ops = Object.entries(spec.paths).flatMap(([path, item]) =>
	Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
	const page = await browser.newPage();
	const problems = [];
	page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console: ${m.text()}`); });
	page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
	page.on('request', (r) => {
		if (!r.url().startsWith(env.httpUrl)) problems.push(`external request: ${r.url()}`);
	});

	await test('docs_redirect_renders_every_operation', async () => {
		const res = await page.goto(`${env.httpUrl}/cgi-bin/api/docs`);
		if (!res.ok()) throw new Error(`status ${res.status()}`);
		checkEq('docs_landed_on_static_page', new URL(page.url()).pathname, '/static/api-docs.html');
		await page.waitForSelector('section.op', { timeout: 10000 });
		const shown = await page.$$eval('section.op > header', (hs) =>
			hs.map((h) => `${h.children[0].textContent} ${h.children[1].textContent}`));
		checkEq('docs_operations', shown, ops);
		const schemas = await page.$$eval('#schemas > section h3', (hs) => hs.map((h) => h.textContent));
		checkEq('docs_schemas', schemas, Object.keys(spec.components.schemas));
		checkEq('docs_title', await page.textContent('#title'), spec.info.title);
		const params = await page.$$eval('#listTransactions table:first-of-type tr td:first-child code', (cs) => cs.map((c) => c.textContent));
		checkEq('docs_transaction_parameters', params, ['page', 'per_page', 'cp_id', 'id_tag', 'status', 'from', 'to']);
		check('docs_error_hidden', await page.isHidden('#error'));
	});

	await test('docs_page_csp_no_inline_script', async () => {
		const r = await fetch(`${env.httpUrl}/static/api-docs.html`);
		const csp = r.headers.get('content-security-policy') || '';
		check('docs_csp_header', csp.startsWith("default-src 'none'; script-src 'self'") && !csp.includes('unsafe-inline'), csp);
		const html = await r.text();
		check('docs_no_inline_script', !/<script(?![^>]*\bsrc=)/.test(html) && !/<style/.test(html), 'inline script or style');
		check('docs_meta_csp', html.includes('http-equiv="Content-Security-Policy"'), 'no meta CSP');
	});

	await test('docs_no_script_errors_no_external_requests', async () => {
		if (problems.length) throw new Error(problems.join('; '));
	});
} finally {
	await browser.close();
}
done();
