#!/usr/bin/env node
// 38-node-ownership.mjs — several ocppd on one database (docs/scale-out.md,
// "Who holds which charge point"): the suite's ocppd (a single node,
// node_id "") and a second one started here as node B.
//
//  - a charge point that moved to node B stays online when its old link
//    on the first node closes late (the disconnect is the old epoch's);
//  - a node that starts marks only its own charge points disconnected;
//  - the charge points of a node silent for 30 s are marked disconnected
//    by the others (nodes.c), and a live node's are not;
//  - a node still holding a link of a charge point that has since
//    connected through another node closes it (stale_links.c);
//  - a command left pending by a node that died is finalized (offline,
//    node_lost) by the node's next start, or by the others once it is
//    silent; another node's pending command is left alone.
import {
	checkEq, cpId, done, env, ocppClient, ownPort, q, sql, sqlValue, startOcppd, test, until,
} from '../node/lib.mjs';

const row = (id) => sql(`SELECT connected, node_id FROM charge_points WHERE id = ${q(id)}`)[0];
const boot = (cli) => cli.call('BootNotification', { chargePointVendor: 'T38', chargePointModel: 'nodes' });

const portB = ownPort(60);
const nodeB = await startOcppd({ CSMS_OCPP_PORT: String(portB), CSMS_NODE_ID: 'B' }, `38-node-b-${process.pid}`);

try {
	await test('moved_charge_point_stays_online_after_late_close', async () => {
		const X = cpId('moved');
		const onMain = await ocppClient(X);
		await boot(onMain);
		await until(() => row(X)?.[0] === '1', 5000);
		// The charge point reconnects through node B while its first link
		// is still half-open on the suite's node.
		const onB = await ocppClient(X, { url: nodeB.url });
		await boot(onB);
		await until(() => row(X)?.[1] === 'B', 5000);
		await onMain.close();
		// The late close is written (in order, behind the connect)...
		await until(() => sqlValue(`SELECT COUNT(*) FROM charge_points WHERE id = ${q(X)}`) === '1', 2000);
		await new Promise((r) => setTimeout(r, 1500));
		// ...and leaves node B's connection alone.
		checkEq('moved_row', row(X), ['1', 'B']);
		await onB.close();
		const gone = await until(() => row(X)?.[0] === '0', 5000);
		if (!gone) throw new Error(`node B's own close did not mark it offline: ${row(X)}`);
	});

	await test('stale_link_closed_by_its_node', async () => {
		const S = cpId('stale');
		const onMain = await ocppClient(S);
		const mainClosed = new Promise((r) => onMain.once('close', r));
		await boot(onMain);
		await until(() => row(S)?.[0] === '1', 5000);
		const onB = await ocppClient(S, { url: nodeB.url });
		await boot(onB);
		await until(() => row(S)?.[1] === 'B', 5000);
		// The suite's node checks every 10 s.
		const closed = await Promise.race([mainClosed,
			new Promise((r) => setTimeout(() => r(null), 25000))]);
		if (!closed) throw new Error('the older link on the suite\'s node is still open');
		checkEq('stale_close', [closed.code, String(closed.reason)], [1000, 'connected through another node']);
		checkEq('newer_link_kept', [onB.state, row(S)], [1, ['1', 'B']]);
		await onB.close();
	});

	await test('starting_node_marks_only_its_own', async () => {
		const Y = cpId('stays');
		const cli = await ocppClient(Y);
		await boot(cli);
		await until(() => row(Y)?.[0] === '1', 5000);
		// Node C died with a command pending; node D has one in flight.
		sql(`INSERT INTO commands (uid, created_at, cp_id, action, status, node_id) VALUES
			('t38-c-${process.pid}', UTC_TIMESTAMP(3), ${q(Y)}, 'Reset', 'pending', 'C'),
			('t38-d-${process.pid}', UTC_TIMESTAMP(3), ${q(Y)}, 'Reset', 'pending', 'D')`);
		// Node C starts (and stops) on the same database.
		const portC = ownPort(61);
		const nodeC = await startOcppd({ CSMS_OCPP_PORT: String(portC), CSMS_NODE_ID: 'C' }, `38-node-c-${process.pid}`);
		const beat = await until(() => sqlValue("SELECT COUNT(*) FROM nodes WHERE node_id = 'C'") === '1', 15000, 100);
		await nodeC.stop();
		checkEq('peer_row_after_other_node_start_stop', row(Y), ['1', null]);
		// A clean stop takes the node's row away (no routing to it, no
		// "down" node for 30 s).
		checkEq('stopped_node_left_nodes', [beat, sqlValue("SELECT COUNT(*) FROM nodes WHERE node_id = 'C'")], [true, '0']);
		const cmd = (uid) => sql(`SELECT status, finished_at IS NOT NULL,
			JSON_VALUE(response, '$.code') FROM commands WHERE uid = '${uid}'`)[0];
		checkEq('own_pending_command_finalized_at_start', cmd(`t38-c-${process.pid}`), ['offline', '1', 'node_lost']);
		checkEq('other_nodes_pending_command_kept', cmd(`t38-d-${process.pid}`), ['pending', '0', null]);
		sql(`DELETE FROM commands WHERE uid = 't38-d-${process.pid}'`);
		await cli.close();
	});

	await test('silent_node_swept_live_node_kept', async () => {
		const G = cpId('ghost');
		const L = cpId('liveB');
		sql(`INSERT INTO nodes (node_id, started_at, seen_at) VALUES ('ghost-${process.pid}',
			UTC_TIMESTAMP(3) - INTERVAL 5 MINUTE, UTC_TIMESTAMP(3) - INTERVAL 60 SECOND)`);
		sql(`INSERT INTO charge_points (id, connected, connected_since, node_id) VALUES
			(${q(G)}, 1, UTC_TIMESTAMP(3) - INTERVAL 2 MINUTE, 'ghost-${process.pid}')`);
		sql(`INSERT INTO commands (uid, created_at, cp_id, action, status, node_id) VALUES
			('t38-g-${process.pid}', UTC_TIMESTAMP(3), ${q(G)}, 'Reset', 'pending', 'ghost-${process.pid}')`);
		const live = await ocppClient(L, { url: nodeB.url });
		await boot(live);
		// Every node sweeps every 10 s.
		const swept = await until(() => row(G)?.[0] === '0', 25000, 250);
		if (!swept) throw new Error(`the silent node's charge point is still online: ${row(G)}`);
		checkEq('live_node_row_kept', row(L), ['1', 'B']);
		const lost = await until(() => sqlValue(`SELECT status FROM commands WHERE uid = 't38-g-${process.pid}'`) === 'offline', 5000, 250);
		if (!lost) throw new Error('the silent node\'s pending command is still pending');
		await live.close();
		sql(`DELETE FROM nodes WHERE node_id = 'ghost-${process.pid}'`);
	});
} finally {
	await nodeB.stop();
}
checkEq('node_b_clean_exit', (await nodeB.exited).code, 0);
done();
