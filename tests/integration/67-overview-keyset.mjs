#!/usr/bin/env node
// 67-overview-keyset.mjs — the overview at fleet scale, through the real
// lighttpd: a q that more than 10,000 charge points match (the scan's case)
// shows exactly the LIKE scan's first page, in its order, with the count
// capped ("10,000+") and a pager without a Last link; Next and Previous go
// by cursor (after= the last id shown, before= the first) and give the
// scan's pages forward and back, past the cap too, with every filter
// (q, connected, status, retired) kept in the links; a page by number is
// an OFFSET within the pages counted (past them a 400), and the Last link
// of an exact count reads from the end.
import {
	check, checkEq, done, env, q, sql, test,
} from '../node/lib.mjs';

const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
const P = `Dense${process.pid % 100000}-`;
const N = 11100; // 10,091 of them in service: past the count's cap
const id = (i) => `${P}${String(i).padStart(5, '0')}`;
const group = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

// Every 3rd online; every 7th has a Faulted connector 1, the others an
// Available one; every 11th is retired.
sql(`INSERT INTO charge_points (id, vendor, model, connected, retired)
	SELECT CONCAT(${q(P)}, LPAD(seq, 5, '0')), ELT(1 + seq % 2, 'KeyA', 'KeyB'), 'Keyset',
	       seq % 3 = 0, seq % 11 = 0 FROM seq_1_to_${N}`);
sql(`INSERT INTO connectors (cp_id, connector_id, status, error_code)
	SELECT CONCAT(${q(P)}, LPAD(seq, 5, '0')), 1, IF(seq % 7 = 0, 'Faulted', 'Available'),
	       IF(seq % 7 = 0, 'GroundFailure', 'NoError') FROM seq_1_to_${N}`);

// The plain LIKE scan the overview must equal, in id order.
const like = (s) => `%${s.replace(/[%_!]/g, (c) => `!${c}`)}%`;
function scan(text, { connected = null, status = null, retired = 0 } = {}) {
	const l = q(like(text));
	let where = `(cp.id COLLATE utf8mb4_general_ci LIKE ${l} ESCAPE '!' OR cp.vendor LIKE ${l} ESCAPE '!'
		OR cp.model LIKE ${l} ESCAPE '!' OR cp.firmware_version LIKE ${l} ESCAPE '!') AND cp.retired = ${retired}`;
	if (connected !== null)
		where += ` AND cp.connected = ${connected}`;
	if (status !== null)
		where += ` AND EXISTS (SELECT 1 FROM connectors s WHERE s.cp_id = cp.id AND s.connector_id > 0
			AND s.status = ${q(status)})`;
	return sql(`SELECT cp.id FROM charge_points cp WHERE ${where} ORDER BY cp.id`).map((r) => r[0]);
}

const unescape = (s) => s.replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'").replace(/&lt;/g, '<')
	.replace(/&gt;/g, '>').replace(/&#x2F;|&#47;/g, '/').replace(/&amp;/g, '&');
async function page(path, want = 200) {
	const r = await fetch(DASH + path, { redirect: 'manual' });
	const html = await r.text();
	if (r.status !== want)
		throw new Error(`${path}: status ${r.status}, expected ${want}: ${html.slice(0, 300)}`);
	const rows = [...html.matchAll(/<tr data-cp="([^"]*)"/g)].map((m) => unescape(m[1]));
	const count = (/<p class="count" id="cp-count">([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '')
		.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
	const pos = (/<span class="pager-pos">([^<]*)<\/span>/.exec(html)?.[1] ?? '').trim();
	const link = (rel) => {
		const m = new RegExp(`<a href="([^"]*)" rel="${rel}">`).exec(html);
		return m ? unescape(m[1]) : null;
	};
	return { html, rows, count, pos, link };
}
const rel = (href) => href.slice(href.indexOf('/cgi-bin/dashboard') + '/cgi-bin/dashboard'.length);
// A link's query as an object with sorted keys (null: no link).
const params = (href) => (href === null ? null
	: Object.fromEntries([...new URL(href, 'http://x').searchParams].sort(([a], [b]) => a.localeCompare(b))));
const sorted = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

try {
	await test('overview_dense_q_is_the_scan_with_a_capped_count', async () => {
		const want = scan(P);
		check('dense_set_is_past_the_cap', want.length > 10000, `${want.length} matches`);
		const p1 = await page(`/?q=${encodeURIComponent(P)}`);
		checkEq('dense_page1_rows', p1.rows, want.slice(0, 50));
		check('dense_count_capped', p1.count.startsWith('Showing 1–50 of 10,000+ matching charge points ('),
			p1.count);
		checkEq('dense_pos_capped', p1.pos, 'page 1 of 200+');
		check('dense_no_last_link', p1.link('last') === null, `last ${p1.link('last')}`);
		const next = p1.link('next');
		checkEq('dense_next_cursor', params(next), sorted({ q: P, page: '2', after: want[49] }));
		// Forward three pages by cursor, then back two.
		const p2 = await page(rel(next));
		checkEq('dense_page2_rows', p2.rows, want.slice(50, 100));
		checkEq('dense_page2_count', p2.count.split(' of ')[0], 'Showing 51–100');
		const p3 = await page(rel(p2.link('next')));
		checkEq('dense_page3_rows', p3.rows, want.slice(100, 150));
		const p4 = await page(rel(p3.link('next')));
		checkEq('dense_page4_rows', p4.rows, want.slice(150, 200));
		const prev = p4.link('prev');
		checkEq('dense_prev_cursor', params(prev), sorted({ q: P, page: '3', before: want[150] }));
		const b3 = await page(rel(prev));
		checkEq('dense_back_page3_rows', b3.rows, want.slice(100, 150));
		const b2 = await page(rel(b3.link('prev')));
		checkEq('dense_back_page2_rows', b2.rows, want.slice(50, 100));
		// Page 2's Previous is page 1 itself, no cursor.
		checkEq('dense_prev_to_first', params(b2.link('prev')), sorted({ q: P }));
		// By number: within the pages counted (OFFSET at most 10,000).
		const p201 = await page(`/?q=${encodeURIComponent(P)}&page=201`);
		checkEq('dense_page201_rows', p201.rows, want.slice(10000, 10050));
		const past = await page(`/?q=${encodeURIComponent(P)}&page=202`, 400);
		check('dense_page202_is_400', /past the pages counted \(201\)/.test(past.html), past.html.slice(0, 300));
		// Past the cap by cursor: the end, no Next.
		const end = await page(`/?q=${encodeURIComponent(P)}&page=202&after=${encodeURIComponent(want[10049])}`);
		checkEq('dense_past_cap_rows', end.rows, want.slice(10050, 10100));
		check('dense_past_cap_no_next', end.link('next') === null, `next ${end.link('next')}`);
		checkEq('dense_past_cap_pos', end.pos, 'page 202 of 202');
		const back = await page(rel(end.link('prev')));
		checkEq('dense_past_cap_back', back.rows, want.slice(10000, 10050));
	});

	await test('overview_keyset_keeps_filters', async () => {
		// Online ones: an exact count (the scan under the cap), Next and
		// Previous by cursor, Last from the end.
		const on = scan(P, { connected: 1 });
		const base = `/?q=${encodeURIComponent(P)}&connected=1`;
		const p1 = await page(base);
		checkEq('keyset_online_page1', p1.rows, on.slice(0, 50));
		const pages = Math.ceil(on.length / 50);
		checkEq('keyset_online_pos', p1.pos, `page 1 of ${group(pages)}`);
		checkEq('keyset_online_next', params(p1.link('next')), sorted({ q: P, connected: '1', page: '2', after: on[49] }));
		const p2 = await page(rel(p1.link('next')));
		checkEq('keyset_online_page2', p2.rows, on.slice(50, 100));
		checkEq('keyset_online_last_link', params(p2.link('last')), sorted({ q: P, connected: '1', page: String(pages) }));
		const last = await page(rel(p2.link('last')));
		checkEq('keyset_online_last_rows', last.rows, on.slice((pages - 1) * 50));
		const before = await page(rel(last.link('prev')));
		checkEq('keyset_online_before_last', before.rows, on.slice((pages - 2) * 50, (pages - 1) * 50));
		checkEq('keyset_online_before_last_pos', before.pos, `page ${pages - 1} of ${group(pages)}`);
		// A page by number past the middle is read from the end.
		const deep = await page(`${base}&page=${pages - 3}`);
		checkEq('keyset_online_deep_number', deep.rows, on.slice((pages - 4) * 50, (pages - 3) * 50));

		// Connector status with text, and the retired ones alone.
		for (const [name, opts, qs] of [
			['faulted', { status: 'Faulted' }, { status: 'Faulted' }],
			['faulted_offline', { status: 'Faulted', connected: 0 }, { status: 'Faulted', connected: '0' }],
			['retired', { retired: 1 }, { retired: '1' }],
		]) {
			const want = scan(P, opts);
			const path = `/?${new URLSearchParams({ q: P, ...qs })}`;
			const f1 = await page(path);
			checkEq(`keyset_${name}_page1`, f1.rows, want.slice(0, 50));
			const m = /of ([\d,]+) matching/.exec(f1.count);
			checkEq(`keyset_${name}_count`, m ? Number(m[1].replace(/,/g, '')) : null, want.length);
			const nx = f1.link('next');
			checkEq(`keyset_${name}_next_keeps_filters`, params(nx), sorted({ q: P, ...qs, page: '2', after: want[49] }));
			const f2 = await page(rel(nx));
			checkEq(`keyset_${name}_page2`, f2.rows, want.slice(50, 100));
			const f3 = await page(rel(f2.link('next')));
			checkEq(`keyset_${name}_page3`, f3.rows, want.slice(100, 150));
			const pv = f3.link('prev');
			checkEq(`keyset_${name}_prev_keeps_filters`, params(pv), sorted({ q: P, ...qs, page: '2', before: want[100] }));
			const b2 = await page(rel(pv));
			checkEq(`keyset_${name}_back_page2`, b2.rows, want.slice(50, 100));
		}
		// Retired ones are left out of every page of the others.
		const some = await page(`/?q=${encodeURIComponent(P)}&page=2&after=${encodeURIComponent(id(10))}`);
		check('keyset_retired_left_out', !some.rows.includes(id(11)) && some.rows[0] === id(12), some.rows.slice(0, 3));
		// A cursor is an id: after and before together are a 400.
		await page(`/?q=x&after=a&before=b`, 400);
		await page(`/?after=${'x'.repeat(51)}`, 400);
	});
	// The longest links a pager makes: a q of 48 characters of four UTF-8
	// bytes (576 bytes percent-encoded) that 60 ids of 50 characters
	// contain, the cursor one of those ids: the links carry both whole.
	await test('pager_links_keep_a_long_q_and_cursor', async () => {
		const plug = '\u{1F50C}'.repeat(48);
		// (as bytes: the mariadb client's own character set is not utf8mb4)
		sql(`INSERT INTO charge_points (id, vendor, model)
			SELECT CONCAT(LPAD(seq, 2, '0'), CONVERT(UNHEX(REPEAT('F09F948C', 48)) USING utf8mb4)),
			       'KeyC', 'KeysetLong' FROM seq_1_to_60`);
		try {
			const want = [...Array(60).keys()].map((i) => `${String(i + 1).padStart(2, '0')}${plug}`);
			const f1 = await page(`/?q=${encodeURIComponent(plug)}`);
			checkEq('long_q_page1', f1.rows, want.slice(0, 50));
			const nx = f1.link('next');
			checkEq('long_q_next_link_whole', params(nx), sorted({ q: plug, page: '2', after: want[49] }));
			const f2 = await page(rel(nx));
			checkEq('long_q_page2', f2.rows, want.slice(50));
			// Back to page 1: the first page's link, without a cursor.
			checkEq('long_q_prev_link_whole', params(f2.link('prev')), { q: plug });
		} finally {
			sql(`DELETE FROM charge_points WHERE model = 'KeysetLong'`);
		}
	});
} finally {
	sql(`DELETE FROM connectors WHERE cp_id LIKE ${q(`${P}%`)}`);
	sql(`DELETE FROM charge_points WHERE id LIKE ${q(`${P}%`)}`);
}

done();
