#!/usr/bin/env node
// 35-ocpp-options.mjs — configuration that changes what charge points see:
// max_concurrent_tx_per_tag (ConcurrentTx, yet still a transactionId),
// ping_interval (WebSocket pings keep links honest), and SIGHUP (the log
// is reopened, the daemon keeps serving).
import fs from 'node:fs';
import {
	check, checkEq, cpId, done, isoNow, ocppClient, ownPort, q, rawClient,
	sql, startOcppd, test, until,
} from '../node/lib.mjs';

await test('concurrent_tx_per_tag', async () => {
	const tagId = `T35${process.pid % 10000}-CC`;
	sql(`INSERT INTO users (id_tag, status) VALUES (${q(tagId)}, 'Accepted')`);
	const d = await startOcppd({ CSMS_OCPP_PORT: ownPort(45), CSMS_MAX_CONCURRENT_TX_PER_TAG: 1 }, '35-concurrent');
	try {
		const cli = await ocppClient(cpId('cc'), { url: d.url });
		const a = await cli.call('Authorize', { idTag: tagId });
		checkEq('first_authorize_accepted', a.idTagInfo.status, 'Accepted');
		const s1 = await cli.call('StartTransaction', { connectorId: 1, idTag: tagId, meterStart: 0, timestamp: isoNow() });
		checkEq('first_start_accepted', s1.idTagInfo.status, 'Accepted');
		const a2 = await cli.call('Authorize', { idTag: tagId });
		checkEq('second_authorize_concurrent', a2.idTagInfo.status, 'ConcurrentTx');
		const s2 = await cli.call('StartTransaction', { connectorId: 2, idTag: tagId, meterStart: 0, timestamp: isoNow() });
		check('second_start_concurrent_with_id', s2.idTagInfo.status === 'ConcurrentTx' &&
			Number.isInteger(s2.transactionId) && s2.transactionId > 0, JSON.stringify(s2));
		// A retry of the first start keeps its first answer.
		await cli.call('StopTransaction', { transactionId: s1.transactionId, meterStop: 10, timestamp: isoNow() });
		await cli.call('StopTransaction', { transactionId: s2.transactionId, meterStop: 10, timestamp: isoNow() });
		const a3 = await cli.call('Authorize', { idTag: tagId });
		checkEq('authorize_after_stops_accepted', a3.idTagInfo.status, 'Accepted');
		await cli.close();
	} finally {
		await d.stop();
	}
});

await test('pings_and_sighup', async () => {
	const d = await startOcppd({ CSMS_OCPP_PORT: ownPort(46), CSMS_PING_INTERVAL: 1 }, '35-ping');
	try {
		const ws = await rawClient(cpId('ping'), { url: d.url });
		let pings = 0;
		ws.on('ping', () => pings++);
		check('pings_sent', await until(() => pings >= 2, 5000), `${pings} pings`);
		const before = fs.statSync(d.log).size;
		d.proc.kill('SIGHUP');
		check('sighup_logged', await until(() => fs.readFileSync(d.log, 'utf8').slice(before).includes('log reopened'), 3000));
		const r = await ws.call(JSON.stringify([2, 'h', 'Heartbeat', {}]));
		check('serves_after_sighup', Array.isArray(r) && r[0] === 3, JSON.stringify(r));
		ws.close();
		checkEq('exit_after_sighup_and_term', await d.stop(), { code: 0, sig: null });
	} finally {
		await d.stop('SIGKILL');
	}
});

done();
