#!/usr/bin/env node
// 79-profile-expiry.mjs — a pending security profile (docs/security.md,
// "Pending profile: visible, and it expires"):
//   - GET /cps/{id} and the dashboard's charge point security card show
//     the profile and a pending one with its start;
//   - an ocppd of our own (base+38) with security_profile_pending_timeout
//     = 3600 drops, at its first upkeep pass, the pending profile set two
//     hours ago: the old profile stays, a SecurityProfilePendingExpired
//     event is recorded, the log says so; one set a minute ago stays.
import fs from 'node:fs';
import {
	apiCall, check, checkEq, done, env, ownPort, q, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const tag = `X${process.pid % 100000}`;
const OLD = `${tag}_OLD`, NEW = `${tag}_NEW`;
const ids = [OLD, NEW].map(q).join(',');
sql(`DELETE FROM security_events WHERE cp_id IN (${ids})`);
sql(`DELETE FROM charge_points WHERE id IN (${ids})`);
sql(`INSERT INTO charge_points (id, security_profile, security_profile_pending, security_profile_pending_since)
	VALUES (${q(OLD)}, 1, 2, UTC_TIMESTAMP(3) - INTERVAL 2 HOUR),
	(${q(NEW)}, 0, 1, UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE)`);

await test('pending_visible', async () => {
	const r = await apiCall('GET', `/cps/${encodeURIComponent(OLD)}`);
	checkEq('api_status', r.status, 200);
	checkEq('api_profile', r.json?.security_profile, 1);
	checkEq('api_pending', r.json?.security_profile_pending, 2);
	check('api_pending_since', typeof r.json?.security_profile_pending_since === 'string',
		JSON.stringify(r.json?.security_profile_pending_since));
	const page = await fetch(`${env.httpUrl}/cgi-bin/dashboard/cp/${encodeURIComponent(OLD)}`)
		.then((x) => x.text());
	check('ui_pending', page.includes('id="cp-sec-pending"') && page.includes('profile 2 pending'),
		'no pending profile on the charge point page');
});

await test('pending_expires', async () => {
	const d = await startOcppd({ CSMS_OCPP_PORT: ownPort(38), CSMS_SECURITY_PROFILE_PENDING_TIMEOUT: '3600' },
		'ocppd-pending-expiry');
	try {
		const gone = await until(() => sqlValue(`SELECT COUNT(*) FROM charge_points WHERE id = ${q(OLD)}
			AND security_profile_pending IS NULL`) === '1', 15000, 100);
		check('expired_dropped', gone, 'pending profile still set');
		checkEq('old_profile_stays', sqlValue(`SELECT security_profile FROM charge_points WHERE id = ${q(OLD)}`), '1');
		checkEq('event', sqlValue(`SELECT COUNT(*) FROM security_events WHERE cp_id = ${q(OLD)}
			AND type = 'SecurityProfilePendingExpired'`), '1');
		checkEq('young_stays', sqlValue(`SELECT security_profile_pending FROM charge_points WHERE id = ${q(NEW)}`), '1');
		check('logged', await until(() => fs.readFileSync(d.log, 'utf8').includes(`${OLD} | security profile 2 pending`),
			5000, 50), 'no log line');
		const r = await apiCall('GET', `/cps/${encodeURIComponent(OLD)}`);
		checkEq('api_none_pending', r.json?.security_profile_pending, null);
		checkEq('api_none_since', r.json?.security_profile_pending_since, null);
	} finally {
		await d.stop();
	}
});

sql(`DELETE FROM security_events WHERE cp_id IN (${ids})`);
sql(`DELETE FROM charge_points WHERE id IN (${ids})`);
done();
