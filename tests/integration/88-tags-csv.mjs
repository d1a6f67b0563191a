#!/usr/bin/env node
// 88-tags-csv.mjs — id tags through the real stack (lighttpd → api →
// ocppd's control socket → MariaDB; docs/tags.md):
//  - a tag's own concurrent transaction limit: limit 1 answers
//    ConcurrentTx to the second StartTransaction and Authorize, limit 2
//    does not (the global max_concurrent_tx_per_tag is 0 here), null
//    goes back to the global setting; bad limits are 400 naming the field;
//  - parentIdTag groups: Authorize answers the parent, GET /users filters
//    by it, a tag cannot be its own parent;
//  - GET /tags.csv: every column, formula-guarded text;
//  - POST /tags.csv: a report per line (added, updated, unchanged,
//    refused with why, each checked as POST/PUT /users check one), a
//    round trip of the export changes nothing, a malformed file is a 400
//    naming the line, a body that is not text/csv a 415;
//  - the tags page in a real Chromium: the group and limit form, the
//    group column and filter (a group's members), the export link, the
//    import form (a chosen file read into it) and its report page.
import {
	apiCall as call, check, checkEq, cpId, done, env, isoNow, ocppClient, sqlValue, q, test,
} from '../node/lib.mjs';
import { chromium } from '../node/node_modules/playwright-core/index.mjs';

const P = `T88${process.pid % 100000}`;
const L1 = `${P}L1`, L2 = `${P}L2`, KID = `${P}KID`, GRP = `${P}GRP`;
const CP = cpId('tags88');

async function csv(method, body, type = 'text/csv') {
	const init = { method };
	if (body !== undefined) {
		init.body = body;
		init.headers = { 'Content-Type': type };
	}
	const r = await fetch(`${env.httpUrl}/cgi-bin/api/tags.csv`, init);
	const text = await r.text();
	let json;
	try { json = JSON.parse(text); } catch { json = undefined; }
	return { status: r.status, json, text, type: r.headers.get('content-type') };
}

await test('per_tag_limit_set_and_checked', async () => {
	const a = await call('POST', '/users', { id_tag: L1, max_concurrent_tx: 1 });
	checkEq('add_with_limit', [a.status, a.json?.max_concurrent_tx], [201, 1]);
	const b = await call('POST', '/users', { id_tag: L2, max_concurrent_tx: 2 });
	checkEq('add_limit_2', [b.status, b.json?.max_concurrent_tx], [201, 2]);
	for (const [v, what] of [[-1, 'negative'], [1.5, 'fraction'], ['2', 'string'], [1001, 'too_big']]) {
		const r = await call('PUT', `/users/${L1}`, { max_concurrent_tx: v });
		checkEq(`bad_limit_${what}_400`, [r.status, r.json?.error?.field], [400, 'max_concurrent_tx']);
	}
	const l = await call('GET', `/users?after=${P}K&limit=3`);
	const item = (l.json?.items || []).find((i) => i.id_tag === L1);
	checkEq('listed_with_limit', item?.max_concurrent_tx, 1);

	const cli = await ocppClient(CP);
	try {
		await cli.call('BootNotification', { chargePointVendor: 'T88', chargePointModel: 'tags' });
		const start = (c, tag) => cli.call('StartTransaction',
			{ connectorId: c, idTag: tag, meterStart: 0, timestamp: isoNow() });
		const s1 = await start(1, L1);
		checkEq('limit1_first_accepted', s1.idTagInfo.status, 'Accepted');
		const au = await cli.call('Authorize', { idTag: L1 });
		checkEq('limit1_authorize_concurrent', au.idTagInfo.status, 'ConcurrentTx');
		const s2 = await start(2, L1);
		checkEq('limit1_second_concurrent', s2.idTagInfo.status, 'ConcurrentTx');
		checkEq('stored_start_status', sqlValue(`SELECT start_status FROM transactions WHERE id = ${s2.transactionId}`),
			'ConcurrentTx');
		const t1 = await start(3, L2), t2 = await start(4, L2);
		checkEq('limit2_two_accepted', [t1.idTagInfo.status, t2.idTagInfo.status], ['Accepted', 'Accepted']);
		const t3 = await start(5, L2);
		checkEq('limit2_third_concurrent', t3.idTagInfo.status, 'ConcurrentTx');
		// null: the global setting, 0 (none) on this stack.
		const u = await call('PUT', `/users/${L1}`, { max_concurrent_tx: null });
		checkEq('limit_cleared', [u.status, u.json?.max_concurrent_tx], [200, null]);
		const s3 = await start(6, L1);
		checkEq('no_limit_accepted', s3.idTagInfo.status, 'Accepted');
		for (const s of [s1, s2, t1, t2, t3, s3])
			await cli.call('StopTransaction', { transactionId: s.transactionId, meterStop: 1, timestamp: isoNow() });
	} finally {
		await cli.close({ force: true });
	}
});

await test('parent_groups', async () => {
	const k = await call('POST', '/users', { id_tag: KID, parent_id_tag: GRP, name: '=HYPERLINK("x")' });
	checkEq('kid_added', [k.status, k.json?.parent_id_tag], [201, GRP]);
	const self = await call('PUT', `/users/${KID}`, { parent_id_tag: KID.toLowerCase() });
	checkEq('own_parent_400', [self.status, self.json?.error?.field], [400, 'parent_id_tag']);
	const g = await call('GET', `/users?parent_id_tag=${GRP}`);
	checkEq('filter_by_parent', (g.json?.items || []).map((i) => i.id_tag), [KID]);
	const cli = await ocppClient(CP);
	try {
		const a = await cli.call('Authorize', { idTag: KID });
		checkEq('authorize_parent', [a.idTagInfo.status, a.idTagInfo.parentIdTag], ['Accepted', GRP]);
		const st = await cli.call('StartTransaction', { connectorId: 7, idTag: KID, meterStart: 0, timestamp: isoNow() });
		checkEq('start_parent', [st.idTagInfo.status, st.idTagInfo.parentIdTag], ['Accepted', GRP]);
		const sp = await cli.call('StopTransaction', { transactionId: st.transactionId, idTag: KID, meterStop: 5,
			timestamp: isoNow() });
		checkEq('stop_parent', sp.idTagInfo?.parentIdTag, GRP);
	} finally {
		await cli.close({ force: true });
	}
});

await test('csv_export', async () => {
	const e = await csv('GET');
	checkEq('export_200_csv', [e.status, e.type?.startsWith('text/csv')], [200, true]);
	const lines = e.text.split('\r\n');
	checkEq('header', lines[0], 'id_tag,name,status,expiry_date,parent_id_tag,max_concurrent_tx');
	checkEq('row_l2', lines.find((l) => l.startsWith(`${L2},`)), `${L2},,Accepted,,,2`);
	// A spreadsheet must not run the name as a formula.
	checkEq('row_kid_guarded', lines.find((l) => l.startsWith(`${KID},`)),
		`${KID},"'=HYPERLINK(""x"")",Accepted,,${GRP},`);
});

await test('csv_import_report', async () => {
	const body = [
		'id_tag,name,status,max_concurrent_tx,parent_id_tag',
		`${P}NEW,"New, with comma",,3,${GRP}`,
		`${L2},,Accepted,2,`,
		`${L1},Renamed,Blocked,,`,
		`${P}BAD,x,Maybe,,`,
		'',
		`${P}BAD2,x,Accepted,lots,`,
		`${P}LONGTAGLONGTAGLONGTAG,x,Accepted,,`,
	].join('\n');
	const r = await csv('POST', body);
	checkEq('import_200', r.status, 200);
	const by = Object.fromEntries((r.json?.items || []).map((i) => [i.line, [i.result, i.why]]));
	checkEq('new_added', by[2]?.[0], 'added');
	checkEq('same_unchanged', by[3]?.[0], 'unchanged');
	checkEq('changed_updated', by[4]?.[0], 'updated');
	checkEq('bad_status_refused', by[5], ['refused', 'status: must be Accepted, Blocked or Expired']);
	check('bad_limit_refused_why', by[7]?.[0] === 'refused' && /max_concurrent_tx/.test(by[7]?.[1]), JSON.stringify(by[7]));
	check('long_tag_refused_why', by[8]?.[0] === 'refused' && /id_tag/.test(by[8]?.[1]), JSON.stringify(by[8]));
	checkEq('counts', [r.json?.added, r.json?.updated, r.json?.unchanged, r.json?.refused], [1, 1, 1, 3]);
	checkEq('new_row_stored', sqlValue(`SELECT CONCAT(name, '|', status, '|', max_concurrent_tx, '|', parent_id_tag)
		FROM users WHERE id_tag = ${q(`${P}NEW`)}`), `New, with comma|Accepted|3|${GRP}`);
	checkEq('updated_row_stored', sqlValue(`SELECT CONCAT(name, '|', status, '|', IFNULL(max_concurrent_tx, 'null'))
		FROM users WHERE id_tag = ${q(L1)}`), 'Renamed|Blocked|null');
	checkEq('refused_not_stored', sqlValue(`SELECT COUNT(*) FROM users WHERE id_tag = ${q(`${P}BAD`)}`), '0');
});

await test('csv_round_trip_unchanged', async () => {
	const e = await csv('GET');
	const ours = e.text.split('\r\n').filter((l, i) => i === 0 || l.startsWith(P));
	const r = await csv('POST', ours.join('\r\n') + '\r\n');
	checkEq('round_trip_200', r.status, 200);
	checkEq('round_trip_all_unchanged', [r.json?.unchanged, r.json?.added + r.json?.updated + r.json?.refused],
		[ours.length - 1, 0]);
});

await test('csv_import_in_chunks', async () => {
	// More rows than one request to ocppd carries: sent in chunks, one
	// report.
	const rows = Array.from({ length: 450 }, (_, i) => `${P}M${i},bulk ${i}`);
	const r = await csv('POST', ['id_tag,name', ...rows].join('\n'));
	checkEq('chunks_all_added', [r.status, r.json?.added, r.json?.items?.length, r.json?.items?.[449]?.line],
		[200, 450, 450, 451]);
	checkEq('chunks_stored', sqlValue(`SELECT COUNT(*) FROM users WHERE id_tag LIKE ${q(`${P}M%`)}`), '450');
});

await test('csv_import_bad_files', async () => {
	const cases = [
		['id_tag,name\nA,"unterminated\n', /line 2: unterminated quote/, 'unterminated'],
		['id_tag,colour\nA,red\n', /"colour" is not a column/, 'unknown_column'],
		['name\nx\n', /no id_tag column/, 'no_id_tag'],
		['id_tag,name\nA,b,c\n', /line 2: 3 fields, the header has 2/, 'field_count'],
		['id_tag\n', /no rows/, 'no_rows'],
		['', /empty/, 'empty'],
		['id_tag\n\xff\n', /UTF-8/, 'not_utf8'],
	];
	for (const [body, re, name] of cases) {
		const r = await csv('POST', name === 'not_utf8' ? Buffer.from([0x69, 0x64, 0x5f, 0x74, 0x61, 0x67, 10, 0xff, 10]) : body);
		check(`bad_csv_${name}_400`, r.status === 400 && r.json?.error?.code === 'invalid_csv' &&
			re.test(r.json?.error?.message), `${r.status} ${r.text}`);
	}
	const j = await csv('POST', '{"id_tag":"x"}', 'application/json');
	checkEq('json_type_415', j.status, 415);
	const big = await csv('POST', 'id_tag\n' + 'X\n'.repeat(10001));
	check('too_many_rows_400', big.status === 400 && /more than 10000 rows/.test(big.json?.error?.message), big.text);
});

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
	const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
	const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
	const problems = [];
	page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
	page.on('pageerror', (e) => problems.push(e.message));
	const outcome = async () => (await page.textContent('#outcome'))?.replace(/\s+/g, ' ').trim();

	await test('dashboard_group_and_limit', async () => {
		await page.goto(`${DASH}/tags?q=${P}`);
		await page.click('#group-limit summary');
		await page.fill('#group-form input[name="id_tag"]', L2);
		await page.fill('#group-form input[name="parent_id_tag"]', GRP);
		await page.fill('#group-form input[name="max_concurrent_tx"]', '4');
		await Promise.all([page.waitForNavigation(), page.click('#group-form button[type="submit"]')]);
		check('group_saved_outcome', /done/.test(await outcome() || ''), await outcome());
		checkEq('group_stored', sqlValue(`SELECT CONCAT(parent_id_tag, '|', max_concurrent_tx) FROM users WHERE id_tag = ${q(L2)}`),
			`${GRP}|4`);
		const row = await page.textContent(`tr[data-tag="${L2}"]`);
		check('row_shows_group_and_limit', row.includes(GRP) && /\b4\b/.test(row), row);
		// The group link lists its members.
		await Promise.all([page.waitForNavigation(), page.click(`tr[data-tag="${L2}"] a.tag`)]);
		const members = await page.$$eval('tbody tr', (rs) => rs.map((r) => r.dataset.tag).sort());
		checkEq('group_members', members, [`${P}NEW`, KID, L2].sort());
		check('group_head', /no id tag here/.test(await page.textContent('#group-head')));
		// Empty fields: out of the group, the global limit.
		await page.goto(`${DASH}/tags?q=${P}`);
		await page.click('#group-limit summary');
		await page.fill('#group-form input[name="id_tag"]', L2);
		await Promise.all([page.waitForNavigation(), page.click('#group-form button[type="submit"]')]);
		checkEq('group_cleared', sqlValue(`SELECT CONCAT(IFNULL(parent_id_tag, 'none'), '|', IFNULL(max_concurrent_tx, 'global'))
			FROM users WHERE id_tag = ${q(L2)}`), 'none|global');
		// ocppd's check, shown as the outcome.
		await page.click('#group-limit summary');
		await page.fill('#group-form input[name="id_tag"]', L2);
		await page.fill('#group-form input[name="parent_id_tag"]', L2);
		await Promise.all([page.waitForNavigation(), page.click('#group-form button[type="submit"]')]);
		check('own_parent_refused_shown', /parent_id_tag/.test(await outcome() || ''), await outcome());
		checkEq('export_link', await page.getAttribute('#tags-export', 'href'), '/cgi-bin/api/tags.csv');
	});

	await test('dashboard_import', async () => {
		await page.goto(`${DASH}/tags`);
		await page.click('#tag-import summary');
		await page.setInputFiles('#import-file', { name: 'tags.csv', mimeType: 'text/csv',
			buffer: Buffer.from(`id_tag,name,max_concurrent_tx\n${P}WEB,From the browser,2\n${P}WEB2,x,many\n`) });
		await page.waitForFunction(() => document.querySelector('#import-form textarea').value.includes('WEB2'));
		await Promise.all([page.waitForNavigation(), page.click('#import-form button[type="submit"]')]);
		checkEq('report_counts', (await page.textContent('#import-counts')).replace(/\s+/g, ' ').trim(),
			'1 added · 0 updated · 0 unchanged · 1 refused');
		const bad = await page.textContent('#import-report tr[data-line="3"]');
		check('report_refused_why', /refused/.test(bad) && /max_concurrent_tx/.test(bad), bad);
		checkEq('web_row_stored', sqlValue(`SELECT CONCAT(name, '|', max_concurrent_tx) FROM users WHERE id_tag = ${q(`${P}WEB`)}`),
			'From the browser|2');
		checkEq('no_console_problems', problems, []);
		// A broken file: the reason (a 400 page), nothing written.
		await page.goto(`${DASH}/tags`);
		await page.click('#tag-import summary');
		await page.fill('#import-form textarea', 'id_tag,colour\nX,red');
		await Promise.all([page.waitForNavigation(), page.click('#import-form button[type="submit"]')]);
		check('bad_file_reason', /colour/.test(await outcome() || ''), await outcome());
	});
} finally {
	await browser.close();
}

done();
