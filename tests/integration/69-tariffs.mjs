#!/usr/bin/env node
// 69-tariffs.mjs — tariffs through the real stack (lighttpd → api →
// ocppd's control socket → MariaDB; docs/tariffs.md):
//  - a tariff is created, read and assigned to a charge point; bad input
//    is a 400 naming the field;
//  - a session under it: StatusNotification SuspendedEV marks the idle
//    time; while it runs the API shows an estimate; a new version during
//    the session does not apply to it; StopTransaction stores the cost
//    with its breakdown (hand-computed below) and the version id;
//  - a later change leaves the stored cost alone, a tariff that priced a
//    session cannot be deleted; a session started after a change uses the
//    new version; a charge point without a tariff keeps price_per_kwh;
//  - the CSV, the totals (/costs), the transaction page's Cost card and
//    the printable receipt show the stored figures.
import {
	apiCall as call, check, checkEq, cpId, done, env, ocppClient, q, sql, sqlValue, test, until,
} from '../node/lib.mjs';

const CP = cpId('tariff');
const PLAIN = cpId('tariff_plain');
const TAG = `T69${process.pid % 100000}`;
sql(`INSERT IGNORE INTO users (id_tag) VALUES (${q(TAG)})`);
const MIN = 60000;
// Whole minutes, well in the past, so every figure is exact.
const base = Math.floor(Date.now() / MIN) * MIN - 60 * MIN;
const iso = (ms) => new Date(ms).toISOString();
const page = async (path) => {
	const r = await fetch(`${env.httpUrl}/cgi-bin/dashboard${path}`);
	return { status: r.status, text: await r.text() };
};

let tariff, v1, siteId, tx, tx2;

await test('tariff_created_and_read', async () => {
	const s = await call('POST', '/sites', { name: `Tariff site ${process.pid}`, time_zone: 'Europe/Berlin' });
	checkEq('site_201', s.status, 201);
	siteId = s.json?.id;
	const bad = await call('POST', '/tariffs', { name: `Bad ${process.pid}`, energy_price: 'abc' });
	checkEq('bad_price_400', [bad.status, bad.json?.error?.field], [400, 'energy_price']);
	const badBand = await call('POST', '/tariffs', { name: `Bad ${process.pid}`, bands: [{ days: 'Moonday', from: '10:00', to: '11:00' }] });
	checkEq('bad_band_400', badBand.status, 400);
	const c = await call('POST', '/tariffs', {
		name: `Standard ${process.pid}`, currency: 'EUR', valid_from: iso(base - 60 * MIN),
		energy_price: '0.40', time_price: '0.01', idle_price: '0.10', idle_grace_min: 0,
		session_fee: '0.50', vat_rate: '19', prices_include_vat: true,
	});
	checkEq('created_201', c.status, 201);
	tariff = c.json?.id;
	v1 = c.json?.versions?.[0]?.id;
	checkEq('version_fields', [c.json?.versions?.length, c.json?.versions?.[0]?.energy_price, c.json?.versions?.[0]?.session_fee,
		c.json?.versions?.[0]?.vat_rate, c.json?.versions?.[0]?.prices_include_vat, c.json?.versions?.[0]?.current],
	[1, '0.400000', '0.50', '19.00', true, true]);
	const dup = await call('POST', '/tariffs', { name: `Standard ${process.pid}` });
	checkEq('name_taken_409', dup.status, 409);
	const one = await call('GET', `/tariffs/${tariff}`);
	checkEq('get_one', [one.status, one.json?.name], [200, `Standard ${process.pid}`]);
	const list = await call('GET', '/tariffs');
	check('listed', list.json?.items?.some((t) => t.id === tariff));
	checkEq('unknown_404', (await call('GET', '/tariffs/999999')).status, 404);
});

const cli = await ocppClient(CP);
const plain = await ocppClient(PLAIN);

await test('tariff_assigned', async () => {
	for (const c of [cli, plain])
		await c.call('BootNotification', { chargePointVendor: 'T69', chargePointModel: 'tariff' });
	await until(() => sqlValue(`SELECT COUNT(*) FROM charge_points WHERE id IN (${q(CP)}, ${q(PLAIN)})`) === '2');
	checkEq('site_set', (await call('PUT', `/cps/${encodeURIComponent(CP)}/site`, { site_id: siteId })).status, 200);
	const a = await call('POST', `/tariffs/${tariff}/assignments`, { cp_id: CP });
	checkEq('assigned_201', [a.status, a.json?.assignments?.length, a.json?.assignments?.[0]?.cp_id], [201, 1, CP]);
	const bad = await call('POST', `/tariffs/${tariff}/assignments`, { connector_id: 1 });
	checkEq('connector_needs_cp', [bad.status, bad.json?.error?.field], [400, 'connector_id']);
});

await test('session_priced_at_stop_from_the_version_at_start', async () => {
	const st = await cli.call('StartTransaction', { connectorId: 1, idTag: TAG, meterStart: 1000, timestamp: iso(base) });
	tx = st.transactionId;
	await cli.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging', timestamp: iso(base) });
	await cli.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'SuspendedEV', timestamp: iso(base + 20 * MIN) });
	checkEq('idle_marked', sqlValue(`SELECT COUNT(*) FROM tx_idle WHERE tx_id = ${tx}`), '1');
	// Running: an estimate under the tariff, never a stored cost.
	const run = await call('GET', `/transactions/${tx}`);
	checkEq('running_estimate', [run.json?.cost, run.json?.cost_breakdown, run.json?.cost_estimate?.estimate,
		run.json?.cost_estimate?.tariff_version_id, run.json?.cost_estimate?.fee], [null, null, true, v1, '0.50']);
	// New prices from 5 minutes after the start: not this session's.
	const v2 = await call('PUT', `/tariffs/${tariff}`, { valid_from: iso(base + 5 * MIN), energy_price: '9.99' });
	checkEq('version_added', [v2.status, v2.json?.versions?.length, v2.json?.versions?.[1]?.valid_to], [200, 2, iso(base + 5 * MIN)]);
	const old = await call('PUT', `/tariffs/${tariff}`, { valid_from: iso(base - 120 * MIN), energy_price: '1' });
	checkEq('history_not_rewritten', [old.status, old.json?.error?.field], [400, 'valid_from']);
	await cli.call('StopTransaction', { transactionId: tx, meterStop: 3500, timestamp: iso(base + 30 * MIN), reason: 'EVDisconnected' });
	// 2.5 kWh x 0.40 = 1.00; 20 min charging x 0.01 = 0.20; 10 min idle
	// x 0.10 = 1.00; fee 0.50: 2.70 with VAT; VAT 2.70 x 19/119 = 0.431
	// → 0.43; net 2.27.
	const t = await call('GET', `/transactions/${tx}`);
	const b = t.json?.cost_breakdown;
	checkEq('stored_cost', [t.json?.cost, t.json?.currency, b?.energy, b?.time, b?.idle, b?.fee, b?.adjustment, b?.net, b?.vat, b?.gross],
		[2.7, 'EUR', '1.00', '0.20', '1.00', '0.50', '0.00', '2.27', '0.43', '2.70']);
	checkEq('stored_version', [b?.tariff_version_id, b?.charging_s, b?.idle_s, b?.estimate, b?.vat_rate], [v1, 1200, 600, false, '19.00']);
	checkEq('idle_mark_gone', sqlValue(`SELECT COUNT(*) FROM tx_idle WHERE tx_id = ${tx}`), '0');
});

await test('later_change_leaves_the_stored_cost', async () => {
	const v3 = await call('PUT', `/tariffs/${tariff}`, { energy_price: '0.50' });
	checkEq('v3', v3.status, 200);
	const t = await call('GET', `/transactions/${tx}`);
	checkEq('unchanged', [t.json?.cost_breakdown?.gross, t.json?.cost_breakdown?.tariff_version_id], ['2.70', v1]);
	const del = await call('DELETE', `/tariffs/${tariff}`);
	checkEq('delete_in_use_409', [del.status, del.json?.error?.code], [409, 'in_use']);
	// A session after the change: 1 kWh x 0.50 under the newest version.
	const now = Date.now();
	const st = await cli.call('StartTransaction', { connectorId: 2, idTag: TAG, meterStart: 0, timestamp: iso(now) });
	tx2 = st.transactionId;
	await cli.call('StopTransaction', { transactionId: tx2, meterStop: 1000, timestamp: iso(now) });
	const t2 = await call('GET', `/transactions/${tx2}`);
	checkEq('new_version_used', [t2.json?.cost_breakdown?.gross, t2.json?.cost_breakdown?.tariff_version_id],
		['0.50', v3.json?.versions?.[0]?.id]);
});

await test('no_tariff_keeps_price_per_kwh', async () => {
	const st = await plain.call('StartTransaction', { connectorId: 1, idTag: TAG, meterStart: 0, timestamp: iso(base) });
	await plain.call('StopTransaction', { transactionId: st.transactionId, meterStop: 1250, timestamp: iso(base + MIN) });
	const price = Number(process.env.CSMS_PRICE_PER_KWH || '0.30');
	const t = await call('GET', `/transactions/${st.transactionId}`);
	checkEq('default_tariff', [t.json?.cost_breakdown?.tariff_version_id, t.json?.cost],
		[null, Math.round(1.25 * price * 100 + 1e-9) / 100]);
});

await test('csv_totals_and_pages', async () => {
	const r = await fetch(`${env.httpUrl}/cgi-bin/api/transactions.csv?cp_id=${encodeURIComponent(CP)}`);
	const [head, ...rows] = (await r.text()).trim().split('\r\n').map((l) => l.split(','));
	const row = rows.find((x) => x[0] === String(tx));
	const col = (n) => row?.[head.indexOf(n)];
	checkEq('csv_breakdown', [col('cost'), col('cost_gross'), col('cost_net'), col('cost_vat'), col('cost_idle'), col('tariff_version_id')],
		['2.70', '2.70', '2.27', '0.43', '1.00', String(v1)]);
	const bySite = await call('GET', '/costs?by=site');
	const mine = bySite.json?.items?.find((i) => i.site_id === siteId);
	checkEq('totals_by_site', [bySite.status, mine?.sessions, mine?.gross, mine?.currency], [200, 2, '3.20', 'EUR']);
	const byTag = await call('GET', `/costs?by=id_tag&from=${iso(base - MIN)}`);
	check('totals_by_tag', byTag.json?.items?.some((i) => i.id_tag === TAG && i.sessions >= 3));
	checkEq('totals_bad_by', (await call('GET', '/costs?by=year')).status, 400);
	const p = await page(`/transactions/${tx}`);
	check('page_cost_card', p.status === 200 && /id="tx-cost-gross">2\.70 EUR/.test(p.text) && p.text.includes('Idle (parking after charging)'),
		'the transaction page shows the breakdown');
	const rc = await page(`/receipts/${tx}`);
	check('receipt_page', rc.status === 200 && /id="rc-gross">2\.70 EUR/.test(rc.text) && /id="rc-vat">0\.43/.test(rc.text)
		&& /id="rc-net">2\.27/.test(rc.text) && rc.text.includes(`Standard ${process.pid}`) && rc.text.includes('csms.css'),
	'the receipt shows the stored cost');
	const css = await (await fetch(`${env.httpUrl}/static/csms.css`)).text();
	check('print_stylesheet', /@media print/.test(css));
	checkEq('receipt_404', (await page('/receipts/999999999')).status, 404);
	const tp = await page('/tariffs');
	check('tariffs_page', tp.status === 200 && tp.text.includes(`Standard ${process.pid}`) && tp.text.includes('id="tariff-form"'));
});

await test('unassign_and_delete', async () => {
	const t = await call('POST', '/tariffs', { name: `Spare ${process.pid}`, energy_price: 0.3 });
	checkEq('number_price', [t.status, t.json?.versions?.[0]?.energy_price], [201, '0.300000']);
	const a = await call('POST', `/tariffs/${t.json.id}/assignments`, { site_id: siteId });
	const aid = a.json?.assignments?.[0]?.id;
	const u = await call('DELETE', `/tariffs/${t.json.id}/assignments/${aid}`);
	checkEq('unassigned', [u.status, u.json?.assignments?.length], [200, 0]);
	const d = await call('DELETE', `/tariffs/${t.json.id}`);
	checkEq('deleted', [d.status, d.json?.deleted], [200, true]);
});

await cli.close();
await plain.close();
done();
