#!/usr/bin/env node
// 83-secret-config-masked.mjs — a charge point's AuthorizationKey (its
// Basic-auth password) is never kept or shown in clear: a charge point
// (ocpp-rpc) reports it in GetConfiguration and is sent a new one with
// ChangeConfiguration, through a debug-level ocppd of our own; then the
// command history in the database, the dashboard's charge point page and
// the daemon's log hold only the mask.  A history row written in clear
// (as before masking existed) is masked on the page too.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import {
	check, cpId, done, env, ocppClient, ownPort, q, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const SECRET = `S3cret-${process.pid}-reported`;
const NEWKEY = `S3cret-${process.pid}-changed`;
const CP = cpId('authkey');
const sock = `${env.out}/83-ocppd.sock`;
const d = await startOcppd({
	CSMS_OCPP_PORT: ownPort(36), CSMS_CONTROL_SOCKET: sock, CSMS_LOG_LEVEL: 'debug',
}, '83-debug');
await until(() => fs.existsSync(sock), 5000, 20);

function csmsctl(args) {
	return new Promise((resolve) => {
		execFile(`${env.bin}/csmsctl`, ['-u', 'tester', ...args], {
			env: { ...process.env, CSMS_CONTROL_SOCKET: sock }, timeout: 60000,
		}, (error, stdout, stderr) => resolve({ code: error ? error.code : 0, out: stdout, err: stderr }));
	});
}

const cp = await ocppClient(CP, { url: d.url });
let changed = null;
cp.handle('GetConfiguration', () => ({
	configurationKey: [
		{ key: 'HeartbeatInterval', readonly: false, value: '300' },
		{ key: 'AuthorizationKey', readonly: false, value: SECRET },
	],
}));
cp.handle('ChangeConfiguration', ({ params }) => {
	changed = params;
	return { status: 'Accepted' };
});
await cp.call('BootNotification', { chargePointVendor: 'V83', chargePointModel: 'M83' });

await test('get_configuration_answered', async () => {
	const r = await csmsctl(['GetConfiguration', CP]);
	if (r.code !== 0 || !r.out.includes('"answered"') && !r.out.includes('configurationKey')) {
		throw new Error(`csmsctl: ${r.code} ${r.out} ${r.err}`);
	}
});
await test('change_configuration_answered', async () => {
	const r = await csmsctl(['ChangeConfiguration', CP, 'key=AuthorizationKey', `value=${NEWKEY}`]);
	if (r.code !== 0) throw new Error(`csmsctl: ${r.code} ${r.out} ${r.err}`);
});
check('charge_point_got_new_key', changed && changed.value === NEWKEY, JSON.stringify(changed));

// The history, once both rows are written.
await until(() => Number(sqlValue(`SELECT COUNT(*) FROM commands WHERE cp_id = ${q(CP)}
	AND status = 'answered'`)) === 2, 5000);
const rows = sql(`SELECT action, IFNULL(params, ''), IFNULL(response, '') FROM commands
	WHERE cp_id = ${q(CP)} ORDER BY id`);
const stored = JSON.stringify(rows);
check('history_has_both_commands', rows.length === 2, stored);
check('history_keeps_no_secret', !stored.includes(SECRET) && !stored.includes(NEWKEY), stored);
const got = rows.find((r) => r[0] === 'GetConfiguration');
check('history_answer_masked', got && JSON.parse(got[2]).configurationKey
	.some((k) => k.key === 'AuthorizationKey' && k.value === '********'), stored);
check('history_other_values_kept', got && got[2].includes('"300"'), stored);

// The dashboard page.
async function page() {
	const r = await fetch(`${env.httpUrl}/cgi-bin/dashboard/cp/${encodeURIComponent(CP)}`);
	return { status: r.status, text: await r.text() };
}
const p = await page();
const row = (p.text.match(/<tr data-key="AuthorizationKey">[\s\S]*?<\/tr>/) || [''])[0];
check('page_shows_mask', p.status === 200 && row.includes('********'), `${p.status} ${row.slice(0, 300)}`);
check('page_shows_no_secret', !p.text.includes(SECRET) && !p.text.includes(NEWKEY), 'secret on the page');
check('page_offers_no_edit_of_secret', row && !row.includes('<form'), row.slice(0, 300));

// A row recorded in clear before masking existed: masked on the page.
const OLD = `S3cret-${process.pid}-old`;
sql(`INSERT INTO commands (uid, created_at, finished_at, cp_id, action, params, status, response)
	VALUES ('t83-old-${process.pid}', UTC_TIMESTAMP(3) + INTERVAL 1 MINUTE, UTC_TIMESTAMP(3) + INTERVAL 1 MINUTE, ${q(CP)},
	'GetConfiguration', '{}', 'answered',
	${q(JSON.stringify({ configurationKey: [{ key: 'authorizationkey', readonly: false, value: OLD }] }))})`);
const p2 = await page();
check('page_masks_old_row', p2.status === 200 && !p2.text.includes(OLD) && p2.text.includes('********'),
	`${p2.status} ${p2.text.includes(OLD) ? 'old secret shown' : 'no mask'}`);

// The debug log: every frame is there, no secret is.
await cp.close();
await d.stop();
const log = fs.readFileSync(d.log, 'utf8');
check('log_has_debug_frames', log.includes(`${CP} <- [3,`) && log.includes('ChangeConfiguration'),
	log.slice(-500));
check('log_keeps_no_secret', !log.includes(SECRET) && !log.includes(NEWKEY),
	log.split('\n').filter((l) => l.includes('S3cret')).join(' | '));
check('log_shows_mask', log.includes('"AuthorizationKey","value":"********"'), 'no masked frame');
done();
