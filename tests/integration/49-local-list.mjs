#!/usr/bin/env node
// 49-local-list.mjs — local authorization lists kept by ocppd
// (local_list = all, docs/local-list.md), with ocpp-rpc in strict mode as
// the charge point, on an ocppd of this test's own (node L49, so it
// updates only the charge points it holds):
//  - a charge point with no list gets a Full SendLocalList of the id tag
//    table, and once it answers Accepted its list is in_sync at that
//    version;
//  - a tag added through the REST API reaches it as a Differential update
//    with the tag's idTagInfo, a deleted one as an entry without
//    idTagInfo (a removal);
//  - VersionMismatch makes the next update Full again;
//  - every update is in the command history as sent by "local-list".
import {
	apiCall, checkEq, cpId, done, ocppClient, ownPort, q, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const CP = cpId('llist');
const TAG = `L49${process.pid % 100000}`;
const got = [];
let answer = 'Accepted';

const d = await startOcppd({
	CSMS_OCPP_PORT: String(ownPort(49)), CSMS_NODE_ID: 'L49', CSMS_LOCAL_LIST: 'all',
}, `49-ocppd-${process.pid}`);
const cli = await ocppClient(CP, { url: d.url });
cli.handle('SendLocalList', ({ params }) => { got.push(params); return { status: answer }; });
const state = () => sql(`SELECT status, version_confirmed FROM local_lists WHERE cp_id = ${q(CP)}`)[0];
const next = async (n) => {
	await until(() => got.length >= n, 15000, 100);
	return got[n - 1];
};

try {
	await cli.call('BootNotification', { chargePointVendor: 'T49', chargePointModel: 'list' });

	await test('full_list_first', async () => {
		const p = await next(1);
		const tags = Number(sqlValue('SELECT COUNT(*) FROM users'));
		checkEq('full', [p?.updateType, p?.localAuthorizationList?.length], ['Full', tags]);
		await until(() => state()?.[0] === 'in_sync', 5000, 50);
		checkEq('in_sync', state(), ['in_sync', String(p.listVersion)]);
	});

	await test('added_tag_differential', async () => {
		const r = await apiCall('POST', '/users', { id_tag: TAG, name: 'List test' });
		checkEq('tag_created', r.status, 201);
		const p = await next(2);
		checkEq('differential', [p?.updateType, p?.localAuthorizationList],
			['Differential', [{ idTag: TAG, idTagInfo: { status: 'Accepted' } }]]);
		await until(() => state()?.[1] === String(p.listVersion), 5000, 50);
		checkEq('confirmed', state(), ['in_sync', String(p.listVersion)]);
	});

	await test('deleted_tag_removal', async () => {
		const r = await apiCall('DELETE', `/users/${TAG}`);
		checkEq('tag_deleted', r.status, 200);
		const p = await next(3);
		checkEq('removal', [p?.updateType, p?.localAuthorizationList], ['Differential', [{ idTag: TAG }]]);
	});

	await test('version_mismatch_then_full', async () => {
		await until(() => state()?.[0] === 'in_sync', 5000, 50);
		answer = 'VersionMismatch';
		await apiCall('POST', '/users', { id_tag: `${TAG}b` });
		const p = await next(4);
		answer = 'Accepted';
		checkEq('differential_refused', p?.updateType, 'Differential');
		const f = await next(5);
		checkEq('full_after_mismatch', f?.updateType, 'Full');
		await until(() => state()?.[0] === 'in_sync', 5000, 50);
		checkEq('in_sync_again', state(), ['in_sync', String(f.listVersion)]);
		await apiCall('DELETE', `/users/${TAG}b`);
	});

	await test('api_shows_state', async () => {
		const r = await apiCall('GET', `/local-lists?cp_id=${encodeURIComponent(CP)}`);
		const row = r.json?.items?.[0];
		checkEq('api_row', [r.status, row?.status, row?.update_type, row?.behind],
			[200, 'in_sync', 'Full', row?.version_confirmed < r.json?.tags_version]);
		checkEq('api_bad_status', (await apiCall('GET', '/local-lists?status=late')).status, 400);
	});

	await test('too_long_not_sent_nor_retried', async () => {
		// More tags than a Full list may hold: nothing is sent, the
		// state says why, and the list is not built again every tick.
		sql(`INSERT INTO users (id_tag, status) SELECT CONCAT('L49X', seq), 'Accepted' FROM seq_1_to_5001`);
		sql(`UPDATE local_lists SET version_confirmed = 0, status = 'failed' WHERE cp_id = ${q(CP)}`);
		const sent = got.length;
		await until(() => state()?.[0] === 'failed' && sqlValue(`SELECT last_answer FROM local_lists WHERE cp_id = ${q(CP)}`) === 'list too long', 15000, 200);
		const at = sqlValue(`SELECT updated_at FROM local_lists WHERE cp_id = ${q(CP)}`);
		checkEq('too_long_state', sqlValue(`SELECT last_answer FROM local_lists WHERE cp_id = ${q(CP)}`), 'list too long');
		await new Promise((r) => setTimeout(r, 11000));
		checkEq('not_rebuilt_next_tick', sqlValue(`SELECT updated_at FROM local_lists WHERE cp_id = ${q(CP)}`), at);
		checkEq('nothing_sent', got.length, sent);
		sql("DELETE FROM users WHERE id_tag LIKE 'L49X%'");
	});

	await test('history_says_who', async () => {
		checkEq('sent_by_local_list', sqlValue(`SELECT COUNT(*) FROM commands WHERE cp_id = ${q(CP)}
			AND action = 'SendLocalList' AND requested_by = 'local-list'`), String(got.length));
	});
} finally {
	await cli.close();
	await d.stop();
}
done();
