#!/usr/bin/env node
// one-link.mjs URL — one charge point link that never reconnects: it
// boots, stays open, and exits when the server closes it, printing the
// close code.  make test-cluster's stale-link check needs a link that,
// once closed, stays closed (cpsim reconnects, as a charger does).
import { createRequire } from 'node:module';
const require = createRequire(new URL('../node/', import.meta.url));
const WebSocket = require('ws');

const ws = new WebSocket(process.argv[2], ['ocpp1.6']);
ws.on('open', () => ws.send(JSON.stringify([2, 'b1', 'BootNotification',
	{ chargePointVendor: 'csms-c', chargePointModel: 'one-link' }])));
ws.on('close', (code) => {
	console.log(`closed ${code}`);
	process.exit(0);
});
ws.on('error', (e) => {
	console.log(`error ${e.message}`);
	process.exit(1);
});
