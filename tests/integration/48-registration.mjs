#!/usr/bin/env node
// 48-registration.mjs — approving new charge points (docs/registration.md),
// with ocpp-rpc in strict mode as the charge point:
//  - an ocppd of this test's own with new_cp_boot_answer = Pending: a new
//    charge point is answered Pending with unapproved_boot_interval, and its
//    row says Pending; one registered before keeps its own answer;
//  - on the suite's stack: the held charge point is listed by
//    GET /registrations?boot_answer=Pending and on the dashboard's
//    /approvals page; PUT /cps/{id}/boot-answer Accepted approves it and,
//    as it is connected, asks it to boot again at once (TriggerMessage
//    BootNotification), which is then Accepted; the page's Reject button
//    makes the next boot Rejected; bad values get 400 naming the field,
//    an unknown charge point 404.
import {
	apiCall, checkEq, cpId, done, env, ocppClient, ownPort, q, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const DASH = `${env.httpUrl}/cgi-bin/dashboard`;
const NEW = cpId('reg');
const OLD = cpId('regold');

const call = apiCall;
const boot = (cli) => cli.call('BootNotification', { chargePointVendor: 'T48', chargePointModel: 'approve' });

// A row registered before, with the default answer.
sql(`INSERT INTO charge_points (id, boot_answer) VALUES (${q(OLD)}, 'Accepted')`);

const d = await startOcppd({
	CSMS_OCPP_PORT: String(ownPort(48)), CSMS_NEW_CP_BOOT_ANSWER: 'Pending', CSMS_UNAPPROVED_BOOT_INTERVAL: '15',
}, `48-ocppd-${process.pid}`);
try {
	await test('new_cp_held_pending', async () => {
		const cli = await ocppClient(NEW, { url: d.url });
		const b = await boot(cli);
		await cli.close();
		checkEq('boot_pending', [b.status, b.interval], ['Pending', 15]);
		checkEq('row_pending', sqlValue(`SELECT boot_answer FROM charge_points WHERE id = ${q(NEW)}`), 'Pending');
		const o = await ocppClient(OLD, { url: d.url });
		const ob = await boot(o);
		await o.close();
		checkEq('registered_one_accepted', ob.status, 'Accepted');
	});
} finally {
	await d.stop();
}

await test('approve_through_api_boots_again', async () => {
	const cli = await ocppClient(NEW);
	const boots = [];
	let triggered = 0;
	cli.handle('TriggerMessage', ({ params }) => {
		if (params.requestedMessage === 'BootNotification') {
			triggered++;
			// As a charger does: answer, then boot.
			setTimeout(() => boot(cli).then((b) => boots.push(b.status)), 50);
		}
		return { status: 'Accepted' };
	});
	checkEq('still_pending_on_stack', (await boot(cli)).status, 'Pending');
	const l = await call('GET', '/registrations?boot_answer=Pending');
	checkEq('listed_pending', [l.status, l.json?.items?.some((i) => i.id === NEW && i.connected === true)], [200, true]);
	const page = await (await fetch(`${DASH}/approvals`)).text();
	checkEq('on_approvals_page', page.includes(`data-cp="${NEW}"`), true);
	const p = await call('PUT', `/cps/${encodeURIComponent(NEW)}/boot-answer`, { boot_answer: 'Accepted' });
	checkEq('approved', [p.status, p.json?.boot_answer, p.json?.connected, p.json?.boot_triggered], [200, 'Accepted', true, true]);
	await until(() => boots.length > 0, 5000, 50);
	checkEq('booted_again_accepted', [triggered, boots], [1, ['Accepted']]);
	const l2 = await call('GET', '/registrations');
	checkEq('no_longer_listed', l2.json?.items?.some((i) => i.id === NEW), false);

	// The dashboard's Reject button: POST with the page's CSRF token.
	sql(`UPDATE charge_points SET boot_answer = 'Pending' WHERE id = ${q(NEW)}`);
	const html = await (await fetch(`${DASH}/approvals`)).text();
	const token = (html.match(/name="csrf" value="([0-9a-f]{64})"/) || [])[1];
	const r = await fetch(`${DASH}/approvals`, {
		method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ csrf: token || '', cp_id: NEW, boot_answer: 'Rejected' }).toString(),
	});
	checkEq('reject_form_303', r.status, 303);
	checkEq('rejected_row', sqlValue(`SELECT boot_answer FROM charge_points WHERE id = ${q(NEW)}`), 'Rejected');
	checkEq('next_boot_rejected', (await boot(cli)).status, 'Rejected');
	await cli.close();
});

await test('api_errors', async () => {
	const bad = await call('PUT', `/cps/${encodeURIComponent(NEW)}/boot-answer`, { boot_answer: 'Maybe' });
	checkEq('bad_answer_400', [bad.status, bad.json?.error?.parameter], [400, 'boot_answer']);
	const badt = await call('PUT', `/cps/${encodeURIComponent(NEW)}/boot-answer`, { boot_answer: 'Accepted', trigger: 'yes' });
	checkEq('bad_trigger_400', [badt.status, badt.json?.error?.parameter], [400, 'trigger']);
	const none = await call('PUT', '/cps/NO_SUCH_CP_48/boot-answer', { boot_answer: 'Accepted' });
	checkEq('unknown_cp_404', none.status, 404);
	const badf = await call('GET', '/registrations?boot_answer=Later');
	checkEq('bad_filter_400', [badf.status, badf.json?.error?.parameter], [400, 'boot_answer']);
	// Back to the default, for the tests after this one.
	await call('PUT', `/cps/${encodeURIComponent(NEW)}/boot-answer`, { boot_answer: 'Accepted', trigger: false });
});
done();
