#!/usr/bin/env node
// ocpp201-failover.mjs URL ID TXID — one OCPP 2.0.1 charging station
// through HAProxy (ocpp-rpc, strict mode: every frame checked against the
// 2.0.1 schemas) for make test-cluster: it boots and sends a session's
// Started (seqNo 0) and Updated (1, 2) events, prints READY and waits for
// its node to be killed (the link drops).  Then it connects again (HAProxy
// picks a live node), boots, retries Updated seqNo 2 as a station that
// never saw its answer does, and sends Ended (3).  Prints one JSON line
// {ok, answers} and exits 0, or exits 1 with the error.
import { createRequire } from 'node:module';
const require = createRequire(new URL('../node/', import.meta.url));
const { RPCClient } = require('ocpp-rpc');

const [url, identity, txId] = process.argv.slice(2);
const T0 = Date.now() - 600000;
const event = (eventType, seqNo, wh) => ({
	eventType, seqNo, timestamp: new Date(T0 + seqNo * 60000).toISOString(),
	triggerReason: eventType === 'Started' ? 'CablePluggedIn' : eventType === 'Ended' ? 'EVDeparted' : 'MeterValuePeriodic',
	transactionInfo: { transactionId: txId, ...(eventType === 'Ended' ? { stoppedReason: 'EVDisconnected' } : {}) },
	...(seqNo === 0 ? { evse: { id: 1, connectorId: 1 } } : {}),
	meterValue: [{ timestamp: new Date(T0 + seqNo * 60000).toISOString(),
		sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }] }],
});
const boot = (cli) => cli.call('BootNotification', { reason: 'PowerUp',
	chargingStation: { vendorName: 'csms-c', model: 'cluster-201' } });
const client = () => new RPCClient({ endpoint: url, identity, protocols: ['ocpp2.0.1'],
	strictMode: true, reconnect: false, callTimeoutMs: 10000 });

try {
	const a = client();
	await a.connect();
	await boot(a);
	const answers = [];
	for (const [t, s, wh] of [['Started', 0, 1000], ['Updated', 1, 2000], ['Updated', 2, 3000]])
		answers.push(await a.call('TransactionEvent', event(t, s, wh)));
	const closed = new Promise((resolve) => a.once('close', resolve));
	console.log('READY');
	await closed;
	// The killed node's link is gone: connect again until HAProxy has a
	// live node for us (its health check notices within seconds).
	let b;
	for (let i = 0; ; i++) {
		b = client();
		try {
			await b.connect();
			await boot(b);
			break;
		} catch (e) {
			try { await b.close({ force: true }); } catch { /* closed already */ }
			if (i >= 60) throw e;
			await new Promise((r) => setTimeout(r, 500));
		}
	}
	answers.push(await b.call('TransactionEvent', event('Updated', 2, 3000)));
	answers.push(await b.call('TransactionEvent', event('Ended', 3, 4000)));
	await b.close();
	console.log(JSON.stringify({ ok: true, answers }));
	process.exit(0);
} catch (e) {
	console.log(JSON.stringify({ ok: false, error: String(e?.message || e) }));
	process.exit(1);
}
