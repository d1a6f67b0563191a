#!/usr/bin/env node
// 77-files-retention.mjs — files_retention_days (docs/files.md,
// "Retention"): an ocppd of our own (base+39) with 30 days deletes the
// cp_files rows and firmware jobs (with their steps) older than that and
// keeps the younger ones and every firmware image; then a dashboard page
// view (its sweep stamp made old) removes the files no row names — the
// expired upload, an old orphan, a day-old temporary file — and keeps the
// younger upload, an image, a file named a moment ago (no row yet) and
// a file of a name csms-c never gives.
import fs from 'node:fs';
import path from 'node:path';
import {
	check, checkEq, done, env, ownPort, q, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const FILES = /^\s*files_dir\s*=\s*(.+?)\s*$/m.exec(fs.readFileSync(env.conf, 'utf8'))[1];
const tag = `K${process.pid % 100000}`;
const CP = `${tag}_CP`;
const name = (n) => `log-${tag}-${n}.txt`;
const OLD = name('old'), NEW = name('new'), ORPHAN = name('orphan'), YOUNG = name('young');
const IMAGE = `firmware-${tag}.bin`, PART = `.part-${tag}`, FOREIGN = `notes-${tag}.txt`;
const at = (f) => path.join(FILES, f);
const hoursAgo = (h) => new Date(Date.now() - h * 3600e3);

function cleanup() {
	sql(`DELETE FROM firmware_job_steps WHERE job_id IN (SELECT id FROM firmware_jobs WHERE cp_id = ${q(CP)})`);
	sql(`DELETE FROM firmware_jobs WHERE cp_id = ${q(CP)}`);
	sql(`DELETE FROM cp_files WHERE cp_id = ${q(CP)}`);
	sql(`DELETE FROM firmware WHERE stored_name = ${q(IMAGE)}`);
	for (const f of [OLD, NEW, ORPHAN, YOUNG, IMAGE, PART, FOREIGN]) fs.rmSync(at(f), { force: true });
}
cleanup();
const row = (stored, days) => `(${q(CP)}, 'log', 1, ${q(stored)}, 3, '${'0'.repeat(64)}',
	UTC_TIMESTAMP(3) - INTERVAL ${days} DAY)`;
sql(`INSERT INTO cp_files (cp_id, kind, request_id, stored_name, size, sha256, received_at)
	VALUES ${row(OLD, 40)}, ${row(NEW, 10)}`);
sql(`INSERT INTO firmware (name, stored_name, size, sha256, uploaded_at)
	VALUES ('t', ${q(IMAGE)}, 3, '${'0'.repeat(64)}', UTC_TIMESTAMP(3) - INTERVAL 400 DAY)`);
const fw = sqlValue(`SELECT id FROM firmware WHERE stored_name = ${q(IMAGE)}`);
for (const days of [40, 10]) {
	sql(`INSERT INTO firmware_jobs (cp_id, firmware_id, action, request_id, status, created_at, updated_at)
		VALUES (${q(CP)}, ${fw}, 'UpdateFirmware', ${days}, 'Installed', UTC_TIMESTAMP(3) - INTERVAL ${days} DAY,
		UTC_TIMESTAMP(3) - INTERVAL ${days} DAY)`);
	sql(`INSERT INTO firmware_job_steps (job_id, ts, status) SELECT id, created_at, 'Requested'
		FROM firmware_jobs WHERE cp_id = ${q(CP)} AND request_id = ${days}`);
}
for (const [f, h] of [[OLD, 2], [NEW, 2], [ORPHAN, 2], [YOUNG, 0], [IMAGE, 2], [PART, 48], [FOREIGN, 48]]) {
	fs.writeFileSync(at(f), 'abc');
	fs.utimesSync(at(f), hoursAgo(h), hoursAgo(h));
}

await test('rows_expire', async () => {
	const d = await startOcppd({ CSMS_OCPP_PORT: ownPort(39), CSMS_FILES_RETENTION_DAYS: '30' },
		'ocppd-files-retention');
	try {
		check('old_row_gone', await until(() => sqlValue(`SELECT COUNT(*) FROM cp_files
			WHERE stored_name = ${q(OLD)}`) === '0', 15000, 100), 'old cp_files row kept');
		checkEq('new_row_kept', sqlValue(`SELECT COUNT(*) FROM cp_files WHERE stored_name = ${q(NEW)}`), '1');
		check('old_job_gone', await until(() => sqlValue(`SELECT COUNT(*) FROM firmware_jobs
			WHERE cp_id = ${q(CP)} AND request_id = 40`) === '0', 5000, 50), 'old job kept');
		checkEq('jobs_left', sqlValue(`SELECT GROUP_CONCAT(request_id) FROM firmware_jobs WHERE cp_id = ${q(CP)}`), '10');
		checkEq('steps_left', sqlValue(`SELECT COUNT(*) FROM firmware_job_steps s LEFT JOIN firmware_jobs j
			ON j.id = s.job_id WHERE j.id IS NULL OR j.cp_id = ${q(CP)}`), '1');
		checkEq('image_row_kept', sqlValue(`SELECT COUNT(*) FROM firmware WHERE stored_name = ${q(IMAGE)}`), '1');
	} finally {
		await d.stop();
	}
});

await test('files_swept', async () => {
	const stamp = at('.sweep');
	if (fs.existsSync(stamp)) fs.utimesSync(stamp, hoursAgo(1), hoursAgo(1));
	const r = await fetch(`${env.httpUrl}/cgi-bin/dashboard/`);
	checkEq('page', r.status, 200);
	await r.text();
	check('expired_file_removed', await until(() => !fs.existsSync(at(OLD)), 5000, 50), 'file of the deleted row kept');
	check('orphan_removed', !fs.existsSync(at(ORPHAN)), 'old orphan kept');
	check('part_removed', !fs.existsSync(at(PART)), 'day-old temporary file kept');
	// A file of a name csms-c never gives is not its to remove.
	check('kept', [NEW, YOUNG, IMAGE, FOREIGN].every((f) => fs.existsSync(at(f))),
		[NEW, YOUNG, IMAGE, FOREIGN].filter((f) => !fs.existsSync(at(f))).join(' '));
	check('stamp', fs.existsSync(stamp), 'no stamp');
});

// An admin deletes an image on the Firmware page: its row and its file
// go (the file at once, not at the next sweep); a form without the CSRF
// token changes nothing; deleting it again says so.
await test('firmware_delete', async () => {
	const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
	const page = await (await fetch(`${DASH}/firmware`)).text();
	const m = new RegExp(`action="[^"]*/firmware/${fw}/delete"[^>]*><input type="hidden" name="csrf" value="([0-9a-f]{64})"`)
		.exec(page);
	check('delete_button', m, 'no delete form for the image');
	const post = (body) => fetch(`${DASH}/firmware/${fw}/delete`, { method: 'POST', redirect: 'manual',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
	checkEq('without_csrf_403', (await post('')).status, 403);
	checkEq('kept_without_csrf', sqlValue(`SELECT COUNT(*) FROM firmware WHERE id = ${fw}`), '1');
	const r = await post(`csrf=${m?.[1]}`);
	checkEq('delete_303', r.status, 303);
	checkEq('row_gone', sqlValue(`SELECT COUNT(*) FROM firmware WHERE id = ${fw}`), '0');
	check('file_gone', !fs.existsSync(at(IMAGE)), 'image file kept');
	checkEq('jobs_stay', sqlValue(`SELECT COUNT(*) FROM firmware_jobs WHERE cp_id = ${q(CP)}`), '1');
	const again = await post(`csrf=${m?.[1]}`);
	const shown = await (await fetch(`${DASH}/firmware`, { headers: { cookie: again.headers.get('set-cookie') || '' } })).text();
	check('again_not_found', /no firmware image/.test(shown), 'no outcome for a second delete');
});

cleanup();
done();
