#!/usr/bin/env node
// 82-dashboard-commands.mjs — the dashboard's forms through the real web
// server: commands to a charge point from its page (/cp/{id}) and id-tag
// changes from /tags, each a POST with a CSRF token answered with a 303
// back to the page, which shows the outcome (POST-redirect-GET) from a
// signed flash cookie, never from the URL.
//
// cpsim is the charge point that reacts; the database shows what really
// happened (a transaction, its stop reason, the commands history, the
// users table) and the next Authorize shows that tag changes count.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import {
	check, checkEq, cpId, done, env, ocppClient, q, sql, sqlValue, test, until,
} from '../node/lib.mjs';

const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
const tag = (t) => `T82${process.pid % 1000}${t}`.slice(0, 20);

function expect(cond, why) {
	if (!cond) throw new Error(typeof why === 'function' ? why() : why);
}

async function get(path, cookie) {
	const r = await fetch(DASH + path, { redirect: 'manual', headers: cookie ? { Cookie: cookie } : {} });
	return { status: r.status, headers: r.headers, text: await r.text() };
}

// A form POST as a browser sends it, without following the redirect.
async function post(path, fields, { ctype = 'application/x-www-form-urlencoded' } = {}) {
	const r = await fetch(DASH + path, {
		method: 'POST', redirect: 'manual', headers: { 'Content-Type': ctype },
		body: new URLSearchParams(fields).toString(),
	});
	return { status: r.status, headers: r.headers, text: await r.text() };
}

const tokenOf = (html) => (html.match(/name="csrf" value="([0-9a-f]{64})"/) || [])[1];

// The name=value of a Set-Cookie, as a browser sends it back.
const cookieOf = (r) => (r.headers.get('set-cookie') || '').split(';')[0];

// POST, then GET the Location the 303 names with the cookie it set, as a
// browser does; returns both.
async function submit(path, fields) {
	const p = await post(path, fields);
	const loc = p.headers.get('location') || '';
	expect(p.status === 303, () => `POST ${path}: ${p.status} ${p.text.slice(0, 200)}`);
	expect(loc.startsWith('/cgi-bin/dashboard/'), `Location ${loc}`);
	const cookie = cookieOf(p);
	const g = await get(loc.slice('/cgi-bin/dashboard'.length), cookie);
	return { post: p, loc, page: g, cookie };
}
const outcome = (html) => {
	const m = html.match(/<p class="outcome (\w+)"[^>]*><strong>([^<]*)<\/strong>: ([^<]*)/);
	return m ? [m[1], m[2], m[3].trim()] : null;
};

// ---- a charge point on the line -----------------------------------------
const SIM = cpId('dash');
const simTag = tag('S');
sql(`INSERT INTO users (id_tag, status) VALUES (${q(simTag)}, 'Accepted')`);
const sim = spawn(`${env.bin}/cpsim`, ['--id-tag', simTag, '--sessions', '0', '--quiet',
	`${env.ocppUrl}/${SIM}`], { stdio: ['ignore', 'ignore', fs.openSync(`${env.out}/82-cpsim.log`, 'a')] });
const cmdCount = () => Number(sqlValue(`SELECT COUNT(*) FROM commands WHERE cp_id = ${q(SIM)}`));

await test('cpsim_up', async () => {
	expect(await until(() => sqlValue(`SELECT connected FROM charge_points WHERE id = ${q(SIM)}`) === '1', 10000, 50),
		'cpsim never connected');
});

let token;
await test('cp_page_has_forms_and_token', async () => {
	const p = await get(`/cp/${SIM}`);
	checkEq('cp_page_200', p.status, 200);
	token = tokenOf(p.text);
	check('cp_page_csrf_token', token, 'no csrf token in the page');
	for (const a of ['RemoteStartTransaction', 'Reset', 'UnlockConnector', 'ChangeAvailability', 'TriggerMessage'])
		check(`cp_page_form_${a}`, p.text.includes(`name="action" value="${a}"`), `no ${a} form`);
	check('cp_page_forms_post_to_command', p.text.includes(`method="post" action="/cgi-bin/dashboard/cp/${SIM}/command"`),
		'form action');
	const csp = p.headers.get('content-security-policy') || '';
	check('cp_page_csp_strict', csp.includes("script-src 'self'") && !csp.includes('unsafe-inline')
		&& csp.includes("form-action 'self'"), csp);
	check('cp_page_no_inline_script', !/<script(?![^>]*\bsrc=)/.test(p.text), 'inline <script>');
	check('cp_page_no_meta_refresh_with_forms', !p.text.includes('http-equiv="refresh"'),
		'a meta refresh would wipe what is typed without JavaScript');
});

let tx;
await test('remote_start_via_form', async () => {
	const s = await submit(`/cp/${SIM}/command`,
		{ csrf: token, action: 'RemoteStartTransaction', connectorId: '1', idTag: simTag });
	checkEq('remote_start_303_to_cp_page', s.loc, `/cgi-bin/dashboard/cp/${SIM}`);
	const sc = s.post.headers.get('set-cookie') || '';
	check('flash_cookie_attributes', /^csms_flash=[^;]+; Path=\/cgi-bin\/dashboard; Max-Age=60; HttpOnly; SameSite=Strict$/.test(sc), sc);
	check('flash_cleared_when_shown', /^csms_flash=; .*Max-Age=0/.test(s.page.headers.get('set-cookie') || ''),
		s.page.headers.get('set-cookie'));
	// A banner is for the page it was set for.
	checkEq('flash_not_for_another_page', outcome((await get(`/cp/${cpId('other')}`, s.cookie)).text), null);
	checkEq('remote_start_outcome', outcome(s.page.text), ['ok', 'RemoteStartTransaction', 'Accepted']);
	tx = await until(() => sqlValue(`SELECT id FROM transactions WHERE cp_id = ${q(SIM)}
		AND id_tag = ${q(simTag)} AND stop_ts IS NULL`), 10000, 50);
	expect(tx, 'no open transaction after the form');
	checkEq('remote_start_recorded_by', sqlValue(`SELECT CONCAT(status, ' ', requested_by) FROM commands
		WHERE cp_id = ${q(SIM)} AND action = 'RemoteStartTransaction' ORDER BY id DESC LIMIT 1`),
		'Accepted anonymous@127.0.0.1');
});

await test('remote_stop_via_button', async () => {
	// The running transaction's button shows once cpsim reports it.
	let page;
	expect(await until(async () => {
		page = await get(`/cp/${SIM}`);
		return page.text.includes(`data-stop="${tx}"`);
	}, 10000, 100), 'no Remote stop button for the transaction');
	const s = await submit(`/cp/${SIM}/command`,
		{ csrf: tokenOf(page.text), action: 'RemoteStopTransaction', transactionId: tx });
	checkEq('remote_stop_outcome', outcome(s.page.text), ['ok', 'RemoteStopTransaction', 'Accepted']);
	const reason = await until(() => sqlValue(`SELECT stop_reason FROM transactions WHERE id = ${tx}
		AND stop_ts IS NOT NULL`), 10000, 50);
	checkEq('remote_stop_reason', reason, 'Remote');
	const again = await get(`/cp/${SIM}`);
	const hist = again.text.slice(again.text.indexOf('id="cmds"'));
	check('recent_commands_table', hist.includes('RemoteStopTransaction') && hist.includes('RemoteStartTransaction')
		&& hist.includes('anonymous@127.0.0.1'), 'history missing');
});

await test('outcomes_shown_inline', async () => {
	const inv = await submit(`/cp/${SIM}/command`, { csrf: token, action: 'Reset', type: 'Bogus' });
	const o = outcome(inv.page.text);
	checkEq('invalid_outcome', o && [o[0], o[1]], ['bad', 'Reset']);
	check('invalid_outcome_names_field', o && o[2].startsWith('invalid:') && o[2].includes('type'), String(o));
	const nn = await submit(`/cp/${SIM}/command`, { csrf: token, action: 'UnlockConnector', connectorId: 'x' });
	checkEq('not_a_number_outcome', outcome(nn.page.text), ['bad', 'UnlockConnector', 'invalid: connectorId must be a whole number']);
	const tr = await submit(`/cp/${SIM}/command`, { csrf: token, action: 'TriggerMessage', requestedMessage: 'Heartbeat' });
	checkEq('trigger_outcome', outcome(tr.page.text), ['ok', 'TriggerMessage', 'Accepted']);
	const OFF = cpId('dashoff');
	sql(`INSERT INTO charge_points (id, vendor, connected) VALUES (${q(OFF)}, 'Off', 0)`);
	const off = await submit(`/cp/${OFF}/command`, { csrf: token, action: 'Reset', type: 'Soft' });
	checkEq('offline_outcome', outcome(off.page.text), ['bad', 'Reset', 'the charge point is offline']);
	// A crafted link shows no banner: the outcome never comes from the URL.
	const x = await get(`/cp/${SIM}?done=Security&result=ok&msg=Your%20session%20expired,%20call%20%2B1-555-0100`);
	checkEq('crafted_url_no_banner', outcome(x.text), null);
	check('crafted_url_text_absent', !x.text.includes('session expired'), 'the query text is on the page');
	// Nor from a cookie this server did not sign.
	const forged = await get(`/cp/${SIM}`, `csms_flash=${Math.floor(Date.now() / 1000) + 30}.ok.Security.Call%20us.${'0'.repeat(64)}`);
	checkEq('forged_flash_no_banner', outcome(forged.text), null);
});

// The configuration table: from the last answered GetConfiguration in the
// commands table, so it is there after the redirect and on every reload.
const configRows = (html) => {
	const sec = html.slice(html.indexOf('id="config"'), html.indexOf('id="cmds"'));
	const rows = {};
	for (const m of sec.matchAll(/<tr data-key="([^"]*)">([\s\S]*?)<\/tr>/g)) {
		const v = /name="value" maxlength="500" value="([^"]*)"/.exec(m[2])
			|| /<code class="config-value">([^<]*)<\/code>/.exec(m[2]);
		const ro = /class="config-ro">([^<]*)</.exec(m[2]);
		rows[m[1]] = { value: v && v[1], readonly: ro && ro[1], editable: m[2].includes('value="ChangeConfiguration"') };
	}
	return rows;
};

await test('get_and_change_configuration', async () => {
	const before = await get(`/cp/${SIM}`);
	check('config_get_button', before.text.includes('name="action" value="GetConfiguration"'), 'no Get configuration form');
	const g = await submit(`/cp/${SIM}/command`, { csrf: token, action: 'GetConfiguration' });
	const o = outcome(g.page.text);
	check('config_get_outcome', o && o[0] === 'ok' && o[1] === 'GetConfiguration' && /^\d+ keys received$/.test(o[2]), String(o));
	const rows = configRows(g.page.text);
	const hb = rows.HeartbeatInterval;
	check('config_has_heartbeat', hb && /^\d+$/.test(hb.value), JSON.stringify(rows).slice(0, 300));
	checkEq('config_heartbeat_writable', hb && [hb.readonly, hb.editable], ['no', true]);
	const mk = rows.GetConfigurationMaxKeys;
	checkEq('config_readonly_key', mk && [mk.value, mk.readonly, mk.editable], ['50', 'yes', false]);
	checkEq('config_rows_match_answer', Object.keys(rows).length, Number(o[2].split(' ')[0]));
	check('config_hidden_key_absent', !('AuthorizationKey' in rows), 'hidden key shown');
	const newHb = String(Number(hb.value) + 17);
	const c = await submit(`/cp/${SIM}/command`, { csrf: token, action: 'ChangeConfiguration', key: 'HeartbeatInterval', value: newHb });
	checkEq('config_change_outcome', outcome(c.page.text), ['ok', 'ChangeConfiguration', 'Accepted']);
	// The table shows the last answer until the next Get configuration.
	checkEq('config_table_until_next_get', configRows(c.page.text).HeartbeatInterval.value, hb.value);
	const g2 = await submit(`/cp/${SIM}/command`, { csrf: token, action: 'GetConfiguration' });
	checkEq('config_new_value_shown', configRows(g2.page.text).HeartbeatInterval.value, newHb);
	const ro = await submit(`/cp/${SIM}/command`, { csrf: token, action: 'ChangeConfiguration', key: 'GetConfigurationMaxKeys', value: '7' });
	checkEq('config_change_readonly_rejected', outcome(ro.page.text), ['warn', 'ChangeConfiguration', 'Rejected']);
	// What a charge point answers is text, never markup; unknown keys listed.
	const HOST = cpId('dashcfg');
	sql(`INSERT INTO charge_points (id, vendor, connected) VALUES (${q(HOST)}, 'Cfg', 0)`);
	const resp = JSON.stringify({ configurationKey: [{ key: 'Evil<b>', readonly: false, value: '"><script>x()</script>' },
		{ key: 'Bare', readonly: true }], unknownKey: ['Nope<i>'] });
	sql(`INSERT INTO commands (uid, created_at, finished_at, cp_id, action, params, status, response)
		VALUES (${q('u82cfg' + process.pid)}, NOW(3), NOW(3), ${q(HOST)}, 'GetConfiguration', '{"key":["Evil<b>","Nope<i>"]}', 'answered', ${q(resp)})`);
	const h = await get(`/cp/${HOST}`);
	const sec = h.text.slice(h.text.indexOf('id="config"'), h.text.indexOf('id="cmds"'));
	check('config_value_escaped', sec.includes('value="&quot;&gt;&lt;script&gt;x()') && !sec.includes('<script>x'), sec.slice(0, 600));
	check('config_key_escaped', sec.includes('Evil&lt;b&gt;') && !sec.includes('Evil<b>'), 'key not escaped');
	check('config_unknown_keys', sec.includes('Unknown keys') && sec.includes('Nope&lt;i&gt;'), 'no unknown keys');
	check('config_unset_value', /data-key="Bare">[\s\S]*?not set/.test(sec), 'absent value not marked');
	check('config_asked_keys', sec.includes('Evil&lt;b&gt;, Nope&lt;i&gt;'), 'asked keys not shown');
});

await test('csrf_required', async () => {
	const before = cmdCount();
	const none = await post(`/cp/${SIM}/command`, { action: 'Reset', type: 'Soft' });
	checkEq('no_token_403', none.status, 403);
	const wrong = await post(`/cp/${SIM}/command`, { csrf: 'f'.repeat(64), action: 'Reset', type: 'Soft' });
	checkEq('wrong_token_403', wrong.status, 403);
	const short = await post(`/cp/${SIM}/command`, { csrf: token.slice(0, 32), action: 'Reset', type: 'Soft' });
	checkEq('short_token_403', short.status, 403);
	check('403_page_says_nothing_changed', wrong.text.includes('Nothing was changed'), wrong.text.slice(0, 300));
	checkEq('403_sent_no_command', cmdCount(), before);
	const T = tag('X');
	checkEq('tag_add_wrong_token_403', (await post('/tags/edit', { csrf: 'a'.repeat(64), op: 'add', id_tag: T })).status, 403);
	checkEq('tag_not_added', sqlValue(`SELECT COUNT(*) FROM users WHERE id_tag = ${q(T)}`), '0');
	const json = await post(`/cp/${SIM}/command`, { csrf: token, action: 'Reset', type: 'Soft' }, { ctype: 'application/json' });
	checkEq('json_body_415', json.status, 415);
	checkEq('415_sent_no_command', cmdCount(), before);
	const g = await get(`/cp/${SIM}/command`);
	checkEq('get_on_command_404', g.status, 404);
	const ge = await get('/tags/edit');
	checkEq('get_on_tag_edit_405', ge.status, 405);
	const pp = await post('/tags', { csrf: token });
	checkEq('post_on_page_405', pp.status, 405);
	const unk = await post(`/cp/${SIM}/command`, { csrf: token, action: 'tag_delete', id_tag: simTag });
	checkEq('unknown_action_400', unk.status, 400);
});

// ---- id tags ---------------------------------------------------------------
await test('tags_add_block_delete_via_forms', async () => {
	const T = tag('A');
	const cp = await ocppClient(cpId('auth82'));
	const auth = async () => (await cp.call('Authorize', { idTag: T })).idTagInfo.status;
	const page = await get('/tags');
	const tk = tokenOf(page.text);
	check('tags_page_token', tk, 'no csrf token on /tags');
	// A %00 would cut the tag to T: refused, nothing added.
	const nul = await post('/tags/edit', { csrf: tk, op: 'add', id_tag: `${T}\0XYZ` });
	checkEq('tag_add_nul_400', nul.status, 400);
	checkEq('tag_add_nul_adds_nothing', sqlValue(`SELECT COUNT(*) FROM users WHERE id_tag = ${q(T)}`), '0');
	const a = await submit('/tags/edit', { csrf: tk, op: 'add', id_tag: T, name: 'Dash <Alice>', status: 'Accepted' });
	checkEq('tag_add_outcome', outcome(a.page.text), ['ok', `Add ${T}`, 'done']);
	checkEq('tag_added_row', sql(`SELECT name, status FROM users WHERE id_tag = ${q(T)}`), [['Dash <Alice>', 'Accepted']]);
	check('tag_name_escaped', a.page.text.includes('Dash &lt;Alice&gt;'), 'name not escaped');
	checkEq('tag_added_authorize', await auth(), 'Accepted');
	const dup = await submit('/tags/edit', { csrf: tk, op: 'add', id_tag: T });
	const od = outcome(dup.page.text);
	check('tag_add_duplicate_shown', od && od[0] === 'bad' && od[2].startsWith('exists'), String(od));
	const b = await submit('/tags/edit', { csrf: tk, op: 'block', id_tag: T });
	checkEq('tag_block_outcome', outcome(b.page.text), ['ok', `Block ${T}`, 'done']);
	checkEq('tag_blocked_row', sqlValue(`SELECT status FROM users WHERE id_tag = ${q(T)}`), 'Blocked');
	checkEq('tag_blocked_authorize', await auth(), 'Blocked');
	check('tag_unblock_button', b.page.text.includes('value="unblock"'), 'no Unblock button for a blocked tag');
	await submit('/tags/edit', { csrf: tk, op: 'unblock', id_tag: T });
	checkEq('tag_unblocked_authorize', await auth(), 'Accepted');
	const d = await submit('/tags/edit', { csrf: tk, op: 'delete', id_tag: T });
	checkEq('tag_delete_outcome', outcome(d.page.text), ['ok', `Delete ${T}`, 'done']);
	checkEq('tag_deleted_row', sqlValue(`SELECT COUNT(*) FROM users WHERE id_tag = ${q(T)}`), '0');
	checkEq('tag_deleted_authorize', await auth(), 'Invalid');
	const bad = await submit('/tags/edit', { csrf: tk, op: 'add', id_tag: T, expiry_date: 'tomorrow' });
	const ob = outcome(bad.page.text);
	check('tag_invalid_date_shown', ob && ob[0] === 'bad' && ob[2].includes('expiry_date'), String(ob));
	await cp.close();
});

// ---- who may post: the dashboard run as plain CGI ------------------------
function cgi(method, path, body, extraEnv = {}) {
	const r = spawnSync(`${env.bin}/dashboard`, [], {
		env: {
			PATH: process.env.PATH, CSMS_CONF: env.conf, GATEWAY_INTERFACE: 'CGI/1.1',
			REQUEST_METHOD: method, SCRIPT_NAME: '/cgi-bin/dashboard', PATH_INFO: path,
			QUERY_STRING: '', CONTENT_LENGTH: String(Buffer.byteLength(body || '')),
			CONTENT_TYPE: 'application/x-www-form-urlencoded', REMOTE_ADDR: '127.0.0.1', ...extraEnv,
		},
		input: body || '', encoding: 'utf8', timeout: 20000,
	});
	const out = r.stdout || '';
	return { status: Number(/^Status: (\d+)/m.exec(out)?.[1]), text: out };
}

await test('auth_and_user_bound_tokens', async () => {
	const T = tag('U');
	const form = (tk) => new URLSearchParams({ csrf: tk, op: 'add', id_tag: T }).toString();
	// Both may change id tags (operators): what refuses bob is alice's token.
	sql("INSERT INTO web_users (user, role) VALUES ('alice', 'operator'), ('bob', 'operator') ON DUPLICATE KEY UPDATE role = 'operator'");
	const alice = tokenOf(cgi('GET', '/tags', '', { REMOTE_USER: 'alice' }).text);
	check('cgi_token_for_alice', alice, 'no token');
	check('token_differs_per_user', alice !== tokenOf(cgi('GET', '/tags', '').text), 'same token for anonymous');
	const anon = cgi('POST', '/tags/edit', form(alice), { CSMS_REQUIRE_AUTH: '1' });
	checkEq('auth_required_anonymous_401', anon.status, 401);
	const bob = cgi('POST', '/tags/edit', form(alice), { REMOTE_USER: 'bob' });
	checkEq('other_users_token_403', bob.status, 403);
	checkEq('refused_posts_add_nothing', sqlValue(`SELECT COUNT(*) FROM users WHERE id_tag = ${q(T)}`), '0');
	const ok = cgi('POST', '/tags/edit', form(alice), { REMOTE_USER: 'alice', CSMS_REQUIRE_AUTH: '1' });
	checkEq('own_token_303', ok.status, 303);
	checkEq('tag_added_as_alice', sqlValue(`SELECT COUNT(*) FROM users WHERE id_tag = ${q(T)}`), '1');
	sql(`DELETE FROM users WHERE id_tag = ${q(T)}`);
});

sim.kill();
done();
