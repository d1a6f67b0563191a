#!/usr/bin/env node
// 46-webhooks.mjs — webhooks end to end (docs/notifications.md): a real
// HTTP receiver here, subscriptions made through the API (lighttpd → api →
// ocppd's control socket), events caused over OCPP on an ocppd of this
// test's own (the suite's stack runs with webhook_sender = no, so this one
// is the only sender), and:
//  - every event kind arrives once per subscription with its data:
//    connector.faulted, session.started, session.finished (energy and the
//    cost the API shows), firmware.status, diagnostics.status, cp.offline
//    after webhook_offline_after, cp.online when it comes back;
//  - X-CSMS-Signature is the HMAC-SHA256 of "<timestamp>.<body>",
//    recomputed here with node:crypto; X-CSMS-Event-Id is the body's id;
//  - a receiver answering 500 gets the event again (backoff) until a 2xx,
//    and the delivery log (API and dashboard) says so;
//  - ocppd killed (SIGKILL) while the receiver holds the request, after
//    the COMMIT: the event is still pending, and the restarted ocppd
//    delivers it;
//  - the API refuses a non-http(s) URL, never shows a secret, and shows
//    a generated one once; with webhook_allow_private at its default a
//    receiver on a loopback address is never connected to;
//  - the dashboard page in Chromium, with a screenshot.
import crypto from 'node:crypto';
import http from 'node:http';
import {
	check, checkEq, cpId, done, env, isoNow, ocppClient, ownPort, pass, q, sql, sqlValue,
	startOcppd, test, until,
} from '../node/lib.mjs';
import { chromium } from '../node/node_modules/playwright-core/index.mjs';

const API = `${env.httpUrl}/cgi-bin/api`;
const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
const CP = cpId('hook');
const SECRET = `s46-${process.pid}-0123456789abcdef`;
const TAG = `W46${process.pid % 100000}`;
const ocppPort = ownPort(66);
const rxPort = ownPort(67);

// ---- the receiver --------------------------------------------------------
const got = []; // { path, headers, raw, body }
const failedOnce = new Set();
let holding = false;
const held = [];
const server = http.createServer((req, res) => {
	const chunks = [];
	req.on('data', (c) => chunks.push(c));
	req.on('end', () => {
		const raw = Buffer.concat(chunks).toString('utf8');
		let body = null;
		try { body = JSON.parse(raw); } catch { /* recorded as null */ }
		const rec = { path: req.url, headers: req.headers, raw, body, at: Date.now() };
		got.push(rec);
		if (req.url === '/hold' && holding) {
			held.push(res);
			return;
		}
		if (req.url === '/flaky' && !failedOnce.has(req.headers['x-csms-event-id'])) {
			failedOnce.add(req.headers['x-csms-event-id']);
			res.writeHead(500).end('try again');
			return;
		}
		res.writeHead(204).end();
	});
});
await new Promise((r) => server.listen(rxPort, '127.0.0.1', r));
const RX = `http://127.0.0.1:${rxPort}`;

const mine = (path, type) => got.filter((g) => g.path === path && g.body?.cp_id === CP
	&& (!type || g.body.type === type));
const api = async (method, path, body) => {
	const r = await fetch(`${API}${path}`, {
		method,
		headers: body ? { 'Content-Type': 'application/json' } : {},
		body: body ? JSON.stringify(body) : undefined,
	});
	const text = await r.text();
	let json = null;
	try { json = JSON.parse(text); } catch { /* not JSON */ }
	return { status: r.status, json, text };
};
const verify = (g, secret) => {
	const ts = g.headers['x-csms-timestamp'];
	const want = `sha256=${crypto.createHmac('sha256', secret).update(`${ts}.${g.raw}`).digest('hex')}`;
	return g.headers['x-csms-signature'] === want;
};

// Charge points of earlier tests, offline for a while, are not this
// test's events: counted as announced already.
sql('UPDATE charge_points SET offline_notified = connected_since WHERE connected = 0');
sql(`INSERT INTO users (id_tag, name, status) VALUES (${q(TAG)}, 'Webhook test', 'Accepted')`);
// An event from before any subscription: a new subscription gets no
// backlog.
sql(`INSERT INTO webhook_events (type, cp_id, data, created_at)
	VALUES ('firmware.status', ${q(CP)}, '{"status":"Old"}', UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE)`);

let ocppd;
let browser;
const hooks = {};
const start = () => startOcppd({
	CSMS_OCPP_PORT: String(ocppPort), CSMS_NODE_ID: 'W46', CSMS_WEBHOOK_SENDER: 'yes',
	CSMS_WEBHOOK_ALLOW_PRIVATE: 'yes', CSMS_WEBHOOK_OFFLINE_AFTER: '2',
	CSMS_WEBHOOK_BACKOFF_BASE: '1', CSMS_WEBHOOK_TIMEOUT: '20', CSMS_WEBHOOK_MAX_ATTEMPTS: '5',
}, `46-ocppd-${process.pid}`);

try {
	await test('api_refuses_non_http_urls', async () => {
		for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'gopher://x/', 'http://u:p@x.example/']) {
			const r = await api('POST', '/webhooks', { url, secret: SECRET });
			if (r.status !== 400 || r.json?.error?.parameter !== 'url')
				throw new Error(`${url}: ${r.status} ${r.text}`);
		}
		const r = await api('POST', '/webhooks', { url: `${RX}/ok`, events: ['cp.exploded'] });
		if (r.status !== 400 || r.json?.error?.parameter !== 'events') throw new Error(`events: ${r.status} ${r.text}`);
	});

	await test('api_creates_webhooks', async () => {
		let r = await api('POST', '/webhooks', { url: `${RX}/ok`, secret: SECRET, description: 'all events' });
		if (r.status !== 201) throw new Error(`ok: ${r.status} ${r.text}`);
		if ('secret' in r.json) throw new Error('a given secret was echoed');
		checkEq('webhook_row', [r.json.url, r.json.events, r.json.enabled], [`${RX}/ok`, ['*'], true]);
		hooks.ok = r.json.id;
		r = await api('POST', '/webhooks', { url: `${RX}/flaky`, secret: SECRET, events: ['session.started'] });
		if (r.status !== 201) throw new Error(`flaky: ${r.status} ${r.text}`);
		hooks.flaky = r.json.id;
		r = await api('POST', '/webhooks', { url: `${RX}/hold`, secret: SECRET, events: 'firmware.status' });
		if (r.status !== 201) throw new Error(`hold: ${r.status} ${r.text}`);
		hooks.hold = r.json.id;
		// No secret given: one is made and shown this once.
		r = await api('POST', '/webhooks', { url: `${RX}/gen`, enabled: false });
		if (r.status !== 201 || !/^[0-9a-f]{64}$/.test(r.json.secret || '')) throw new Error(`gen: ${r.status} ${r.text}`);
		hooks.gen = r.json.id;
		const list = await api('GET', '/webhooks');
		if (list.status !== 200 || /secret/.test(list.text) || list.text.includes(SECRET))
			throw new Error(`the list shows secrets: ${list.text.slice(0, 300)}`);
		const ids = list.json.items.map((w) => w.id);
		for (const id of Object.values(hooks)) if (!ids.includes(id)) throw new Error(`webhook ${id} not listed`);
		r = await api('PUT', `/webhooks/${hooks.gen}`, { description: 'generated', events: ['cp.offline', 'cp.online'] });
		checkEq('webhook_updated', [r.status, r.json?.description, r.json?.events, r.json?.enabled],
			[200, 'generated', ['cp.offline', 'cp.online'], false]);
		r = await api('DELETE', `/webhooks/${hooks.gen}`);
		checkEq('webhook_deleted', [r.status, r.json?.deleted], [200, true]);
		r = await api('PUT', `/webhooks/${hooks.gen}`, { enabled: true });
		checkEq('deleted_webhook_not_found', r.status, 404);
	});

	ocppd = await start();
	const cli = await ocppClient(CP, { url: ocppd.url });
	let txId;
	await test('events_caused_over_ocpp', async () => {
		await cli.call('BootNotification', { chargePointVendor: 'T46', chargePointModel: 'hooks' });
		await cli.call('StatusNotification', {
			connectorId: 1, status: 'Faulted', errorCode: 'GroundFailure', info: 'RCD tripped',
			vendorErrorCode: 'E-17', timestamp: isoNow(),
		});
		// Repaired: no Faulted connector is left behind (other tests
		// count them).
		await cli.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError', timestamp: isoNow() });
		const st = await cli.call('StartTransaction', { connectorId: 1, idTag: TAG, meterStart: 1000, timestamp: isoNow(-60000) });
		txId = st.transactionId;
		await cli.call('StopTransaction', { transactionId: txId, meterStop: 13345, timestamp: isoNow(), reason: 'EVDisconnected', idTag: TAG });
		await cli.call('FirmwareStatusNotification', { status: 'Downloading' });
		await cli.call('DiagnosticsStatusNotification', { status: 'Uploaded' });
	});

	await test('each_event_kind_delivered_signed', async () => {
		const kinds = ['connector.faulted', 'session.started', 'session.finished', 'firmware.status', 'diagnostics.status'];
		const all = await until(() => kinds.every((k) => mine('/ok', k).length >= 1), 15000, 50);
		if (!all) throw new Error(`got ${JSON.stringify(mine('/ok').map((g) => g.body.type))}`);
		for (const k of kinds) {
			const g = mine('/ok', k);
			if (g.length !== 1) throw new Error(`${k} arrived ${g.length} times`);
			if (!verify(g[0], SECRET)) throw new Error(`${k}: signature does not verify`);
			if (verify(g[0], `${SECRET}x`)) throw new Error(`${k}: verifies under another secret`);
			if (g[0].headers['x-csms-event-id'] !== g[0].body.id || g[0].headers['x-csms-event'] !== k)
				throw new Error(`${k}: headers ${JSON.stringify(g[0].headers)}`);
			if (Math.abs(Number(g[0].headers['x-csms-timestamp']) * 1000 - g[0].at) > 60000)
				throw new Error(`${k}: timestamp ${g[0].headers['x-csms-timestamp']}`);
			if (!/^application\/json/.test(g[0].headers['content-type'])) throw new Error(`${k}: content-type`);
		}
		const f = mine('/ok', 'connector.faulted')[0].body.data;
		checkEq('faulted_data', [f.connector_id, f.error_code, f.info, f.vendor_error_code],
			[1, 'GroundFailure', 'RCD tripped', 'E-17']);
		const s = mine('/ok', 'session.started')[0].body.data;
		checkEq('started_data', [s.transaction_id, s.id_tag, s.meter_start_wh, s.id_tag_status],
			[txId, TAG, 1000, 'Accepted']);
		const e = mine('/ok', 'session.finished')[0].body.data;
		// The cost the API shows for the same transaction.
		const tx = await api('GET', `/transactions/${txId}`);
		const apiCost = tx.json?.cost ?? tx.json?.transaction?.cost;
		checkEq('finished_data', [e.transaction_id, e.energy_wh, e.meter_stop_wh, e.reason, Number(e.cost)],
			[txId, 12345, 13345, 'EVDisconnected', apiCost]);
		check('finished_cost_cents', e.cost_cents === Math.round(Number(e.cost) * 100) && e.currency,
			JSON.stringify(e));
		checkEq('firmware_data', mine('/ok', 'firmware.status')[0].body.data.status, 'Downloading');
		checkEq('diagnostics_data', mine('/ok', 'diagnostics.status')[0].body.data.status, 'Uploaded');
		checkEq('no_backlog_for_new_subscription', got.filter((g) => g.body?.data?.status === 'Old').length, 0);
		// The outbox row and the session committed together: one event
		// per session, none for a repeated StopTransaction.
		await cli.call('StopTransaction', { transactionId: txId, meterStop: 13345, timestamp: isoNow(), reason: 'EVDisconnected' });
		checkEq('one_finished_event', sqlValue(`SELECT COUNT(*) FROM webhook_events WHERE cp_id = ${q(CP)} AND type = 'session.finished'`), '1');
	});

	await test('retry_after_500_then_delivered', async () => {
		const ok = await until(() => mine('/flaky', 'session.started').length >= 2, 15000, 50);
		if (!ok) throw new Error(`flaky receiver got ${mine('/flaky').length} requests`);
		const [a, b] = mine('/flaky', 'session.started');
		checkEq('same_event_again', b.body.id, a.body.id);
		check('retried_after_backoff', b.at - a.at >= 900, `${b.at - a.at} ms apart`);
		check('retry_signed_anew', verify(b, SECRET), 'signature');
		// The subscription's filter: only session.started went there.
		checkEq('filter_only_started', [...new Set(mine('/flaky').map((g) => g.body.type))], ['session.started']);
		const log = await until(async () => {
			const r = await api('GET', `/webhooks/${hooks.flaky}/deliveries`);
			const d = r.json?.items?.find((i) => String(i.event_id) === a.body.id);
			return d?.status === 'delivered' ? d : null;
		}, 5000, 100);
		if (!log) throw new Error('the delivery log does not say delivered');
		checkEq('delivery_log', [log.attempts, log.last_http_status, log.event_type, log.cp_id], [2, 204, 'session.started', CP]);
	});

	await test('cp_offline_after_n_then_online', async () => {
		await cli.close();
		const off = await until(() => mine('/ok', 'cp.offline').length >= 1, 15000, 100);
		if (!off) throw new Error('no cp.offline');
		const d = mine('/ok', 'cp.offline')[0].body.data;
		checkEq('offline_after', d.offline_after_s, 2);
		const back = await ocppClient(CP, { url: ocppd.url });
		await back.call('BootNotification', { chargePointVendor: 'T46', chargePointModel: 'hooks' });
		const on = await until(() => mine('/ok', 'cp.online').length >= 1, 10000, 100);
		if (!on) throw new Error('no cp.online');
		checkEq('online_once', [mine('/ok', 'cp.offline').length, mine('/ok', 'cp.online').length], [1, 1]);
		check('online_signed', verify(mine('/ok', 'cp.online')[0], SECRET), 'signature');
		await back.close();
		// A short reconnect (under webhook_offline_after) is no event.
		const again = await ocppClient(CP, { url: ocppd.url });
		await again.call('BootNotification', { chargePointVendor: 'T46', chargePointModel: 'hooks' });
		await new Promise((r) => setTimeout(r, 3500));
		checkEq('short_gap_no_event', [mine('/ok', 'cp.offline').length, mine('/ok', 'cp.online').length], [1, 1]);
		globalThis.cli2 = again;
	});

	await test('kill9_between_commit_and_send', async () => {
		holding = true;
		const cp = globalThis.cli2;
		await cp.call('FirmwareStatusNotification', { status: 'Installing' });
		const installing = () => mine('/hold', 'firmware.status').filter((g) => g.body.data.status === 'Installing');
		const inFlight = await until(() => installing().length >= 1, 10000, 50);
		if (!inFlight) throw new Error('the held request never came');
		const eventId = installing()[0].body.id;
		// Committed, sent, no answer recorded: kill ocppd now.
		await ocppd.stop('SIGKILL');
		const row = sql(`SELECT status, attempts, claimed_by IS NOT NULL FROM webhook_deliveries
			WHERE webhook_id = ${hooks.hold} AND event_id = ${eventId}`)[0];
		checkEq('pending_after_kill', row, ['pending', '0', '1']);
		for (const res of held.splice(0)) res.destroy();
		holding = false;
		ocppd = await start();
		const again = await until(() => mine('/hold', 'firmware.status').filter((g) => g.body.id === eventId).length >= 2, 15000, 50);
		if (!again) throw new Error('the event did not arrive after the restart');
		const st = await until(() => sqlValue(`SELECT status FROM webhook_deliveries
			WHERE webhook_id = ${hooks.hold} AND event_id = ${eventId}`) === 'delivered', 5000, 50);
		check('delivered_after_restart', st, 'not recorded delivered');
		check('redelivery_verifies', verify(mine('/hold', 'firmware.status').at(-1), SECRET), 'signature');
		// The other subscription had it delivered before the kill: once.
		checkEq('others_not_repeated', mine('/ok', 'firmware.status').filter((g) => g.body.id === eventId).length, 1);
	});

	await test('private_address_refused_by_default', async () => {
		// The same ocppd with webhook_allow_private at its default (no):
		// the receiver on 127.0.0.1 must not be reached.
		await ocppd.stop();
		ocppd = await startOcppd({
			CSMS_OCPP_PORT: String(ocppPort), CSMS_NODE_ID: 'W46', CSMS_WEBHOOK_SENDER: 'yes',
			CSMS_WEBHOOK_BACKOFF_BASE: '60',
		}, `46-ocppd-private-${process.pid}`);
		const r = await api('POST', '/webhooks', { url: `${RX}/ssrf`, secret: SECRET, events: ['diagnostics.status'] });
		if (r.status !== 201) throw new Error(`${r.status} ${r.text}`);
		hooks.ssrf = r.json.id;
		const c = await ocppClient(CP, { url: ocppd.url });
		await c.call('BootNotification', { chargePointVendor: 'T46', chargePointModel: 'hooks' });
		await c.call('DiagnosticsStatusNotification', { status: 'UploadFailed' });
		const d = await until(async () => {
			const l = await api('GET', `/webhooks/${hooks.ssrf}/deliveries`);
			return l.json?.items?.find((i) => i.attempts >= 1);
		}, 10000, 100);
		await c.close();
		if (!d) throw new Error('no attempt recorded');
		checkEq('refused_attempt', [d.status, d.last_http_status, /address not allowed/.test(d.last_error || '')],
			['pending', null, true]);
		checkEq('receiver_not_reached', got.filter((g) => g.path === '/ssrf').length, 0);
	});

	await test('dashboard_webhooks_page', async () => {
		browser = await chromium.launch({
			executablePath: '/usr/bin/chromium',
			args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
				'--disable-background-networking', '--disable-component-update', '--disable-sync'],
		});
		const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
		const problems = [];
		page.on('pageerror', (e) => problems.push(e.message));
		const r = await page.goto(`${DASH}/webhooks`);
		if (r.status() !== 200) throw new Error(`status ${r.status()}`);
		await page.waitForSelector(`tr[data-webhook="${hooks.flaky}"]`, { timeout: 5000 });
		const nav = await page.getAttribute('nav a[aria-current="page"]', 'href');
		check('nav_current', /\/webhooks$/.test(nav || ''), `nav ${nav}`);
		const url = await page.textContent(`tr[data-webhook="${hooks.ok}"] code`);
		checkEq('page_url', url, `${RX}/ok`);
		const html = await page.content();
		check('page_no_secret', !html.includes(SECRET), 'the secret is on the page');
		const delivered = await page.$$eval('#deliveries tr[data-status="delivered"]', (rows) => rows.length);
		check('page_deliveries', delivered >= 5, `${delivered} delivered rows`);
		await page.goto(`${DASH}/webhooks?status=failed`);
		await page.goto(`${DASH}/webhooks`);
		await page.screenshot({ path: `${env.out}/dashboard-webhooks.png`, fullPage: true });
		pass('webhooks_screenshot_saved');
		const bad = await page.goto(`${DASH}/webhooks?status=lost`);
		checkEq('page_bad_status', bad.status(), 400);
		if (problems.length) throw new Error(problems.join('; '));
	});
	await test('unsubscribed_types_not_written', async () => {
		// With no subscription taking a type, its events are not written
		// at all (they would go to nobody): every node reads the
		// subscribed types every 5 s (notify_want.h).
		for (const k of ['ok', 'flaky', 'hold', 'ssrf']) {
			const r = await api('DELETE', `/webhooks/${hooks[k]}`);
			if (r.status !== 200) throw new Error(`delete ${k}: ${r.status} ${r.text}`);
			delete hooks[k];
		}
		const others = sqlValue('SELECT COUNT(*) FROM webhooks WHERE enabled = 1');
		if (others !== '0') throw new Error(`${others} other enabled webhooks: the premise does not hold`);
		// The ocppd with the 2 s offline timer again.
		await ocppd.stop();
		ocppd = await start();
		await new Promise((r) => setTimeout(r, 6000));
		const since = sqlValue('SELECT COALESCE(MAX(id), 0) FROM webhook_events');
		const c = await ocppClient(CP, { url: ocppd.url });
		await c.call('BootNotification', { chargePointVendor: 'T46', chargePointModel: 'hooks' });
		const session = async () => {
			const st = await c.call('StartTransaction', { connectorId: 1, idTag: TAG, meterStart: 0, timestamp: isoNow(-1000) });
			await c.call('StopTransaction', { transactionId: st.transactionId, meterStop: 10, timestamp: isoNow(), reason: 'Local' });
			await c.call('FirmwareStatusNotification', { status: 'Idle' });
		};
		await session();
		const types = () => sql(`SELECT type FROM webhook_events WHERE id > ${since} AND cp_id = ${q(CP)} ORDER BY id`).map((r) => r[0]);
		checkEq('nothing_written_unsubscribed', types(), []);
		// One type subscribed again: that type alone is written.
		const r = await api('POST', '/webhooks', { url: `${RX}/again`, secret: SECRET, events: ['session.started'] });
		if (r.status !== 201) throw new Error(`${r.status} ${r.text}`);
		hooks.again = r.json.id;
		await new Promise((res) => setTimeout(res, 6000));
		await session();
		await c.close();
		checkEq('subscribed_type_written', types(), ['session.started']);
		// Nobody takes cp.offline: the offline timer (2 s here) marks
		// nothing and writes nothing.
		await new Promise((res) => setTimeout(res, 4500));
		checkEq('offline_timer_idle', [sqlValue(`SELECT offline_notified <=> connected_since FROM charge_points WHERE id = ${q(CP)}`),
			types()], ['0', ['session.started']]);
	});
	await globalThis.cli2?.close();
} finally {
	await browser?.close();
	await ocppd?.stop();
	for (const id of Object.values(hooks)) if (id) await api('DELETE', `/webhooks/${id}`);
	for (const res of held) res.destroy();
	server.close();
}
done();
