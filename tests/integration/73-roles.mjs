#!/usr/bin/env node
// 73-roles.mjs — accounts and roles through the real web servers with
// Basic auth, as shipped (lighttpd/csms-auth.conf; Apache with
// CSMS_AUTH for a sample): the first admin made with csmsctl, accounts
// given roles through the API, then each role against every
// state-changing API endpoint (from the OpenAPI description: a route the
// table below does not name must need admin, the fail-closed default) and
// every dashboard form, allowed vs 403; pages hide what the role cannot
// use; web_default_role = none refuses a login without an account; the
// audit trail records who changed what.
//
// An allowed request is sent with a body that the handler refuses (400,
// 404, 409...): passing the role check is all it shows, and nothing
// changes.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
	check, checkEq, done, env, fail, ownPort, pass, portOpen, q, sleep, sql, sqlValue, test, until,
} from '../node/lib.mjs';

const ROOT = process.env.CSMS_ROOT || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const OUT = `${env.out}/roles`;
const PW = 'pw 73';
const RANK = { none: 0, viewer: 1, operator: 2, admin: 3 };
// Login → the role it ends up with (stranger73 has no account: the
// default, viewer).
const USERS = { admin73: 'admin', oper73: 'operator', view73: 'viewer', stranger73: 'viewer' };
const CP = 'ROLE73-CP';
const ocppPort = Number(new URL(env.ocppUrl).port);
const cgiBin = path.resolve(env.bin, '../web/cgi-bin');
const children = [];

fs.rmSync(OUT, { recursive: true, force: true });
fs.mkdirSync(OUT, { recursive: true, mode: 0o755 });
fs.chmodSync(OUT, 0o755);
for (const [i, u] of Object.keys(USERS).entries())
	spawnSync('htpasswd', [i ? '-b' : '-bc', `${OUT}/htpasswd`, u, PW]);
fs.chmodSync(`${OUT}/htpasswd`, 0o644);
sql(`DELETE FROM web_users WHERE user IN ('admin73', 'oper73', 'view73', 'stranger73')`);
sql(`INSERT IGNORE INTO charge_points (id, vendor, connected) VALUES (${q(CP)}, 'Roles', 0)`);

async function waitPort(port, proc) {
	for (let i = 0; i < 100; i++) {
		if (await portOpen(port)) return true;
		if (proc.exitCode !== null) return false;
		await sleep(100);
	}
	return false;
}

// lighttpd with the shipped config and csms-auth.conf on top.
async function startLighttpd(name, port, extraEnv = {}) {
	const dir = `${OUT}/${name}`;
	fs.mkdirSync(`${dir}/run`, { recursive: true });
	fs.mkdirSync(`${dir}/log`, { recursive: true });
	fs.writeFileSync(`${dir}/lighttpd.conf`, `include "${ROOT}/lighttpd/lighttpd.conf"
var.csms_htpasswd = "${OUT}/htpasswd"
include "${ROOT}/lighttpd/csms-auth.conf"
`);
	const p = spawn('/usr/sbin/lighttpd', ['-D', '-f', `${dir}/lighttpd.conf`], {
		env: {
			...process.env, CSMS_ROOT: ROOT, CSMS_BIN_DIR: cgiBin, CSMS_HTTP_PORT: String(port),
			CSMS_OCPP_PORT: String(ocppPort), CSMS_RUN_DIR: `${dir}/run`, CSMS_LOG_DIR: `${dir}/log`, ...extraEnv,
		},
		stdio: 'ignore',
	});
	children.push(p);
	return (await waitPort(port, p)) ? `http://127.0.0.1:${port}` : null;
}

async function startApache(port) {
	const dir = `${OUT}/apache`;
	fs.mkdirSync(`${dir}/fcgid`, { recursive: true });
	const root = process.getuid() === 0;
	const user = root ? 'www-data' : spawnSync('id', ['-un']).stdout.toString().trim();
	const group = root ? 'www-data' : spawnSync('id', ['-gn']).stdout.toString().trim();
	if (root) spawnSync('chown', [`${user}:${group}`, `${dir}/fcgid`]);
	const p = spawn('apache2', ['-f', `${ROOT}/apache/httpd-standalone.conf`, '-DFOREGROUND', '-DCSMS_AUTH'], {
		env: {
			...process.env, CSMS_ROOT: ROOT, CSMS_CGI_BIN: cgiBin, CSMS_CONF: env.conf,
			CSMS_APACHE_PORT: String(port), CSMS_APACHE_DIR: dir, CSMS_OCPPD: `ws://127.0.0.1:${ocppPort}`,
			CSMS_APACHE_USER: user, CSMS_APACHE_GROUP: group, CSMS_HTPASSWD: `${OUT}/htpasswd`,
		},
		stdio: 'ignore',
	});
	children.push(p);
	return (await waitPort(port, p)) ? `http://127.0.0.1:${port}` : null;
}

const basic = (user) => (user ? { Authorization: `Basic ${Buffer.from(`${user}:${PW}`).toString('base64')}` } : {});

async function api(base, user, method, p, body) {
	const headers = basic(user);
	const init = { method, headers };
	if (body !== undefined) {
		init.body = typeof body === 'string' ? body : JSON.stringify(body);
		headers['Content-Type'] = 'application/json';
	}
	const r = await fetch(`${base}/cgi-bin/api${p}`, init);
	const text = await r.text();
	let json;
	try { json = JSON.parse(text); } catch { json = undefined; }
	return { status: r.status, json, text };
}

async function page(base, user, p) {
	const r = await fetch(`${base}/cgi-bin/dashboard${p}`, { headers: basic(user) });
	return { status: r.status, text: await r.text() };
}

async function form(base, user, p, fields) {
	const r = await fetch(`${base}/cgi-bin/dashboard${p}`, {
		method: 'POST', redirect: 'manual',
		headers: { ...basic(user), 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(fields).toString(),
	});
	return { status: r.status, text: await r.text() };
}

const tokenOf = (html) => (html.match(/name="csrf" value="([0-9a-f]+)"/) || [])[1];
const apiRefused = (r) => r.status === 403 && r.json?.error?.code === 'forbidden';
const formRefused = (r) => r.status === 403 && r.text.includes('Your role may not');

// ------------------------------------------------------------- the first admin
await test('csmsctl_first_admin', async () => {
	const r = spawnSync(`${env.bin}/csmsctl`, ['-c', env.conf, '-u', 'cli:73', 'account_set', 'user=admin73', 'role=admin'],
		{ encoding: 'utf8' });
	checkEq('csmsctl_account_set_exit', r.status, 0);
	const res = JSON.parse(r.stdout || '{}');
	checkEq('csmsctl_account_set_answer', [res.user, res.role, res.created], ['admin73', 'admin', true]);
	checkEq('first_admin_row', sqlValue("SELECT role FROM web_users WHERE user = 'admin73'"), 'admin');
	checkEq('first_admin_audited', sqlValue(`SELECT CONCAT_WS('|', who, kind, op, subject) FROM audit
		WHERE subject = 'admin73' ORDER BY id DESC LIMIT 1`), 'cli:73|account|account_set|admin73');
	const bad = spawnSync(`${env.bin}/csmsctl`, ['-c', env.conf, 'account_set', 'user=x73', 'role=root'], { encoding: 'utf8' });
	check('csmsctl_bad_role_refused', bad.status === 1 && /invalid_params/.test(bad.stdout), bad.stdout);
});

const L = await startLighttpd('lighttpd', ownPort(74));
if (!L) fail('lighttpd_start', `see ${OUT}/lighttpd/log`);

await test('accounts_through_the_api', async () => {
	let r = await api(L, 'admin73', 'POST', '/accounts', { user: 'oper73', role: 'operator' });
	checkEq('admin_creates_operator', [r.status, r.json?.role], [201, 'operator']);
	r = await api(L, 'admin73', 'POST', '/accounts', { user: 'view73', role: 'admin' });
	checkEq('admin_creates_viewer', r.status, 201);
	r = await api(L, 'admin73', 'PUT', '/accounts/view73', { role: 'viewer' });
	checkEq('admin_sets_role', [r.status, r.json?.role, r.json?.created], [200, 'viewer', false]);
	r = await api(L, 'oper73', 'POST', '/accounts', { user: 'oper73', role: 'admin' });
	check('operator_cannot_raise_itself', apiRefused(r), `${r.status} ${r.text}`);
	r = await api(L, 'admin73', 'GET', '/accounts');
	const mine = (r.json?.items || []).filter((a) => /73$/.test(a.user)).map((a) => `${a.user}:${a.role}:${a.updated_by}`);
	checkEq('accounts_listed', mine, ['admin73:admin:cli:73', 'oper73:operator:admin73', 'view73:viewer:admin73']);
	r = await api(L, 'admin73', 'DELETE', '/accounts/nobody73');
	checkEq('delete_unknown_account_404', r.status, 404);
	r = await api(L, undefined, 'GET', '/cps');
	checkEq('no_login_401', r.status, 401);
});

// ------------------------------------------------------------- the API matrix
// The role each state-changing operation needs; any other needs admin.
const NEEDS = {
	'POST /cps/{cp_id}/commands/{action}': 'operator',
	'POST /cps/{cp_id}/start': 'operator',
	'POST /cps/{cp_id}/stop': 'operator',
	'PUT /cps/{cp_id}/log-level': 'operator',
	'POST /sites/{site_id}/commands/{action}': 'operator',
	'POST /groups/{group_id}/commands/{action}': 'operator',
	'POST /bulk-jobs/{job_id}/cancel': 'operator',
	'POST /bulk-jobs/{job_id}/resume': 'operator',
	'POST /users': 'operator',
	'PUT /users/{id_tag}': 'operator',
	'DELETE /users/{id_tag}': 'operator',
	'POST /tags.csv': 'operator',
};
// The reads only admins may make; every other needs viewer.
const ADMIN_READS = ['/accounts', '/audit', '/webhooks', '/webhooks/{webhook_id}/deliveries'];
const OPEN_READS = ['/health', '/openapi.json', '/docs'];
const spec = JSON.parse(fs.readFileSync(`${ROOT}/cgi-bin/openapi.json`, 'utf8'));
const subst = {
	cp_id: 'NOPE73-CP', action: 'Reset', id_tag: 'NOPE73', site_id: '0', group_id: '0', job_id: '0', tariff_id: '0',
	assignment_id: '0', webhook_id: '0', user: 'nobody73', id: '0', uid: 'nope73', res_id: '0',
};
const fill = (p) => p.replace(/\{(\w+)\}/g, (_, k) => encodeURIComponent(subst[k] ?? '0'));

await test('api_role_matrix', async () => {
	let n = 0;
	for (const [p, item] of Object.entries(spec.paths)) {
		for (const method of Object.keys(item).map((m) => m.toUpperCase())) {
			if (method === 'GET') continue;
			const need = NEEDS[`${method} ${p}`] || 'admin';
			for (const [user, role] of Object.entries(USERS)) {
				const r = await api(L, user, method, fill(p), method === 'DELETE' ? undefined : '{}');
				const allowed = RANK[role] >= RANK[need];
				if (allowed ? apiRefused(r) || r.status === 401 : !apiRefused(r))
					fail(`api_${method}_${p}_${user}`, `${role} (needs ${need}): ${r.status} ${r.text.slice(0, 120)}`);
				n++;
			}
		}
	}
	pass(`api_role_matrix_${n}_requests`);
});

// What changes whom a charge point trusts is the admin's, whichever
// route carries it.
await test('certificate_commands_need_admin', async () => {
	for (const action of ['InstallCertificate', 'DeleteCertificate']) {
		for (const [user, role] of Object.entries(USERS)) {
			const r = await api(L, user, 'POST', `/cps/${CP}/commands/${action}`, '{}');
			if ((role === 'admin') === apiRefused(r))
				fail(`api_${action}_${user}`, `${role}: ${r.status} ${r.text.slice(0, 120)}`);
			const token = tokenOf((await page(L, user, '/tags')).text) || 'f'.repeat(64);
			const f = await form(L, user, `/cp/${CP}/command`, { csrf: token, action });
			if ((role === 'admin') === formRefused(f))
				fail(`form_${action}_${user}`, `${role}: ${f.status} ${f.text.slice(0, 200)}`);
		}
	}
	const op = await page(L, 'oper73', `/cp/${CP}`);
	const ad = await page(L, 'admin73', `/cp/${CP}`);
	checkEq('install_form_hidden_from_operator',
		[op.text.includes('value="InstallCertificate"'), ad.text.includes('value="InstallCertificate"')], [false, true]);
});

await test('api_reads_by_role', async () => {
	for (const p of Object.keys(spec.paths)) {
		if (!spec.paths[p].get) continue;
		const admin = ADMIN_READS.includes(p);
		for (const user of ['view73', 'admin73']) {
			const r = await api(L, user, 'GET', fill(p));
			const want = admin && user === 'view73';
			if (apiRefused(r) !== want) fail(`api_GET_${p}_${user}`, `${r.status} ${r.text.slice(0, 120)}`);
		}
	}
	pass('api_reads_by_role');
});

// ------------------------------------------------------------- the dashboard
const FORMS = [
	['/cp/ROLE73-CP/log-level', { level: 'bogus' }, 'operator'],
	['/cp/ROLE73-CP/command', { action: 'Bogus' }, 'operator'],
	// A 2.0.1 station's forms (ocpp=2.0.1) and the device model page's.
	['/cp/ROLE73-CP/command', { ocpp: '2.0.1', action: 'RequestStartTransaction' }, 'operator'],
	['/cp/ROLE73-CP/command', { ocpp: '2.0.1', action: 'SetVariables', back: 'variables' }, 'operator'],
	['/cp/ROLE73-CP/command', { ocpp: '2.0.1', action: 'GetBaseReport', back: 'variables' }, 'operator'],
	['/tags/edit', { op: 'bogus' }, 'operator'],
	['/tags/import', {}, 'operator'],
	['/bulk', {}, 'operator'],
	['/bulk-jobs/0', { do: 'bogus' }, 'operator'],
	['/approvals', {}, 'admin'],
	['/sites', { do: 'bogus' }, 'admin'],
	['/sites/0', { do: 'bogus' }, 'admin'],
	['/tariffs', { do: 'bogus' }, 'admin'],
	['/cp-life', {}, 'admin'],
	['/groups', { do: 'bogus' }, 'admin'],
	['/groups/0', { do: 'bogus' }, 'admin'],
	['/accounts', { do: 'bogus' }, 'admin'],
];

await test('dashboard_form_matrix', async () => {
	let n = 0;
	for (const [user, role] of Object.entries(USERS)) {
		const token = tokenOf((await page(L, user, '/tags')).text) || 'f'.repeat(64);
		for (const [p, fields, need] of FORMS) {
			const r = await form(L, user, p, { csrf: token, ...fields });
			const allowed = RANK[role] >= RANK[need];
			const bad = allowed ? formRefused(r) || r.text.includes('Form expired') : !formRefused(r);
			if (bad) fail(`form_${p}_${user}`, `${role} (needs ${need}): ${r.status} ${r.text.slice(0, 200)}`);
			n++;
		}
	}
	pass(`dashboard_form_matrix_${n}_posts`);
});

await test('pages_hide_what_the_role_cannot_use', async () => {
	check('viewer_sees_no_form', !tokenOf((await page(L, 'view73', '/tags')).text), 'a token on /tags');
	check('operator_sees_tag_forms', tokenOf((await page(L, 'oper73', '/tags')).text), 'no token on /tags');
	check('operator_sees_no_site_form', !tokenOf((await page(L, 'oper73', '/sites')).text), 'a token on /sites');
	check('admin_sees_site_form', tokenOf((await page(L, 'admin73', '/sites')).text), 'no token on /sites');
	const cpOp = (await page(L, 'oper73', `/cp/${CP}`)).text;
	check('operator_sees_commands', cpOp.includes('value="Reset"'), 'no Reset form');
	check('operator_sees_no_lifecycle', !cpOp.includes('id="cp-retire-form"'), 'retire form shown');
	const cpAdmin = (await page(L, 'admin73', `/cp/${CP}`)).text;
	check('admin_sees_lifecycle', cpAdmin.includes('id="cp-retire-form"'), 'no retire form');
	check('admin_nav_accounts', cpAdmin.includes('/accounts"'), 'no Accounts link');
	check('operator_nav_no_accounts', !cpOp.includes('/accounts"'), 'Accounts link shown');
	for (const p of ['/accounts', '/audit', '/webhooks']) {
		const r = await page(L, 'oper73', p);
		checkEq(`operator_page_${p.slice(1)}_403`, r.status, 403);
	}
	const acc = await page(L, 'admin73', '/accounts');
	check('accounts_page_lists', acc.status === 200 && acc.text.includes('data-user="oper73"'), `${acc.status}`);
});

await test('dashboard_account_change', async () => {
	const token = tokenOf((await page(L, 'admin73', '/accounts')).text);
	const r = await form(L, 'admin73', '/accounts', { csrf: token, do: 'set', user: 'stranger73', role: 'viewer' });
	checkEq('dashboard_sets_account_303', r.status, 303);
	checkEq('dashboard_account_row', sqlValue("SELECT CONCAT(role, ' ', updated_by) FROM web_users WHERE user = 'stranger73'"),
		'viewer admin73');
	const d = await form(L, 'admin73', '/accounts', { csrf: token, do: 'delete', user: 'stranger73' });
	checkEq('dashboard_deletes_account_303', d.status, 303);
	checkEq('dashboard_account_gone', sqlValue("SELECT COUNT(*) FROM web_users WHERE user = 'stranger73'"), '0');
});

// ------------------------------------------------------------- the audit trail
await test('audit_records_who_changed_what', async () => {
	const T = 'ROLE73-TAG';
	sql(`DELETE FROM users WHERE id_tag = ${q(T)}`);
	let r = await api(L, 'oper73', 'POST', '/users', { id_tag: T, name: 'audited', status: 'Accepted' });
	checkEq('operator_adds_tag', r.status, 201);
	r = await api(L, 'oper73', 'DELETE', `/users/${T}`);
	checkEq('operator_deletes_tag', r.status, 200);
	const seen = await until(async () => {
		const a = await api(L, 'admin73', 'GET', '/audit?user=oper73&kind=tag');
		return a.json?.total === 2 ? a.json : null;
	}, 5000, 50);
	check('audit_has_both', seen, 'not two tag entries for oper73');
	if (seen) {
		checkEq('audit_newest_first', seen.items.map((e) => `${e.op} ${e.subject} ${e.user}`),
			[`tag_delete ${T} oper73`, `tag_add ${T} oper73`]);
		checkEq('audit_detail', seen.items[1].detail?.name, 'audited');
	}
	r = await api(L, 'admin73', 'GET', '/audit?kind=account&user=admin73&per_page=10');
	checkEq('audit_accounts_by_admin', r.json?.total, 5);
	r = await api(L, 'oper73', 'GET', '/audit');
	check('operator_cannot_read_audit', apiRefused(r), `${r.status}`);
	const pg = await page(L, 'admin73', '/audit?user=oper73');
	check('audit_page_shows', pg.status === 200 && pg.text.includes(T) && pg.text.includes('tag_delete'), `${pg.status}`);
	// A credential never reaches the trail.
	const pw = spawnSync(`${env.bin}/csmsctl`, ['-c', env.conf, '-u', 'cli:73', 'cp_set_password', CP, 'password=secret-73-secret'],
		{ encoding: 'utf8' });
	if (pw.status === 0) {
		const row = await until(() => sqlValue(`SELECT detail FROM audit WHERE op = 'cp_set_password' AND subject = ${q(CP)}
			ORDER BY id DESC LIMIT 1`), 3000, 50);
		check('audit_password_redacted', row && !row.includes('secret-73') && row.includes('"password":"***"'), row);
	} else {
		fail('csmsctl_set_password', pw.stdout);
	}
});

// ------------------------------------------------------------- web_default_role = none
await test('default_role_none_refuses', async () => {
	const N = await startLighttpd('lighttpd-none', ownPort(75), { CSMS_WEB_DEFAULT_ROLE: 'none' });
	if (!N) throw new Error('lighttpd did not start');
	let r = await api(N, 'stranger73', 'GET', '/cps');
	check('none_api_403', apiRefused(r), `${r.status} ${r.text.slice(0, 100)}`);
	r = await api(N, 'stranger73', 'GET', '/health');
	check('none_health_open', r.status !== 403 && r.status !== 401, `${r.status}`);
	const d = await page(N, 'stranger73', '/');
	checkEq('none_dashboard_403', d.status, 403);
	r = await api(N, 'view73', 'GET', '/cps');
	checkEq('account_still_reads', r.status, 200);
});

// ------------------------------------------------------------- Apache, a sample
await test('apache_sample', async () => {
	const A = await startApache(ownPort(77));
	if (!A) throw new Error(`apache did not start: see ${OUT}/apache/error.log`);
	const cases = [
		['view73', 'POST', '/users', false],
		['oper73', 'POST', '/users', true],
		['oper73', 'POST', '/sites', false],
		['admin73', 'POST', '/sites', true],
		['view73', 'GET', '/cps', true],
		['view73', 'GET', '/audit', false],
		['admin73', 'GET', '/audit', true],
		['oper73', 'DELETE', `/cps/${CP}`, false],
	];
	for (const [user, method, p, allowed] of cases) {
		const r = await api(A, user, method, p, method === 'POST' ? '{}' : undefined);
		if (apiRefused(r) === allowed) fail(`apache_${method}_${p}_${user}`, `${r.status} ${r.text.slice(0, 100)}`);
	}
	const f = await form(A, 'view73', '/tags/edit', { csrf: 'f'.repeat(64), op: 'bogus' });
	check('apache_viewer_form_refused', formRefused(f), `${f.status}`);
	pass('apache_sample_checked');
});

for (const p of children) p.kill();
sql(`DELETE FROM charge_points WHERE id = ${q(CP)}`);
done();
