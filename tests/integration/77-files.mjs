#!/usr/bin/env node
// 77-files.mjs — the files charge points upload and download through the
// shipped lighttpd config (docs/files.md): cpsim uploads a log (GetLog,
// multipart POST) and diagnostics (GetDiagnostics, PUT) to the one-time
// URL ocppd put in the call; a reused or expired upload URL is 403 and
// stores nothing; an upload over upload_max_bytes is 413 and stores
// nothing; a firmware image uploaded in the dashboard reaches cpsim at a
// tokened URL (UpdateFirmware, SignedUpdateFirmware) with every status
// step recorded, and a firmware URL without its token is 403.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import {
	check, checkEq, cpId, done, env, ocppClient, ownPort, q, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const API = `${env.httpUrl}/cgi-bin/api`;
const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
const FILES = /^\s*files_dir\s*=\s*(.+?)\s*$/m.exec(fs.readFileSync(env.conf, 'utf8'))[1];
const enc = encodeURIComponent;

function expect(cond, why) {
	if (!cond) throw new Error(typeof why === 'function' ? why() : why);
}
async function cmd(cp, action, body) {
	const r = await fetch(`${API}/cps/${enc(cp)}/commands/${action}?wait=5`, {
		method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
	});
	return { status: r.status, json: await r.json().catch(() => undefined) };
}
// Every name in files_dir (the temporary .part- files too; not the
// sweep stamp, cgi-bin/filesweep.h).
const stored = () => fs.readdirSync(FILES).filter((n) => n !== '.sweep').sort();
const lastPayload = (cp, action) => JSON.parse(sqlValue(`SELECT params FROM commands
	WHERE cp_id = ${q(cp)} AND action = ${q(action)} ORDER BY id DESC LIMIT 1`));
const put = (url, body) => fetch(url, { method: 'PUT', body });

const SIM = cpId('files');
const sim = spawn(`${env.bin}/cpsim`, ['--files', '--sessions', '0', '--quiet', `${env.ocppUrl}/${SIM}`],
	{ stdio: ['ignore', 'ignore', fs.openSync(`${env.out}/77-cpsim.log`, 'a')] });
// A charge point that accepts GetLog and uploads nothing: its URLs are
// the test's to use.
const RAW = cpId('raw');
const raw = await ocppClient(RAW, { client: { strictMode: false } });
const rawGot = [];
raw.handle('GetLog', ({ params }) => { rawGot.push(params); return { status: 'Accepted' }; });
await raw.call('BootNotification', { chargePointVendor: 'T77', chargePointModel: 'files' });

try {
	await test('cpsim_up', async () => {
		expect(await until(async () => (await cmd(SIM, 'ClearCache', {})).status === 200, 10000, 100),
			'cpsim never answered');
	});

	await test('log_upload_end_to_end', async () => {
		const r = await cmd(SIM, 'GetLog', {});
		checkEq('get_log_accepted', [r.status, r.json?.result?.status], [200, 'Accepted']);
		const loc = lastPayload(SIM, 'GetLog').log.remoteLocation;
		check('location_is_ours', loc.startsWith(`${env.httpUrl}/files/u/`), loc);
		const row = await until(() => sql(`SELECT id, kind, stored_name, size, request_id FROM cp_files
			WHERE cp_id = ${q(SIM)} AND kind = 'log'`)[0], 10000, 50);
		expect(row, 'no log file recorded');
		checkEq('log_status_uploaded', await until(() => sqlValue(`SELECT log_status FROM charge_points
			WHERE id = ${q(SIM)}`) === 'Uploaded' && 'Uploaded', 5000, 50), 'Uploaded');
		const text = fs.readFileSync(`${FILES}/${row[2]}`, 'utf8');
		check('stored_with_cp_and_request_in_name', row[2].includes(SIM) && row[2].includes(`-${row[4]}-`), row[2]);
		checkEq('stored_content', [text.startsWith(`cpsim ${SIM}: GetLog`), String(text.length)], [true, row[3]]);
		const list = await (await fetch(`${API}/cps/${enc(SIM)}/files`)).json();
		checkEq('api_lists_it', list.files?.[0]?.id, Number(row[0]));
		const dl = await fetch(`${API}/files/${row[0]}/content`);
		checkEq('api_download', [dl.status, await dl.text()], [200, text]);
		const html = await (await fetch(`${DASH}/cp/${enc(SIM)}`)).text();
		check('cp_page_links_it', html.includes(`/files/${row[0]}/content`), 'no download link');
	});

	await test('diagnostics_put_end_to_end', async () => {
		const r = await cmd(SIM, 'GetDiagnostics', {});
		checkEq('get_diagnostics_answered', r.status, 200);
		expect(await until(() => sqlValue(`SELECT COUNT(*) FROM cp_files WHERE cp_id = ${q(SIM)}
			AND kind = 'diagnostics'`) === '1', 10000, 50), 'no diagnostics file recorded');
		checkEq('diagnostics_status', await until(() => sqlValue(`SELECT diagnostics_status FROM charge_points
			WHERE id = ${q(SIM)}`) === 'Uploaded' && 'Uploaded', 5000, 50), 'Uploaded');
	});

	await test('dashboard_forms_upload_here_by_default', async () => {
		const html = await (await fetch(`${DASH}/cp/${enc(SIM)}`)).text();
		const tok = (html.match(/name="csrf" value="([0-9a-f]{64})"/) || [])[1];
		const form = (fields) => fetch(`${DASH}/cp/${enc(SIM)}/command`, {
			method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ csrf: tok, ...fields }).toString(),
		});
		checkEq('get_log_form_303', (await form({ action: 'GetLog', logType: 'SecurityLog' })).status, 303);
		checkEq('get_log_form_security_log', lastPayload(SIM, 'GetLog').logType, 'SecurityLog');
		checkEq('diagnostics_form_303', (await form({ action: 'GetDiagnostics', location: '' })).status, 303);
		expect(await until(() => sqlValue(`SELECT COUNT(*) FROM cp_files WHERE cp_id = ${q(SIM)}`) === '4', 10000, 50),
			() => `files: ${sqlValue(`SELECT COUNT(*) FROM cp_files WHERE cp_id = ${q(SIM)}`)}`);
	});

	await test('reused_token_403_stores_nothing', async () => {
		const loc = lastPayload(SIM, 'GetLog').log.remoteLocation;
		const before = stored();
		const n = sqlValue(`SELECT COUNT(*) FROM cp_files`);
		const r = await put(loc, 'again');
		checkEq('reused_403', r.status, 403);
		checkEq('reused_nothing_stored', [stored(), sqlValue(`SELECT COUNT(*) FROM cp_files`)], [before, n]);
	});

	await test('expired_token_403_stores_nothing', async () => {
		checkEq('raw_get_log', (await cmd(RAW, 'GetLog', { logType: 'SecurityLog' })).json?.result?.status, 'Accepted');
		const loc = rawGot.at(-1).log.remoteLocation;
		sql(`UPDATE file_tokens SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE cp_id = ${q(RAW)}`);
		const before = stored();
		const r = await put(loc, 'late');
		checkEq('expired_403', r.status, 403);
		checkEq('expired_nothing_stored', [stored(), sqlValue(`SELECT COUNT(*) FROM cp_files WHERE cp_id = ${q(RAW)}`)],
			[before, '0']);
		// Another charge point's path with a valid token: refused too.
		checkEq('raw_get_log_2', (await cmd(RAW, 'GetLog', {})).json?.result?.status, 'Accepted');
		const other = rawGot.at(-1).log.remoteLocation.replace(`/${RAW}/`, `/${SIM}/`);
		checkEq('other_cp_403', (await put(other, 'x')).status, 403);
	});

	await test('oversized_413_stores_nothing', async () => {
		checkEq('raw_get_log_3', (await cmd(RAW, 'GetLog', {})).json?.result?.status, 'Accepted');
		const loc = rawGot.at(-1).log.remoteLocation;
		const max = Number(/^\s*upload_max_bytes\s*=\s*(\d+)/m.exec(fs.readFileSync(env.conf, 'utf8'))?.[1] || 16777216);
		const before = stored();
		const r = await put(loc, Buffer.alloc(max + 1, 65));
		checkEq('oversized_413', r.status, 413);
		const fd = new FormData();
		fd.append('file', new Blob([Buffer.alloc(max + 1, 66)]), 'big.log');
		checkEq('oversized_multipart_413', (await fetch(loc, { method: 'POST', body: fd })).status, 413);
		checkEq('oversized_nothing_stored', [stored(), sqlValue(`SELECT COUNT(*) FROM cp_files WHERE cp_id = ${q(RAW)}`)],
			[before, '0']);
		// The token was not used up: the right size is taken once.
		checkEq('then_fits_201', (await put(loc, 'small')).status, 201);
		checkEq('then_used_403', (await put(loc, 'small')).status, 403);
	});

	await test('files_url_rules', async () => {
		checkEq('firmware_without_token_403', (await fetch(`${env.httpUrl}/files/f/${enc(SIM)}`)).status, 403);
		checkEq('firmware_wrong_token_403', (await fetch(`${env.httpUrl}/files/f/${enc(SIM)}/${'a'.repeat(64)}`)).status, 403);
		checkEq('upload_get_405', (await fetch(`${env.httpUrl}/files/u/${enc(SIM)}/${'a'.repeat(64)}`)).status, 405);
		checkEq('firmware_delete_405', (await fetch(`${env.httpUrl}/files/f/${enc(SIM)}/${'a'.repeat(64)}`,
			{ method: 'DELETE' })).status, 405);
	});

	// The dashboard's upload form: multipart with the page's CSRF token.
	const page = await (await fetch(`${DASH}/firmware`)).text();
	const csrf = (page.match(/name="csrf" value="([0-9a-f]{64})"/) || [])[1];
	const image = Buffer.from(`FW77-${process.pid}-`.repeat(5000));
	let fwId;

	await test('firmware_upload_in_dashboard', async () => {
		expect(csrf, 'no upload form');
		const fd = new FormData();
		fd.append('csrf', csrf);
		fd.append('image', new Blob([image]), 'fw-77.bin');
		fd.append('signature', 'c2lnbmF0dXJlLTc3');
		fd.append('signing_cert', '-----BEGIN CERTIFICATE-----\nMIIB77\n-----END CERTIFICATE-----');
		const r = await fetch(`${DASH}/firmware`, { method: 'POST', body: fd, redirect: 'manual' });
		checkEq('upload_303', r.status, 303);
		const row = sql(`SELECT id, stored_name, size FROM firmware WHERE name = 'fw-77.bin' ORDER BY id DESC LIMIT 1`)[0];
		expect(row, 'no firmware row');
		fwId = Number(row[0]);
		checkEq('image_stored', [row[2], fs.readFileSync(`${FILES}/${row[1]}`).equals(image)], [String(image.length), true]);
		const noCsrf = new FormData();
		noCsrf.append('image', new Blob([image]), 'fw-77-forged.bin');
		checkEq('upload_without_csrf_403', (await fetch(`${DASH}/firmware`, { method: 'POST', body: noCsrf })).status, 403);
		const list = await (await fetch(`${API}/firmware`)).json();
		checkEq('api_firmware_list', [list.items?.[0]?.id, list.items?.[0]?.signed], [fwId, true]);
	});

	const steps = (action) => sql(`SELECT s.status FROM firmware_job_steps s JOIN firmware_jobs j ON j.id = s.job_id
		WHERE j.id = (SELECT MAX(id) FROM firmware_jobs WHERE cp_id = ${q(SIM)} AND action = ${q(action)})
		ORDER BY s.id`).map((r) => r[0]);

	await test('update_firmware_from_hosted_image', async () => {
		const r = await cmd(SIM, 'UpdateFirmware', { firmwareId: fwId });
		checkEq('update_answered', r.status, 200);
		const want = ['Requested', 'Fetched', 'Downloading', 'Downloaded', 'Installing', 'Installed'];
		const got = await until(() => { const s = steps('UpdateFirmware'); return s.at(-1) === 'Installed' && s; }, 10000, 50);
		// The download may be logged before or after Downloading arrives.
		checkEq('update_steps', [...(got || [])].sort(), [...want].sort());
		const loc = lastPayload(SIM, 'UpdateFirmware').location;
		const dl = await fetch(loc);
		checkEq('tokened_url_serves_image', [dl.status, Buffer.from(await dl.arrayBuffer()).equals(image)], [200, true]);
		checkEq('other_cp_path_403', (await fetch(loc.replace(`/${SIM}/`, `/${RAW}/`))).status, 403);
		checkEq('download_logged', sqlValue(`SELECT COUNT(*) FROM firmware_job_steps s JOIN firmware_jobs j
			ON j.id = s.job_id WHERE j.cp_id = ${q(SIM)} AND j.action = 'UpdateFirmware' AND s.status = 'Fetched'`), '2');
	});

	await test('signed_update_firmware_from_dashboard', async () => {
		const r = await fetch(`${DASH}/cp/${enc(SIM)}/firmware`, {
			method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ csrf, firmware_id: String(fwId), signed: '1' }).toString(),
		});
		checkEq('signed_form_303', r.status, 303);
		const got = await until(() => { const s = steps('SignedUpdateFirmware'); return s.at(-1) === 'Installed' && s; }, 10000, 50);
		check('signed_steps', got && ['Requested', 'Fetched', 'Downloading', 'Downloaded', 'SignatureVerified', 'Installing',
			'Installed'].every((s) => got.includes(s)), JSON.stringify(got));
		const p = lastPayload(SIM, 'SignedUpdateFirmware');
		checkEq('signed_payload', [p.firmware.signature, p.firmware.location.startsWith(`${env.httpUrl}/files/f/`)],
			['c2lnbmF0dXJlLTc3', true]);
		const html = await (await fetch(`${DASH}/cp/${enc(SIM)}`)).text();
		check('cp_page_shows_jobs', html.includes('id="fw-jobs"') && html.includes('SignatureVerified'), 'no job steps');
		const api = await (await fetch(`${API}/cps/${enc(SIM)}/files`)).json();
		checkEq('api_jobs', api.firmware_jobs?.map((j) => [j.action, j.status]),
			[['SignedUpdateFirmware', 'Installed'], ['UpdateFirmware', 'Installed']]);
	});

	// The upkeep pass (at every ocppd start, then every 10 minutes) drops
	// tokens a day past their expiry; a fresh expired one stays a day.
	await test('expired_tokens_purged', async () => {
		const old = '1'.repeat(60) + String(process.pid % 10000).padStart(4, '0');
		const young = '2'.repeat(60) + String(process.pid % 10000).padStart(4, '0');
		sql(`INSERT INTO file_tokens (token_hash, cp_id, kind, request_id, created_at, expires_at) VALUES
			(${q(old)}, ${q(RAW)}, 'log', 1, NOW(3) - INTERVAL 3 DAY, NOW(3) - INTERVAL 2 DAY),
			(${q(young)}, ${q(RAW)}, 'log', 2, NOW(3) - INTERVAL 2 HOUR, NOW(3) - INTERVAL 1 HOUR)`);
		const o = await startOcppd({ CSMS_OCPP_PORT: String(ownPort(77)) }, '77-ocppd');
		try {
			const gone = await until(() => sqlValue(`SELECT COUNT(*) FROM file_tokens WHERE token_hash = ${q(old)}`) === '0',
				10000, 100);
			checkEq('purged_after_a_day', [gone, sqlValue(`SELECT COUNT(*) FROM file_tokens WHERE token_hash = ${q(young)}`)],
				[true, '1']);
		} finally {
			await o.stop();
		}
	});

	await test('signed_update_firmware_from_api', async () => {
		// Only the image's id: the API signs it from the image's record.
		const r = await cmd(SIM, 'SignedUpdateFirmware', { firmwareId: fwId });
		checkEq('api_signed_accepted', [r.status, r.json?.result?.status], [200, 'Accepted']);
		const p = lastPayload(SIM, 'SignedUpdateFirmware');
		checkEq('api_signed_filled', [p.firmware.signature, p.firmware.signingCertificate.startsWith('-----BEGIN')],
			['c2lnbmF0dXJlLTc3', true]);
		const bad = await cmd(SIM, 'UpdateFirmware', { firmwareId: 999999999 });
		checkEq('unknown_image_400', [bad.status, bad.json?.error?.code], [400, 'invalid_params']);
	});

	await test('no_partial_files_left', async () => {
		checkEq('no_part_files', stored().filter((n) => n.startsWith('.part-')), []);
	});
} finally {
	sim.kill();
	await raw.close({ force: true }).catch(() => {});
}
done();
