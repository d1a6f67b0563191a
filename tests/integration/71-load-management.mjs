#!/usr/bin/env node
// 71-load-management.mjs — site load management through the real stack
// (docs/load-management.md): a site of 32 A per phase with nine cpsim
// charge points that obey their charging profiles (--obey-profiles: they
// draw what the profiles allow and report Current.Import per phase) and
// one hand-written charge point that rejects every profile and draws its
// 10 A whatever it is told.
//   - every charge point of the site gets its 0 A default profile;
//   - nine sessions on 32 - 10 = 22 A: three get 7.3 A, six are paused
//     (a car gets its 6 A minimum or nothing), and the current the cpsim
//     charge points report adds up to no more than 22 A;
//   - at no moment while sessions start and stop does what the charge
//     points accepted or were sent (the higher of the two) exceed the
//     limit;
//   - sessions ending hand their share to the paused ones;
//   - the decisions and the shares are in GET /sites/{id}/load and on the
//     site page; switching load management off clears the profiles;
//   - bad settings are a JSON 400 naming the field.
import { spawn } from 'node:child_process';
import {
	apiCall, check, checkEq, cpId, done, env, isoNow, ocppClient, q, sleep, sql, sqlValue, test,
	until,
} from '../node/lib.mjs';

const N = 9;
const TAG = `T59${process.pid % 100000}`;
const CPS = Array.from({ length: N }, (_, i) => cpId(`lm${i + 1}`));
const DEAF = cpId('lmdeaf');
const LIMIT = 32;
const procs = [];

function cpsim(id) {
	const out = { stderr: '' };
	const p = spawn(`${env.bin}/cpsim`, ['--sessions', '0', '--obey-profiles', '--meter-interval', '1',
		'--power-kw', '22', `${env.ocppUrl}/${id}`]);
	p.stdout.on('data', () => {});
	p.stderr.on('data', (x) => { out.stderr += x; });
	out.exited = new Promise((r) => p.on('exit', (code) => r(code)));
	out.proc = p;
	procs.push(p);
	return out;
}

const enc = encodeURIComponent;
const cmd = async (cp, action, body) =>
	(await apiCall('POST', `/cps/${enc(cp)}/commands/${action}?wait=8`, body)).json?.result;
const load = async (site) => (await apiCall('GET', `/sites/${site}/load`)).json;

// What the site may draw now, by ocppd's own rows: each session at the
// higher of what its charge point accepted and what it was last sent (a
// charge point that rejects at its maximum), a session without a row at
// its charge point's default.
function committedAmps(site) {
	const rows = sql(`SELECT t.id, a.target_da, a.accepted_da, a.status, d.accepted_da, d.status,
		ROUND(cp.lm_max_a * 10) FROM transactions t JOIN charge_points cp ON cp.id = t.cp_id
		LEFT JOIN load_alloc a ON a.transaction_id = t.id AND a.cp_id = t.cp_id
		LEFT JOIN load_alloc d ON d.cp_id = cp.id AND d.transaction_id = 0
		WHERE cp.site_id = ${site} AND t.stop_ts IS NULL`);
	let sum = 0;
	for (const [, target, acc, st, dacc, dst, max] of rows) {
		const base = dst === 'accepted' && dacc !== null ? Number(dacc) : Number(max);
		if (st === 'rejected' || st === 'failed') sum += Number(max);
		else if (target === null) sum += base;
		else sum += Math.max(acc === null ? base : Number(acc), Number(target));
	}
	return sum / 10;
}

// The latest Current.Import on L1 each cpsim session reported in the
// last 3 s, added up.
function reportedAmps(site) {
	return Number(sqlValue(`SELECT COALESCE(SUM(v), 0) FROM (SELECT (SELECT mv.value_num FROM meter_values mv
		WHERE mv.transaction_id = t.id AND mv.measurand = 'Current.Import' AND mv.phase = 'L1'
		AND mv.ts > UTC_TIMESTAMP(3) - INTERVAL 3 SECOND ORDER BY mv.ts DESC LIMIT 1) v
		FROM transactions t JOIN charge_points cp ON cp.id = t.cp_id
		WHERE cp.site_id = ${site} AND t.stop_ts IS NULL AND cp.id <> ${q(DEAF)}) s`));
}

// Settled: every open session has its row, sent and accepted as planned
// (the deaf one rejected).
async function settled(site) {
	return until(async () => {
		const l = await load(site);
		const open = Number(sqlValue(`SELECT COUNT(*) FROM transactions t JOIN charge_points cp
			ON cp.id = t.cp_id WHERE cp.site_id = ${site} AND t.stop_ts IS NULL`));
		const s = (l?.allocations || []).filter((a) => a.kind === 'session');
		return s.length === open && s.every((a) => a.status === 'rejected' ||
			(a.status === 'accepted' && a.accepted_a === a.limit_a));
	}, 20000, 200);
}

const shares = async (site) => (await load(site)).allocations
	.filter((a) => a.kind === 'session' && a.cp_id !== DEAF).map((a) => a.accepted_a);

sql(`INSERT INTO users (id_tag, name, status) VALUES (${q(TAG)}, 'Load management', 'Accepted')
	ON DUPLICATE KEY UPDATE status = 'Accepted'`);

let deaf;
let site;
let worst = 0;
let watching = true;
try {
	const made = await apiCall('POST', '/sites', { name: `Load test ${process.pid}`, grid_limit: LIMIT,
		grid_phases: 3, load_management: true });
	checkEq('site_created', [made.status, made.json?.load_management], [201, true]);
	site = made.json.id;

	for (const id of CPS) cpsim(id);
	deaf = await ocppClient(DEAF);
	deaf.handle('SetChargingProfile', () => ({ status: 'Rejected' }));
	deaf.handle('ClearChargingProfile', () => ({ status: 'Unknown' }));
	await deaf.call('BootNotification', { chargePointVendor: 'T59', chargePointModel: 'Deaf' });
	await deaf.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });

	await test('site_assigned', async () => {
		const up = await until(() => Number(sqlValue(`SELECT COUNT(*) FROM connectors WHERE connector_id = 1
			AND status = 'Available' AND cp_id IN (${CPS.map(q).join(',')})`)) === N, 20000, 100);
		check('cpsim_online', up, procs.length ? 'cpsims not online' : '');
		for (const id of [...CPS, DEAF]) {
			const r = await apiCall('PUT', `/cps/${enc(id)}/site`, { site_id: site });
			checkEq(`assigned_${id}`, r.status, 200);
		}
		const r = await apiCall('PUT', `/cps/${enc(DEAF)}/load`, { max_a: 10 });
		checkEq('deaf_max', [r.status, r.json?.load?.max_a], [200, 10]);
	});

	// From here on, ocppd's own account of what the site may draw is
	// watched every 100 ms.
	const watch = (async () => {
		while (watching) {
			worst = Math.max(worst, committedAmps(site));
			await sleep(100);
		}
	})();

	await test('defaults_sent', async () => {
		const ok = await until(async () => {
			const d = (await load(site)).allocations.filter((a) => a.kind === 'default');
			return d.length === N + 1 && d.filter((a) => a.status === 'accepted' && a.accepted_a === 0).length === N &&
				d.some((a) => a.cp_id === DEAF && a.status === 'rejected');
		}, 20000, 200);
		check('defaults_sent', ok, JSON.stringify((await load(site)).allocations));
	});

	await test('shared_among_nine', async () => {
		await deaf.call('StartTransaction', { connectorId: 1, idTag: TAG, meterStart: 0, timestamp: isoNow() });
		for (const id of CPS) {
			const r = await cmd(id, 'RemoteStartTransaction', { connectorId: 1, idTag: TAG });
			checkEq(`started_${id}`, r?.status, 'Accepted');
			await sleep(150);
		}
		check('settled', await settled(site), JSON.stringify((await load(site)).allocations));
		const s = (await shares(site)).sort((a, b) => b - a);
		checkEq('shares', s, [7.3, 7.3, 7.3, 0, 0, 0, 0, 0, 0]);
		const dec = (await load(site)).decisions;
		check('decision_paused', dec.length > 0 && dec[0].result === 'paused', JSON.stringify(dec[0]));
		await sleep(2500);
		const amps = reportedAmps(site);
		check('reported_within_limit', amps > 0 && amps <= LIMIT - 10 + 0.05, `${amps} A reported`);
	});

	await test('stops_hand_over', async () => {
		const charging = (await load(site)).allocations
			.filter((a) => a.kind === 'session' && a.cp_id !== DEAF && a.accepted_a > 0).slice(0, 2);
		for (const a of charging)
			checkEq(`stopped_${a.cp_id}`, (await cmd(a.cp_id, 'RemoteStopTransaction',
				{ transactionId: a.transaction_id }))?.status, 'Accepted');
		check('settled_again', await settled(site), JSON.stringify((await load(site)).allocations));
		const s = (await shares(site)).sort((a, b) => b - a);
		checkEq('shares_after_stops', s, [7.3, 7.3, 7.3, 0, 0, 0, 0]);
		await sleep(2500);
		const amps = reportedAmps(site);
		check('reported_within_limit_after', amps > 0 && amps <= LIMIT - 10 + 0.05, `${amps} A reported`);
	});

	watching = false;
	await watch;
	check('never_over_limit', worst <= LIMIT, `${worst} A committed at worst`);

	await test('shown', async () => {
		const l = await load(site);
		check('deaf_rejected', l.allocations.some((a) => a.cp_id === DEAF && a.kind === 'session' &&
			a.status === 'rejected'), JSON.stringify(l.allocations));
		const page = await fetch(`${env.httpUrl}/cgi-bin/dashboard/sites/${site}`).then((r) => r.text());
		check('page_card', page.includes('id="site-lm-alloc"') && page.includes('paused') &&
			page.includes(DEAF), 'no load management card');
		const cpPage = await fetch(`${env.httpUrl}/cgi-bin/dashboard/cp/${enc(DEAF)}`).then((r) => r.text());
		check('cp_page_form', cpPage.includes('id="cp-load-form"') && cpPage.includes('value="10.0"'),
			'no load settings form');
	});

	await test('bad_settings', async () => {
		const cases = [
			[`/cps/${enc(CPS[0])}/load`, { min_a: 40 }, 'min_a'],
			[`/cps/${enc(CPS[0])}/load`, { phases: 'L4' }, 'phases'],
			[`/cps/${enc(CPS[0])}/load`, { max_a: 'lots' }, 'max_a'],
			[`/cps/${enc(CPS[0])}/load`, { priority: 1.5 }, 'priority'],
			[`/cps/${enc(CPS[0])}/load`, {}, undefined],
			[`/sites/${site}`, { load_management: 'yes' }, 'load_management'],
		];
		for (const [path, body, field] of cases) {
			const r = await apiCall('PUT', path, body);
			checkEq(`bad_${path}_${JSON.stringify(body)}`, [r.status, r.json?.error?.field], [400, field]);
		}
		checkEq('unknown_site_load', (await apiCall('GET', '/sites/999999/load')).status, 404);
		checkEq('unknown_cp_load', (await apiCall('GET', '/cps/NO_SUCH_CP_59/load')).status, 404);
	});

	await test('switched_off_clears', async () => {
		const r = await apiCall('PUT', `/sites/${site}`, { load_management: false });
		checkEq('switched_off', [r.status, r.json?.load_management], [200, false]);
		const gone = await until(async () => (await load(site)).allocations.length === 0, 20000, 200);
		check('profiles_cleared', gone, JSON.stringify((await load(site)).allocations));
	});
} finally {
	watching = false;
	for (const p of procs) p.kill('SIGINT');
	await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r() : p.on('exit', r)))));
	if (deaf) await deaf.close({ force: true }).catch(() => {});
}
// The shares it sent are the site's settings followed, not a person's
// change: not on the audit trail (the settings' changes are).
checkEq('load_manager_not_audited', sqlValue("SELECT COUNT(*) FROM audit WHERE who = 'load-management'"), '0');
done();
