#!/usr/bin/env node
// 51-api-cgi.mjs — the same api binary run as a plain CGI program (what
// hosts without FastCGI do): the environment in, a CGI response on stdout.
// Also what only a process of its own can show: a broken or missing
// config, an unreachable database, CORS and the tariff taken from the
// config.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { checkEq, done, env, q, sql, test } from '../node/lib.mjs';

const P = `A51${process.pid % 100000}`;
const CP = `${P}_cgi`;
sql(`INSERT INTO charge_points (id, vendor, connected) VALUES (${q(CP)}, 'CgiVendor', 1)`);
sql(`INSERT INTO transactions (cp_id, connector_id, id_tag, meter_start, meter_stop, start_ts, stop_ts)
	VALUES (${q(CP)}, 1, ${q(`${P}-TAG`)}, 100, 1350, '2024-05-01 10:00:00.000', '2024-05-01 11:00:00.000')`);

// Runs the program once as CGI; returns { status, headers, body, stderr, rc }.
function cgi(path, { query = '', method = 'GET', extraEnv = {} } = {}) {
	const r = spawnSync(`${env.bin}/api`, [], {
		env: {
			PATH: process.env.PATH,
			CSMS_CONF: env.conf,
			GATEWAY_INTERFACE: 'CGI/1.1',
			REQUEST_METHOD: method,
			SCRIPT_NAME: '/cgi-bin/api',
			PATH_INFO: path,
			QUERY_STRING: query,
			...extraEnv,
		},
		encoding: 'utf8',
		timeout: 20000,
	});
	const out = r.stdout || '';
	const split = out.indexOf('\r\n\r\n');
	if (split < 0) throw new Error(`no header block (rc=${r.status}): ${out.slice(0, 200)} ${r.stderr}`);
	const headers = {};
	for (const line of out.slice(0, split).split('\r\n')) {
		const i = line.indexOf(':');
		headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
	}
	const body = out.slice(split + 4);
	let json;
	try { json = JSON.parse(body); } catch { json = undefined; }
	return { status: Number(headers.status?.split(' ')[0]), headers, body, json, stderr: r.stderr, rc: r.status };
}

function expect(cond, why) {
	if (!cond) throw new Error(typeof why === 'function' ? why() : why);
}

await test('cgi_get_charge_point', async () => {
	const r = cgi(`/cps/${CP}`);
	expect(r.rc === 0, `exit ${r.rc}`);
	expect(r.headers.status === '200 OK', `status ${r.headers.status}`);
	expect(r.headers['content-type'] === 'application/json; charset=utf-8', 'content type');
	expect(r.headers['x-content-type-options'] === 'nosniff' && r.headers['cache-control'] === 'no-store', 'headers');
	expect(r.json.id === CP && r.json.vendor === 'CgiVendor' && Array.isArray(r.json.connectors), r.body);
});

await test('cgi_every_route_kind', async () => {
	checkEq('cgi_list', cgi('/cps', { query: `q=${P}` }).json.items.map((c) => c.id), [CP]);
	const t = cgi('/transactions', { query: `cp_id=${CP}` }).json;
	checkEq('cgi_transactions', [t.total, t.items[0].energy_kwh, t.items[0].cost, t.items[0].currency], [1, 1.25, 0.38, 'EUR']);
	const csv = cgi('/transactions.csv', { query: `cp_id=${CP}` });
	checkEq('cgi_csv_rows', csv.body.trim().split('\r\n').length, 2);
	checkEq('cgi_400', [cgi('/transactions', { query: 'page=0' }).status, cgi('/transactions', { query: 'page=0' }).json.error.parameter], [400, 'page']);
	checkEq('cgi_404', cgi('/nowhere').json.error.code, 'not_found');
	const m = cgi('/cps', { method: 'DELETE' });
	checkEq('cgi_405', [m.status, m.headers.allow], [405, 'GET, HEAD, OPTIONS']);
	const h = cgi('/cps', { method: 'HEAD' });
	checkEq('cgi_head_no_body', [h.status, h.body], [200, '']);
	checkEq('cgi_health', cgi('/health').json.database, 'ok');
	checkEq('cgi_no_path_is_index', cgi('').json.name, 'csms-c REST API');
});

await test('cgi_tariff_from_config', async () => {
	// The cost is computed from the energy, never stored: a new tariff
	// changes it at once.  1.25 kWh x 0.5 = 0.625 -> 0.63.
	const t = cgi('/transactions', { query: `cp_id=${CP}`, extraEnv: { CSMS_PRICE_PER_KWH: '0.5', CSMS_CURRENCY: 'CHF' } }).json;
	checkEq('cgi_tariff', [t.items[0].cost, t.items[0].currency], [0.63, 'CHF']);
});

await test('cgi_cors_when_configured', async () => {
	const off = cgi('/cps', { query: `q=${P}` });
	expect(!('access-control-allow-origin' in off.headers), 'CORS is off by default');
	const on = cgi('/cps', { query: `q=${P}`, extraEnv: { CSMS_CORS_ORIGIN: 'https://ops.example' } });
	checkEq('cgi_cors_header', [on.headers['access-control-allow-origin'], on.headers.vary], ['https://ops.example', 'Origin']);
	const pre = cgi('/cps', { method: 'OPTIONS', extraEnv: { CSMS_CORS_ORIGIN: '*' } });
	checkEq('cgi_cors_preflight', [pre.status, pre.headers['access-control-allow-origin'], pre.headers['access-control-allow-methods']],
		[204, '*', 'GET, HEAD, OPTIONS']);
});

await test('cgi_broken_config_is_503_json', async () => {
	const dir = fs.mkdtempSync(`${env.out}/api-cgi-`);
	const bad = `${dir}/bad.conf`;
	fs.writeFileSync(bad, 'price_per_kwh = 0.3\nno_such_key = 1\n');
	for (const path of ['/cps', '/health', '/openapi.json']) {
		const r = cgi(path, { extraEnv: { CSMS_CONF: bad } });
		expect(r.rc === 0 && r.status === 503, `${path}: rc ${r.rc} status ${r.status}`);
		expect(r.json?.error?.code === 'config_error' && r.json.error.message.includes('bad.conf:2'),
			() => `${path}: ${r.body}`);
	}
	const r = cgi('/cps', { extraEnv: { CSMS_CONF: bad } });
	checkEq('cgi_broken_config_one_stderr_line', r.stderr.trim().split('\n').length, 1);
	const missing = cgi('/cps', { extraEnv: { CSMS_CONF: `${dir}/missing.conf` } });
	checkEq('cgi_missing_config', [missing.status, missing.json.error.code], [503, 'config_error']);
});

await test('cgi_database_unreachable_is_503_json', async () => {
	const down = { CSMS_DB_SOCKET: `${env.out}/no-such-dir/mysqld.sock` };
	for (const path of ['/cps', `/cps/${CP}`, '/transactions', '/transactions.csv', '/users', '/stats', '/metrics']) {
		const r = cgi(path, { extraEnv: down });
		expect(r.rc === 0 && r.status === 503, `${path}: rc ${r.rc} status ${r.status}`);
		expect(r.headers['content-type'] === 'application/json; charset=utf-8', `${path}: ${r.headers['content-type']}`);
		expect(r.json?.error?.code === 'database_unavailable' && r.headers['retry-after'], () => `${path}: ${r.body}`);
	}
	const h = cgi('/health', { extraEnv: down });
	checkEq('cgi_health_db_down', [h.status, h.json.status, h.json.database], [503, 'unavailable', 'down']);
	checkEq('cgi_openapi_without_db', cgi('/openapi.json', { extraEnv: down }).status, 200);
});

done();
