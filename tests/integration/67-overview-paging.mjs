#!/usr/bin/env node
// 67-overview-paging.mjs — the dashboard's overview in pages of 50 through
// the real lighttpd: a filter that matches 120 charge points shows 50, 50
// and 20 of them, in id order, each with its own connectors; the count
// line and the pager say where the page is; the online, connector status
// and text filters combine and survive the pager's links; a page past the
// end and an unknown status are 400 pages.
import {
	check, checkEq, done, env, q, sql, sqlValue, test,
} from '../node/lib.mjs';

const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
const P = `OVP${process.pid % 100000}_`;
const N = 120;
const id = (i) => `${P}${String(i).padStart(3, '0')}`;
const ids = Array.from({ length: N }, (_, i) => id(i));
const group = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

// Every 4th online; every 5th has a Faulted connector 2; charge point 7's
// station (connector 0) is Faulted, which is not a connector's fault.
sql(`INSERT INTO charge_points (id, vendor, model, connected) VALUES ${ids.map((c, i) =>
	`(${q(c)}, ${i % 2 ? "'Odd'" : "'Even'"}, 'Pager', ${i % 4 === 0 ? 1 : 0})`).join(',')}`);
sql(`INSERT INTO connectors (cp_id, connector_id, status, error_code) VALUES ${ids.flatMap((c, i) => [
	`(${q(c)}, 1, 'Available', 'NoError')`,
	`(${q(c)}, 2, ${i % 5 === 0 ? "'Faulted', 'GroundFailure'" : "'Preparing', 'NoError'"})`,
]).join(',')}, (${q(id(7))}, 0, 'Faulted', 'OtherError')`);

async function page(path, want = 200) {
	const r = await fetch(DASH + path, { redirect: 'manual' });
	const html = await r.text();
	if (r.status !== want)
		throw new Error(`${path}: status ${r.status}, expected ${want}: ${html.slice(0, 300)}`);
	const unescape = (s) => s.replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'").replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>').replace(/&#x2F;|&#47;/g, '/').replace(/&amp;/g, '&');
	const rows = [...html.matchAll(/<tr data-cp="([^"]*)"/g)].map((m) => unescape(m[1]));
	const count = (/<p class="count" id="cp-count">([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '')
		.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
	const pos = (/<span class="pager-pos">([^<]*)<\/span>/.exec(html)?.[1] ?? '').trim();
	const link = (rel) => {
		const m = new RegExp(`<a href="([^"]*)" rel="${rel}">`).exec(html);
		return m ? unescape(m[1]) : null;
	};
	// Per row, the statuses of its connectors in order.
	const conns = {};
	for (const m of html.matchAll(/<tr data-cp="([^"]*)">([\s\S]*?)<\/tr>/g))
		conns[unescape(m[1])] = [...m[2].matchAll(/data-status="([^"]*)"/g)].map((x) => x[1]);
	return { html, rows, count, pos, link, conns };
}
const rel = (href) => href.slice(href.indexOf('/cgi-bin/dashboard') + '/cgi-bin/dashboard'.length);

await test('overview_text_filter_pages_of_50', async () => {
	const total = Number(sqlValue('SELECT COUNT(*) FROM charge_points'));
	const p1 = await page(`/?q=${encodeURIComponent(P)}`);
	checkEq('ov_page1_rows', p1.rows, ids.slice(0, 50));
	checkEq('ov_page1_count', p1.count, `Showing 1–50 of 120 matching charge points (${group(total)} in all)`);
	checkEq('ov_page1_pos', p1.pos, 'page 1 of 3');
	check('ov_page1_no_prev', p1.link('prev') === null, 'a previous link on page 1');
	const next = p1.link('next');
	check('ov_page1_next_keeps_filter', next && next.includes(`q=${P}`) && next.includes('page=2'), `next ${next}`);
	const p2 = await page(rel(next));
	checkEq('ov_page2_rows', p2.rows, ids.slice(50, 100));
	checkEq('ov_page2_count', p2.count, `Showing 51–100 of 120 matching charge points (${group(total)} in all)`);
	const p3 = await page(rel(p2.link('last')));
	checkEq('ov_page3_rows', p3.rows, ids.slice(100));
	checkEq('ov_page3_pos', p3.pos, 'page 3 of 3');
	check('ov_page3_no_next', p3.link('next') === null, 'a next link on the last page');
	// Each row carries its own connectors, on every page.
	checkEq('ov_page3_connectors_100', p3.conns[id(100)], ['Available', 'Faulted']);
	checkEq('ov_page3_connectors_101', p3.conns[id(101)], ['Available', 'Preparing']);
	checkEq('ov_page2_connectors_55', p2.conns[id(55)], ['Available', 'Faulted']);
});

await test('overview_filters_combine_and_count', async () => {
	const online = ids.filter((_, i) => i % 4 === 0);
	const p = await page(`/?q=${encodeURIComponent(P)}&connected=1`);
	checkEq('ov_online_rows', p.rows, online);
	check('ov_online_count', p.count.startsWith(`Showing ${online.length} of `), p.count);
	const faulted = ids.filter((_, i) => i % 5 === 0);
	const f = await page(`/?q=${encodeURIComponent(P)}&status=Faulted`);
	checkEq('ov_status_rows', f.rows, faulted); // not 7: its station is Faulted, no connector
	check('ov_status_selected', /<option value="Faulted" selected>/.test(f.html), 'status not kept in the form');
	const both = await page(`/?q=${encodeURIComponent(P)}&status=Faulted&connected=0`);
	checkEq('ov_status_offline_rows', both.rows, ids.filter((_, i) => i % 5 === 0 && i % 4 !== 0));
	const text = await page(`/?q=${encodeURIComponent(`${P}1`)}&status=Preparing`);
	checkEq('ov_text_status_rows', text.rows, ids.filter((c, i) => c.startsWith(`${P}1`) && i % 5 !== 0));
	const vendor = await page(`/?q=${encodeURIComponent(P)}&page=2`);
	checkEq('ov_page2_plain', vendor.rows, ids.slice(50, 100));
	// The pager of a status filter keeps it.
	const odd = await page(`/?q=Odd&status=Preparing`);
	const next = odd.link('next');
	if (next)
		check('ov_status_next_keeps_filter', next.includes('status=Preparing') && next.includes('q=Odd'), next);
	else
		check('ov_status_one_page', odd.rows.length <= 50, `${odd.rows.length} rows without a pager`);
});

await test('overview_unfiltered_is_one_page', async () => {
	const total = Number(sqlValue('SELECT COUNT(*) FROM charge_points'));
	const p = await page('/');
	checkEq('ov_all_rows', p.rows.length, Math.min(total, 50));
	const first = sql('SELECT id FROM charge_points ORDER BY id LIMIT 50').map((r) => r[0]);
	checkEq('ov_all_first_page_ids', p.rows, first);
	if (total > 50)
		checkEq('ov_all_count', p.count, `Showing 1–50 of ${group(total)} charge points`);
});

await test('overview_bad_page_and_status_are_400', async () => {
	const past = await page(`/?q=${encodeURIComponent(P)}&page=4`, 400);
	check('ov_past_last_page', /page/.test(past.html) && /last page \(3\)/.test(past.html), past.html.slice(0, 300));
	await page('/?status=Bogus', 400);
	await page('/?page=0', 400);
	await page('/?page=01', 400);
	// An empty result is page 1 of 1, not an error.
	const none = await page('/?q=no-such-cp-at-all-x', 200);
	checkEq('ov_empty_rows', none.rows, []);
});

done();
