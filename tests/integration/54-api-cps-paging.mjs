#!/usr/bin/env node
// 54-api-cps-paging.mjs — GET /cps in pages through the real lighttpd:
// `limit` charge points after the id `after`, with `next` the cursor of
// the following page (null on the last).  A page counts charge points,
// not their connector rows: a charge point with several connectors at a
// page's edge comes whole, on one page only.  Walking the pages gives
// every charge point of the filter exactly once, in id order.
import {
	check, checkEq, done, env, q, sql, test,
} from '../node/lib.mjs';

const API = `${env.httpUrl}/cgi-bin/api`;
const P = `A54${process.pid % 100000}_`;
const N = 23;
const id = (i) => `${P}${String(i).padStart(3, '0')}`;
const ids = Array.from({ length: N }, (_, i) => id(i));

sql(`INSERT INTO charge_points (id, vendor, connected) VALUES ${ids.map((c, i) =>
	`(${q(c)}, 'PageTest', ${i % 3 === 0 ? 1 : 0})`).join(',')}`);
// Three connectors each: with a row LIMIT a page of 10 would end after 3
// charge points and cut the fourth.
sql(`INSERT INTO connectors (cp_id, connector_id, status) VALUES ${ids.flatMap((c) =>
	[1, 2, 3].map((k) => `(${q(c)}, ${k}, ${k === 2 ? "'Charging'" : "'Available'"})`)).join(',')}`);

async function getJson(path, want = 200) {
	const r = await fetch(API + path);
	const body = await r.json();
	if (r.status !== want)
		throw new Error(`${path}: status ${r.status}, expected ${want}: ${JSON.stringify(body).slice(0, 200)}`);
	return body;
}

// Every page of a filter, following next; the pages' id lists.
async function walk(filter, limit) {
	const pages = [];
	let after = null;
	for (let guard = 0; guard < 100; guard++) {
		const b = await getJson(`/cps?${filter}&limit=${limit}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`);
		pages.push(b.items.map((c) => c.id));
		check(`page_count_field_${filter}_${limit}_${guard}`, b.count === b.items.length, `count ${b.count}, ${b.items.length} items`);
		for (const c of b.items)
			check(`whole_cp_${c.id}_${limit}`, c.connectors.length === 3, `${c.id} has ${c.connectors.length} connectors`);
		if (b.next === null)
			return pages;
		checkEq(`next_is_last_id_${filter}_${limit}_${guard}`, b.next, b.items[b.items.length - 1].id);
		after = b.next;
	}
	throw new Error('no last page after 100 pages');
}

await test('cps_pages_of_10_cover_every_cp_once', async () => {
	const pages = await walk(`q=${encodeURIComponent(P)}`, 10);
	checkEq('cps_page_sizes', pages.map((p) => p.length), [10, 10, 3]);
	checkEq('cps_pages_in_id_order', pages.flat(), ids);
});

await test('cps_page_size_equal_to_the_rest_ends_with_null', async () => {
	// 23 = 23: one page, nothing after it.
	const b = await getJson(`/cps?q=${encodeURIComponent(P)}&limit=${N}`);
	checkEq('cps_exact_fit_items', b.items.length, N);
	checkEq('cps_exact_fit_next', b.next, null);
	const c = await getJson(`/cps?q=${encodeURIComponent(P)}&limit=${N - 1}`);
	checkEq('cps_one_short_next', c.next, id(N - 2));
});

await test('cps_pages_with_connected_filter', async () => {
	const want = ids.filter((_, i) => i % 3 === 0);
	const pages = await walk(`q=${encodeURIComponent(P)}&connected=1`, 3);
	checkEq('cps_connected_pages', pages.flat(), want);
	checkEq('cps_connected_page_sizes', pages.map((p) => p.length), [3, 3, 2]);
});

await test('cps_after_is_exclusive_and_byte_ordered', async () => {
	const b = await getJson(`/cps?q=${encodeURIComponent(P)}&after=${encodeURIComponent(id(20))}`);
	checkEq('cps_after_20', b.items.map((c) => c.id), [id(21), id(22)]);
	checkEq('cps_after_20_next', b.next, null);
	// A cursor that is not an id still works: everything after it.
	const c = await getJson(`/cps?q=${encodeURIComponent(P)}&after=${encodeURIComponent(`${id(4)}x`)}&limit=2`);
	checkEq('cps_after_non_id', c.items.map((x) => x.id), [id(5), id(6)]);
});

await test('cps_default_limit_is_100', async () => {
	const total = Number(sql('SELECT COUNT(*) FROM charge_points')[0][0]);
	const b = await getJson('/cps');
	checkEq('cps_default_items', b.items.length, Math.min(total, 100));
	checkEq('cps_default_next_null_iff_all', b.next === null, total <= 100);
	const c = await getJson('/cps?limit=1000');
	checkEq('cps_limit_1000_items', c.items.length, Math.min(total, 1000));
});

await test('cps_bad_paging_params_are_400', async () => {
	for (const bad of ['limit=0', 'limit=1001', 'limit=abc', 'limit=01', `after=${'x'.repeat(51)}`]) {
		const b = await getJson(`/cps?${bad}`, 400);
		const param = bad.split('=')[0];
		check(`cps_400_${bad.slice(0, 12)}`, b.error?.code === 'invalid_parameter' && b.error?.parameter === param,
			JSON.stringify(b));
	}
});

// counters.c joins connectors to the smaller side, connected or not: the
// figures must be the same from either side.  Checked as the database is,
// then with enough extra connected charge points to flip the sides.
async function statsMatchDb(name) {
	const b = await getJson('/stats');
	const [cps, conn] = sql('SELECT COUNT(*), COALESCE(SUM(connected), 0) FROM charge_points')[0].map(Number);
	checkEq(`${name}_cps`, [b.charge_points.total, b.charge_points.connected], [cps, conn]);
	const want = {};
	for (const [st, n] of sql(`SELECT c.status, COUNT(*) FROM connectors c JOIN charge_points cp
		ON cp.id = c.cp_id WHERE c.connector_id > 0 AND cp.connected = 1 GROUP BY c.status`))
		want[st] = Number(n);
	const got = Object.fromEntries(Object.entries(b.connectors.by_status).filter(([, n]) => n > 0));
	checkEq(`${name}_by_status`, got, want);
	const offline = Number(sql(`SELECT COUNT(*) FROM connectors c JOIN charge_points cp ON cp.id = c.cp_id
		WHERE c.connector_id > 0 AND cp.connected = 0`)[0][0]);
	checkEq(`${name}_offline`, b.connectors.offline, offline);
	checkEq(`${name}_charging`, b.connectors.charging, want.Charging ?? 0);
	return [cps, conn];
}

await test('stats_same_from_either_side', async () => {
	const [cps, conn] = await statsMatchDb('stats_as_is');
	const extra = Math.max(0, cps - 2 * conn) + 10;
	const X = `${P}X`;
	const xs = Array.from({ length: extra }, (_, i) => `${X}${String(i).padStart(5, '0')}`);
	try {
		for (let i = 0; i < xs.length; i += 500) {
			const part = xs.slice(i, i + 500);
			sql(`INSERT INTO charge_points (id, connected) VALUES ${part.map((c) => `(${q(c)}, 1)`).join(',')}`);
			sql(`INSERT INTO connectors (cp_id, connector_id, status) VALUES ${part.map((c, j) =>
				`(${q(c)}, 1, ${j % 3 ? "'Charging'" : "'Faulted'"}), (${q(c)}, 0, 'Available')`).join(',')}`);
		}
		const [, conn2] = await statsMatchDb('stats_flipped');
		check('stats_flipped_more_connected', 2 * conn2 > cps + extra, `${conn2} of ${cps + extra} connected`);
	} finally {
		sql(`DELETE FROM charge_points WHERE id LIKE '${X}%'`);
	}
});

done();
