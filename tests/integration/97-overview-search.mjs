#!/usr/bin/env node
// 97-overview-search.mjs — the overview's text filter read through the id
// trigrams (sql/036) and the distinct vendor/model/firmware triples gives
// exactly what the LIKE scan gives: the same count, the same rows in the
// same order on the first and the last page, for prefixes, middles,
// suffixes, other case, LIKE's metacharacters, non-ASCII text, a q that
// matches nothing and q of 1-2 characters, over a few thousand charge
// points; and the trigrams follow charge points created, deleted and
// renamed after the migration (the table is compared with the ids'
// windows).
import {
	check, checkEq, done, env, q, sql, test,
} from '../node/lib.mjs';

const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
const R = process.pid % 100000;
const P = `Srch${R}-`;
const N = 3000;
const utf = (query) => sql(`SET NAMES utf8mb4; ${query}`);

// Ids: a shared prefix, a number, and now and then a mixed-case word,
// a metacharacter, non-ASCII letters or a space inside.
const extras = ['', '', 'AbC', '%x', '_y', '!z', 'Émile', 'straße', 'zz ZZ', 'ÜBER', '中文', 'a\\b'];
const ids = Array.from({ length: N }, (_, i) =>
	`${P}${String(i).padStart(4, '0')}${extras[i % extras.length]}${i % 7 === 0 ? 'tail' : ''}`);
const vendors = ['Wallbox', 'ABB', 'Ünïcode GmbH', null, 'Per%cent', 'Under_score'];
const models = ['Pulsar', 'Terra 54', null, 'Model_X', 'Bang!'];
const fws = ['1.2.3', null, 'v2.0-beta', 'FW 9'];
for (let s = 0; s < N; s += 500)
	utf(`INSERT INTO charge_points (id, vendor, model, firmware_version) VALUES ${ids.slice(s, s + 500)
		.map((c, k) => {
			const i = s + k;
			const v = (x) => (x === null ? 'NULL' : q(x));
			return `(${q(c)}, ${v(vendors[i % vendors.length])}, ${v(models[i % models.length])}, ${v(fws[i % fws.length])})`;
		}).join(',')}`);

// param_like's pattern: % _ ! escaped with !, inside %...%.
const like = (s) => `%${s.replace(/[%_!]/g, (c) => `!${c}`)}%`;
function expected(text) {
	const l = q(like(text));
	const where = `(cp.id COLLATE utf8mb4_general_ci LIKE ${l} ESCAPE '!' OR cp.vendor LIKE ${l} ESCAPE '!'
		OR cp.model LIKE ${l} ESCAPE '!' OR cp.firmware_version LIKE ${l} ESCAPE '!')`;
	const retired = Number(utf('SELECT EXISTS (SELECT 1 FROM charge_points WHERE retired = 1)')[0][0]);
	return utf(`SELECT cp.id FROM charge_points cp WHERE ${where}${retired ? ' AND cp.retired = 0' : ''}
		ORDER BY cp.id`).map((r) => r[0]);
}

async function page(path) {
	const r = await fetch(DASH + path, { redirect: 'manual' });
	const html = await r.text();
	if (r.status !== 200)
		throw new Error(`${path}: status ${r.status}: ${html.slice(0, 300)}`);
	const unescape = (s) => s.replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'").replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>').replace(/&#x2F;|&#47;/g, '/').replace(/&amp;/g, '&');
	const rows = [...html.matchAll(/<tr data-cp="([^"]*)"/g)].map((m) => unescape(m[1]));
	const count = (/<p class="count" id="cp-count">([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '')
		.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
	const m = /of ([\d,]+) matching/.exec(count);
	return { rows, matching: m ? Number(m[1].replace(/,/g, '')) : rows.length, count };
}

// The count, page 1 and the last page against the scan in SQL.
async function same(name, text) {
	const want = expected(text);
	const enc = encodeURIComponent(text);
	const p1 = await page(`/?q=${enc}`);
	const ok1 = p1.matching === want.length && JSON.stringify(p1.rows) === JSON.stringify(want.slice(0, 50));
	let okLast = true;
	let last = null;
	const pages = Math.ceil(want.length / 50);
	if (pages > 1) {
		last = await page(`/?q=${enc}&page=${pages}`);
		okLast = JSON.stringify(last.rows) === JSON.stringify(want.slice((pages - 1) * 50));
	}
	check(`search_${name}`, ok1 && okLast,
		`q=${JSON.stringify(text)}: ${want.length} by the scan, ${p1.matching} shown (${p1.count}); `
		+ `page 1 ${p1.rows.slice(0, 3)} vs ${want.slice(0, 3)}; last ${last?.rows.slice(0, 3)}`);
}

const cases = [
	['prefix', P], ['prefix_lower', P.toLowerCase()], ['number_middle', `${R}-012`],
	['one_id', `${P}0123`], ['suffix', '9tail'], ['tail', 'tail'], ['upper_word', 'ABC'],
	['lower_word', 'abc'], ['percent', '%x'], ['underscore', '_y'], ['bang', '!z'],
	['percent_alone', '0%'], ['accent', 'émile'], ['accent_folded', 'EMILE'], ['sharp_s', 'STRASSE'],
	['eszett', 'straße'], ['umlaut', 'über'], ['cjk', '中文'], ['backslash', 'a\\b'],
	['inner_space', 'zz zz'], ['trailing_space', 'zz '], ['vendor', 'wallbox'], ['vendor_part', 'icode g'],
	['vendor_meta', 'r%c'], ['model_meta', 'l_x'], ['model_bang', 'ng!'], ['model_space', 'erra 5'],
	['firmware', '2.0-b'], ['firmware_space', 'fw 9'], ['id_and_vendor', 'ABB'], ['nothing', 'no-such-charge-point-q'],
	['one_char', 'Z'], ['two_chars', '0t'], ['three_chars', '1ta'], ['digits', '000'],
];

await test('overview_search_matches_the_scan', async () => {
	for (const [name, text] of cases)
		await same(name, text);
});

// The trigram table against the windows of every id: nothing missing,
// nothing left over.
function gramsDrift() {
	return utf(`SELECT
		(SELECT COUNT(*) FROM charge_points cp JOIN seq_1_to_48 s ON s.seq <= CHAR_LENGTH(cp.id) - 2
		 WHERE NOT EXISTS (SELECT 1 FROM cp_id_grams g WHERE g.cp_id = cp.id
		                   AND g.gram = SUBSTRING(cp.id, s.seq, 3))),
		(SELECT COUNT(*) FROM cp_id_grams g WHERE NOT EXISTS (
		   SELECT 1 FROM charge_points cp JOIN seq_1_to_48 s ON s.seq <= CHAR_LENGTH(cp.id) - 2
		   WHERE cp.id = g.cp_id AND SUBSTRING(cp.id, s.seq, 3) = g.gram))`)[0];
}

await test('overview_search_follows_writes', async () => {
	checkEq('grams_match_ids_after_insert', gramsDrift(), ['0', '0']);
	// Created after the migration, one by one as ocppd does.
	const born = `${P}Newborn-Ω`;
	utf(`INSERT INTO charge_points (id) VALUES (${q(born)})`);
	await same('created', 'newborn-ω');
	// Deleted: the grams go with the row (foreign key).
	utf(`DELETE FROM charge_points WHERE id IN (${q(ids[5])}, ${q(ids[6])})`);
	await same('deleted', `${P}000`);
	checkEq('deleted_grams_gone', utf(`SELECT COUNT(*) FROM cp_id_grams WHERE cp_id = ${q(ids[5])}`)[0][0], '0');
	// Renamed, and renamed by case alone (ids are binary).
	utf(`UPDATE charge_points SET id = ${q(`${P}Renamed-XYZ`)} WHERE id = ${q(ids[8])}`);
	utf(`UPDATE charge_points SET id = ${q(born.toUpperCase())} WHERE id = ${q(born)}`);
	await same('renamed_new', 'renamed-xyz');
	await same('renamed_old', `${P}0008`);
	await same('renamed_case', 'NEWBORN');
	// An update that leaves the id alone keeps its grams.
	utf(`UPDATE charge_points SET vendor = 'Changed' WHERE id = ${q(ids[9])}`);
	await same('vendor_changed', 'changed');
	checkEq('grams_match_ids_after_writes', gramsDrift(), ['0', '0']);
});

done();
