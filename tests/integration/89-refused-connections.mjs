#!/usr/bin/env node
// 89-refused-connections.mjs — the refused and unknown connection attempts
// an installer looks at (docs/security.md "Refused connections"), through
// the real stack:
//  - on the stack's ocppd (allow_unknown_cps = yes): a path without an
//    identity, a wrong subprotocol, a retired charge point and an unknown
//    charge point let in are listed by GET /connection-attempts with
//    identity, address, code, reason and time; a retry is counted on the
//    same line, not added;
//  - on a second ocppd with allow_unknown_cps = no and a password on one
//    charge point: the unknown identity and the wrong password are listed
//    (control op connection_attempts);
//  - the list is bounded: 300 made-up identities leave at most its
//    capacity (256) lines, the newest kept;
//  - the dashboard's Refused connections page, reached from Approvals in
//    a real Chromium, shows them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import {
	apiCall as call, check, checkEq, cpId, done, env, handshakeStatus, ocppClient, ownPort, q, rawHandshake, sql,
	startOcppd, test, until, WebSocket,
} from '../node/lib.mjs';
import { chromium } from '../node/node_modules/playwright-core/index.mjs';

const RET = cpId('ref89ret');
const UNK = cpId('ref89unk');
const PROTO = cpId('ref89proto');
const enc = encodeURIComponent;
const find = (items, pred) => (items || []).find(pred);

function control(path) {
	const sock = net.connect(path);
	let buf = '';
	const waiters = [];
	sock.setEncoding('utf8');
	sock.on('data', (d) => {
		buf += d;
		let i;
		while ((i = buf.indexOf('\n')) >= 0) {
			const l = buf.slice(0, i);
			buf = buf.slice(i + 1);
			waiters.shift()?.(JSON.parse(l));
		}
	});
	sock.on('error', () => {});
	return {
		ready: new Promise((r, j) => { sock.once('connect', r); sock.once('error', j); }),
		req(obj) {
			sock.write(JSON.stringify(obj) + '\n');
			return new Promise((resolve) => waiters.push(resolve));
		},
		close() { sock.end(); },
	};
}

function upgradeStatus(url, auth) {
	return new Promise((resolve) => {
		const ws = new WebSocket(url, ['ocpp1.6'], auth ? { headers: { Authorization: auth } } : {});
		ws.once('open', () => { resolve(101); ws.close(); });
		ws.once('unexpected-response', (req, res) => { resolve(res.statusCode); req.destroy(); });
		ws.once('error', () => resolve(0));
	});
}

await test('stack_refusals_listed', async () => {
	checkEq('empty_identity_400', await rawHandshake('/'), 400);
	const p = await handshakeStatus(`/${enc(PROTO)}`, ['ocpp2.1']);
	check('wrong_subprotocol_refused', p.status >= 400, `status ${p.status}`);
	const rc = await ocppClient(RET);
	await rc.call('BootNotification', { chargePointVendor: 'T89', chargePointModel: 'refused' });
	await rc.close({ force: true });
	const put = await call('PUT', `/cps/${enc(RET)}/retired`, { retired: true });
	checkEq('retired_200', put.status, 200);
	check('retired_refused', await until(async () =>
		(await handshakeStatus(`/${enc(RET)}`, ['ocpp1.6'])).status === 403, 15000, 200));
	sql(`DELETE FROM charge_points WHERE id = ${q(UNK)}`);
	const cli = await ocppClient(UNK);
	await cli.close({ force: true });
	await handshakeStatus(`/${enc(PROTO)}`, ['ocpp2.1']); // the retry

	const r = await call('GET', '/connection-attempts');
	checkEq('api_200', r.status, 200);
	const items = r.json?.items;
	const bad = find(items, (i) => i.identity === null && i.code === 400);
	check('no_identity_listed', bad && /127\.0\.0\.1/.test(bad.address) && bad.reason, JSON.stringify(items.slice(0, 5)));
	const proto = find(items, (i) => i.identity === PROTO);
	check('subprotocol_listed', proto && proto.code >= 400 && /protocol/i.test(proto.reason), JSON.stringify(proto));
	checkEq('retry_counted_on_one_line', [proto?.count, items.filter((i) => i.identity === PROTO).length], [2, 1]);
	check('times_iso', proto && proto.first_at <= proto.last_at && /Z$/.test(proto.last_at), JSON.stringify(proto));
	const ret = find(items, (i) => i.identity === RET);
	checkEq('retired_listed', [ret?.code, ret?.reason], [403, 'charge point retired']);
	const unk = find(items, (i) => i.identity === UNK);
	checkEq('unknown_let_in_listed', [unk?.code, /unknown charge point/.test(unk?.reason)], [0, true]);
	checkEq('capacity', r.json?.capacity, 256);
	checkEq('newest_first', items.map((i) => i.last_at), [...items.map((i) => i.last_at)].sort().reverse());
});

await test('closed_install_refusals_and_bound', async () => {
	const port = ownPort(33);
	const sock = `${env.out}/89-ocppd.sock`;
	const PW = cpId('ref89pw');
	sql(`INSERT INTO charge_points (id) VALUES (${q(PW)}) ON DUPLICATE KEY UPDATE auth_hash = NULL, security_profile = 0, retired_at = NULL`);
	const d = await startOcppd({ CSMS_OCPP_PORT: port, CSMS_CONTROL_SOCKET: sock, CSMS_ALLOW_UNKNOWN_CPS: 'no' },
		'89-ocppd');
	try {
		await until(() => fs.existsSync(sock), 5000, 20);
		const ctl = control(sock);
		await ctl.ready;
		const set = await ctl.req({ op: 'cp_set_password', cp_id: PW, params: { password: 'correct horse battery', profile: 1 } });
		checkEq('password_set', set.ok, true);
		const url = `ws://127.0.0.1:${port}`;
		checkEq('unknown_404', (await handshakeStatus('/STRANGER89', ['ocpp1.6'], { url })).status, 404);
		const basic = 'Basic ' + Buffer.from(`${PW}:wrong password!!`).toString('base64');
		checkEq('wrong_password_401', await upgradeStatus(`${url}/${enc(PW)}`, basic), 401);
		let a = await ctl.req({ op: 'connection_attempts' });
		const it = a.result?.items || [];
		checkEq('unknown_listed', find(it, (i) => i.identity === 'STRANGER89')?.reason, 'unknown charge point');
		checkEq('wrong_password_listed', find(it, (i) => i.identity === PW)?.reason, 'wrong password');
		// The operator's client reads the same list.
		const cli = JSON.parse(execFileSync(path.join(env.bin, 'csmsctl'), ['connection_attempts'],
			{ encoding: 'utf8', env: { ...process.env, CSMS_CONTROL_SOCKET: sock } }));
		check('csmsctl_lists', (cli.items || []).some((i) => i.identity === 'STRANGER89'), JSON.stringify(cli).slice(0, 200));
		const bad = await ctl.req({ op: 'connection_attempts', params: { x: 1 } });
		checkEq('params_refused', bad.error?.code, 'invalid_params');

		// A flood of made-up identities cannot grow the list.
		for (let i = 0; i < 300; i++)
			await handshakeStatus(`/FLOOD89_${i}`, ['ocpp1.6'], { url });
		a = await ctl.req({ op: 'connection_attempts' });
		const ids = (a.result?.items || []).map((i) => i.identity);
		checkEq('bounded_to_capacity', ids.length, 256);
		check('newest_kept', ids.includes('FLOOD89_299') && !ids.includes('FLOOD89_0'), ids.slice(0, 3).join());
		ctl.close();
	} finally {
		await d.stop();
	}
});

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
	await test('dashboard_refused_page', async () => {
		const page = await (await browser.newContext()).newPage();
		const problems = [];
		page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
		await page.goto(`${env.httpUrl}/cgi-bin/dashboard/approvals`);
		await Promise.all([page.waitForNavigation(), page.click('#refused-link')]);
		checkEq('title', await page.textContent('h1'), 'Refused connections');
		const row = await page.$(`#attempts tr[data-identity="${RET}"]`);
		check('retired_row_shown', row && /charge point retired/.test(await row.textContent()),
			row ? await row.textContent() : 'no row');
		const unk = await page.$(`#attempts tr[data-identity="${UNK}"]`);
		check('let_in_row_shown', unk && /let in/.test(await unk.textContent()));
		checkEq('no_console_problems', problems, []);
	});
} finally {
	await browser.close();
}

done();
