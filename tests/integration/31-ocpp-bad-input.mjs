#!/usr/bin/env node
// 31-ocpp-bad-input.mjs — everything a broken or hostile charge point can
// send over a raw WebSocket: each gets the OCPP 1.6 CALLERROR code (or a
// close code), and the daemon keeps answering afterwards.
import fs from 'node:fs';
import {
	check, checkEq, cpId, done, isoNow, ownPort, rawClient, startOcppd, test,
	until,
} from '../node/lib.mjs';

let hb = 0;
// Sends a frame that must get no answer, then proves it by getting the
// answer to a Heartbeat sent right behind it first.
async function expectSilence(ws, frame) {
	const id = `hb-${++hb}`;
	ws.send(frame);
	const r = await ws.call(JSON.stringify([2, id, 'Heartbeat', {}]));
	return Array.isArray(r) && r[0] === 3 && r[1] === id ? null : r;
}

function isError(r, id, code) {
	return Array.isArray(r) && r.length === 5 && r[0] === 4 && r[1] === id &&
		r[2] === code && typeof r[3] === 'string' &&
		JSON.stringify(r[4]) === '{}';
}

async function expectError(name, ws, frame, id, code) {
	const r = await ws.call(typeof frame === 'string' ? frame : JSON.stringify(frame));
	check(name, isError(r, id, code), () => `got ${JSON.stringify(r)}, expected ${code} for ${id}`);
}

const ws = await rawClient(cpId('bad'));
const call = (id, action, payload) => [2, id, action, payload];

await expectError('not_json_with_readable_id', ws, '[2,"e1","Heartbeat",{', 'e1', 'FormationViolation');
check('not_json_without_id_silent', (await expectSilence(ws, 'hello')) === null);
check('not_an_array_silent', (await expectSilence(ws, '{"a":1}')) === null);
check('empty_array_silent', (await expectSilence(ws, '[]')) === null);
check('deep_nesting_silent', (await expectSilence(ws, '['.repeat(20000))) === null);
await expectError('message_type_not_number', ws, '["2","e2","Heartbeat",{}]', 'e2', 'FormationViolation');
await expectError('unique_id_number_protocol_error', ws, '[2,17,"Heartbeat",{}]', '17', 'ProtocolError');
check('unique_id_null_silent', (await expectSilence(ws, '[2,null,"Heartbeat",{}]')) === null);
// Echoed cut to OCPP's 36 characters: never the whole of a long id.
await expectError('unique_id_too_long', ws, call('x'.repeat(37), 'Heartbeat', {}), 'x'.repeat(36), 'FormationViolation');
await expectError('unique_id_60k_echoed_cut', ws, call('y'.repeat(60000), 'Heartbeat', {}), 'y'.repeat(36), 'FormationViolation');

// Strict JSON: a NUL never truncates a string into another value, a
// member named twice is not "the first one", data after the array is not
// ignored.
const nulTag = '[2,"z1","Authorize",{"idTag":"DEMO-TAG-1\\u0000XYZ"}]';
await test('nul_in_id_tag_refused', async () => {
	const r = await ws.call(nulTag);
	if (!isError(r, 'z1', 'PropertyConstraintViolation') || !/^idTag: /.test(r[3])) throw new Error(JSON.stringify(r));
});
await expectError('nul_in_vendor_refused', ws, '[2,"z2","BootNotification",{"chargePointVendor":"V\\u0000x","chargePointModel":"M"}]', 'z2', 'PropertyConstraintViolation');
await expectError('nul_in_data_transfer_refused', ws, '[2,"z3","DataTransfer",{"vendorId":"V","messageId":"m\\u0000"}]', 'z3', 'PropertyConstraintViolation');
await expectError('nul_in_member_name_refused', ws, '[2,"z4","Authorize",{"idTag\\u0000":"DEMO-TAG-1"}]', 'z4', 'FormationViolation');
await expectError('nul_in_action_refused', ws, '[2,"z5","Authorize\\u0000x",{"idTag":"DEMO-TAG-1"}]', 'z5', 'FormationViolation');
check('nul_in_unique_id_silent', (await expectSilence(ws, '[2,"z6\\u0000","Heartbeat",{}]')) === null);
await expectError('raw_control_in_string_refused', ws, '[2,"z7","Authorize",{"idTag":"DEMO-TAG-1\u0001"}]', 'z7', 'FormationViolation');
await expectError('duplicate_member_refused', ws, '[2,"z8","Authorize",{"idTag":"DEMO-TAG-1","idTag":"X"}]', 'z8', 'FormationViolation');
await expectError('duplicate_member_nested_refused', ws, '[2,"z9","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available","status":"Faulted"}]', 'z9', 'FormationViolation');
await expectError('trailing_data_refused', ws, '[2,"z10","Heartbeat",{}]x', 'z10', 'FormationViolation');
await expectError('trailing_second_array_refused', ws, '[2,"z11","Heartbeat",{}][2,"z12","Heartbeat",{}]', 'z11', 'FormationViolation');
await test('surrounding_whitespace_still_accepted', async () => {
	const r = await ws.call(' \r\n[2,"z13","Heartbeat",{}]\n ');
	if (!Array.isArray(r) || r[0] !== 3 || r[1] !== 'z13') throw new Error(JSON.stringify(r));
});
await expectError('call_with_three_elements', ws, '[2,"e3","Heartbeat"]', 'e3', 'FormationViolation');
await expectError('action_not_string', ws, '[2,"e4",5,{}]', 'e4', 'FormationViolation');
await expectError('payload_not_object', ws, call('e5', 'Heartbeat', []), 'e5', 'FormationViolation');
await expectError('payload_null', ws, call('e5b', 'Heartbeat', null), 'e5b', 'FormationViolation');
await expectError('unknown_action', ws, call('e6', 'Teleport', {}), 'e6', 'NotImplemented');
await expectError('central_system_action', ws, call('e7', 'RemoteStartTransaction', { idTag: 'A' }), 'e7', 'NotSupported');
await expectError('security_extension_action', ws, call('e8', 'InstallCertificate', { certificateType: 'CentralSystemRootCertificate', certificate: 'x' }), 'e8', 'NotSupported');
await expectError('sign_certificate_csr_too_long', ws, call('e8b', 'SignCertificate', { csr: 'x'.repeat(5501) }), 'e8b', 'PropertyConstraintViolation');
await expectError('missing_required', ws, call('e9', 'Authorize', {}), 'e9', 'OccurenceConstraintViolation');
await expectError('missing_required_nested', ws, call('e9b', 'MeterValues', { connectorId: 1, meterValue: [{ timestamp: isoNow(), sampledValue: [{}] }] }), 'e9b', 'OccurenceConstraintViolation');
await expectError('wrong_type', ws, call('e10', 'Authorize', { idTag: 5 }), 'e10', 'TypeConstraintViolation');
await expectError('wrong_type_integer', ws, call('e10b', 'StartTransaction', { connectorId: 1.5, idTag: 'A', meterStart: 0, timestamp: isoNow() }), 'e10b', 'TypeConstraintViolation');
await expectError('enum_miss', ws, call('e11', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Sleeping' }), 'e11', 'PropertyConstraintViolation');
await expectError('cistring_too_long', ws, call('e12', 'Authorize', { idTag: 'A'.repeat(21) }), 'e12', 'PropertyConstraintViolation');
await expectError('bad_datetime', ws, call('e13', 'StartTransaction', { connectorId: 1, idTag: 'A', meterStart: 0, timestamp: 'yesterday' }), 'e13', 'PropertyConstraintViolation');
await expectError('additional_property_strict', ws, call('e14', 'Authorize', { idTag: 'A', colour: 'red' }), 'e14', 'FormationViolation');
await expectError('negative_connector', ws, call('e15', 'StatusNotification', { connectorId: -1, errorCode: 'NoError', status: 'Available' }), 'e15', 'PropertyConstraintViolation');
await expectError('start_on_connector_zero', ws, call('e16', 'StartTransaction', { connectorId: 0, idTag: 'A', meterStart: 0, timestamp: isoNow() }), 'e16', 'PropertyConstraintViolation');
check('unknown_message_type_ignored', (await expectSilence(ws, '[7,"e17",{}]')) === null);
check('unsolicited_callresult_ignored', (await expectSilence(ws, '[3,"e18",{}]')) === null);
check('unsolicited_callerror_ignored', (await expectSilence(ws, '[4,"e19","GenericError","",{}]')) === null);

await test('lenient_iso_timestamps_accepted', async () => {
	for (const [i, ts] of ['2026-01-01T10:00:00Z', '2026-01-01T10:00:00.123456+02', '2026-01-01T10:00:00+02:00', '2026-01-01T10:00:00'].entries()) {
		const r = await ws.call(JSON.stringify(call(`ts${i}`, 'StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available', timestamp: ts })));
		if (!Array.isArray(r) || r[0] !== 3) throw new Error(`${ts}: ${JSON.stringify(r)}`);
	}
});

await test('fragmented_message_reassembled', async () => {
	const text = JSON.stringify(call('frag', 'Authorize', { idTag: 'FRAG' }));
	ws.send(text.slice(0, 10), { fin: false });
	ws.send(text.slice(10, 20), { fin: false });
	ws.send(text.slice(20), { fin: true });
	const r = await ws.next();
	if (!Array.isArray(r) || r[0] !== 3 || r[1] !== 'frag' || r[2].idTagInfo.status !== 'Invalid')
		throw new Error(JSON.stringify(r));
});

// A deterministic fuzz: valid frames cut, spliced and bit-flipped.
await test('fuzzed_frames_never_break_the_link', async () => {
	let seed = 12345;
	const rnd = (n) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
	const samples = [
		call('f', 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }),
		call('f', 'MeterValues', { connectorId: 1, meterValue: [{ timestamp: isoNow(), sampledValue: [{ value: '1', unit: 'kWh' }] }] }),
		call('f', 'StartTransaction', { connectorId: 1, idTag: 'A', meterStart: 0, timestamp: isoNow() }),
		call('f', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }),
	].map((m) => JSON.stringify(m));
	const alphabet = '[]{}",:0123456789-.eE\\ntrufalsTZ ';
	for (let i = 0; i < 400; i++) {
		let s = samples[rnd(samples.length)];
		const ops = 1 + rnd(4);
		for (let k = 0; k < ops; k++) {
			const p = rnd(s.length + 1);
			switch (rnd(4)) {
			case 0: s = s.slice(0, p); break;
			case 1: s = s.slice(0, p) + alphabet[rnd(alphabet.length)] + s.slice(p); break;
			case 2: s = s.slice(0, p) + s.slice(p + 1 + rnd(8)); break;
			default: s = s.slice(0, p) + s.slice(rnd(s.length)); break;
			}
		}
		ws.send(s);
	}
	// Whatever they caused, the link still answers, in order.
	const last = `hb-fuzz`;
	ws.send(JSON.stringify(call(last, 'Heartbeat', {})));
	for (let i = 0; i < 1000; i++) {
		const r = await ws.next(10000);
		if (r === null) throw new Error('no answer after fuzzing');
		if (Array.isArray(r) && r[1] === last) {
			if (r[0] !== 3) throw new Error(JSON.stringify(r));
			return;
		}
	}
	throw new Error('heartbeat answer not found');
});

await test('binary_frame_closes_1003', async () => {
	const w = await rawClient(cpId('bin'));
	w.send(Buffer.from([0x5b, 0x32, 0x5d]));
	const c = await w.closed;
	if (c.code !== 1003) throw new Error(`close ${c.code} ${c.reason}`);
});

await test('oversized_frame_closes_1009', async () => {
	const w = await rawClient(cpId('big'));
	w.send(JSON.stringify(call('big', 'DataTransfer', { vendorId: 'x', data: 'A'.repeat(70 * 1024) })));
	const c = await w.closed;
	if (c.code !== 1009) throw new Error(`close ${c.code} ${c.reason}`);
});

await test('frame_just_under_the_limit_is_answered', async () => {
	const w = await rawClient(cpId('big2'));
	const pad = 'A'.repeat(60 * 1024);
	const r = await w.call(JSON.stringify(call('big2', 'DataTransfer', { vendorId: 'x', data: pad })));
	if (!Array.isArray(r) || r[0] !== 3 || r[2].status !== 'UnknownVendorId') throw new Error(JSON.stringify(r).slice(0, 200));
	w.close();
});

await test('invalid_utf8_closes_1007', async () => {
	const w = await rawClient(cpId('utf8'));
	// A text frame that is not UTF-8: the ws client refuses to build
	// one, so write it through the socket with its own frame header.
	const payload = Buffer.from([0x5b, 0x22, 0xc3, 0x28, 0x22, 0x5d]);
	const mask = Buffer.from([1, 2, 3, 4]);
	const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
	w._socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]));
	const c = await w.closed;
	if (c.code !== 1007) throw new Error(`close ${c.code} ${c.reason}`);
});

await test('daemon_still_answers_after_everything', async () => {
	const r = await ws.call(JSON.stringify(call('final', 'Heartbeat', {})));
	if (!Array.isArray(r) || r[0] !== 3 || r[1] !== 'final') throw new Error(JSON.stringify(r));
	const w = await rawClient(cpId('after'));
	const r2 = await w.call(JSON.stringify(call('after', 'Heartbeat', {})));
	if (!Array.isArray(r2) || r2[0] !== 3) throw new Error(JSON.stringify(r2));
	w.close();
});
ws.close();

// A charge point that sends but never reads its answers: once the socket
// and lws are full, its replies queue up to a limit, then the link is
// closed with 1008; another charge point on the daemon is answered all
// along, and nothing is lost for it.
await test('unread_replies_close_the_link', async () => {
	const port = ownPort(48);
	const d = await startOcppd({ CSMS_OCPP_PORT: port, CSMS_MSG_RATE: '0' }, '31-deaf');
	try {
		const deaf = await rawClient(cpId('deaf'), { url: d.url });
		const other = await rawClient(cpId('hears'), { url: d.url });
		deaf._socket.pause();
		const frame = JSON.stringify([2, 'h', 'Heartbeat', {}]);
		let closedByServer = false;
		const sent = (async () => {
			for (let i = 0; i < 400000 && !closedByServer; i++) {
				deaf.send(frame);
				if (i % 2000 === 0) await new Promise((res) => setImmediate(res));
			}
		})();
		const logged = await until(() => fs.readFileSync(d.log, 'utf8').includes('replies unread: closing'), 60000, 100);
		closedByServer = true;
		await sent;
		check('unread_limit_logged', logged, 'no "replies unread" line in the log');
		const r = await other.call(JSON.stringify([2, 'o1', 'Heartbeat', {}]), 5000);
		check('other_cp_still_answered', Array.isArray(r) && r[0] === 3 && r[1] === 'o1', JSON.stringify(r));
		deaf._socket.resume();
		await closedWith1008('unread_link_closed_1008', d, deaf, cpId('deaf'));
		other.close();
	} finally {
		await d.stop('SIGKILL');
	}
});

// The close of a link whose peer neither reads nor stops writing: ocppd
// sends 1008 and closes, but the peer's unread input makes the kernel
// answer its next segments with a reset, and a client with writes still
// pending may see that (1006) before it reads the close frame it already
// has.  So the code ocppd closed with is read from its log, and the client
// must see the link closed, with 1008 or, racing the reset, 1006.
async function closedWith1008(name, d, deaf, cpName) {
	const c = await Promise.race([deaf.closed, new Promise((res) => setTimeout(() => res(null), 20000))]);
	const logged = await until(() => fs.readFileSync(d.log, 'utf8')
		.includes(`${cpName} | disconnected: too many unread replies (code 1008)`), 10000, 100);
	checkEq(name, [c !== null && (c.code === 1008 || c.code === 1006), logged], [true, true]);
}

const vmRss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;

// Flood from `n` links that never read, each frame answered; resolves
// when `stop()` says so or after `max` frames per link.
async function flood(links, frame, max, stop) {
	for (const l of links) l._socket.pause();
	for (let i = 0; i < max && !stop(); i++) {
		for (const l of links) if (l.readyState === 1) l.send(frame);
		if (i % 100 === 0) await new Promise((res) => setImmediate(res));
	}
}

// Three charge points that never read, each sending frames whose 60 KB
// uniqueId a CALLERROR used to echo whole: ocppd's memory stays bounded
// (the echo is cut to 36 characters, the queues are bounded in bytes)
// and another charge point is answered meanwhile.
await test('non_reading_links_memory_bounded', async () => {
	const d = await startOcppd({ CSMS_OCPP_PORT: ownPort(51), CSMS_MSG_RATE: '0' }, '31-rss');
	try {
		const other = await rawClient(cpId('rss-ok'), { url: d.url });
		const deaf = [];
		for (let i = 0; i < 3; i++) deaf.push(await rawClient(cpId(`rss${i}`), { url: d.url }));
		const before = vmRss(d.proc.pid);
		const frame = JSON.stringify([2, 'x'.repeat(60000), 'Heartbeat', {}]);
		await flood(deaf, frame, 1500, () => false);
		const r = await other.call(JSON.stringify([2, 'o1', 'Heartbeat', {}]), 20000);
		check('rss_other_cp_answered', Array.isArray(r) && r[0] === 3 && r[1] === 'o1', JSON.stringify(r));
		const grown = vmRss(d.proc.pid) - before;
		check('rss_growth_bounded', grown < 64 * 1024 * 1024, `grew ${Math.round(grown / 1048576)} MB`);
		for (const l of deaf) l.terminate();
		other.close();
	} finally {
		await d.stop('SIGKILL');
	}
});

// send_queue_max counts bytes: a link whose unread answers pass it is
// closed with 1008 long before the 1,024-reply count.
await test('send_queue_bytes_bound_closes_link', async () => {
	const d = await startOcppd({ CSMS_OCPP_PORT: ownPort(52), CSMS_MSG_RATE: '0', CSMS_SEND_QUEUE_MAX: '8192' }, '31-bytes');
	try {
		const deaf = await rawClient(cpId('bytes'), { url: d.url });
		let logged = false;
		const sent = flood([deaf], JSON.stringify([2, 'h', 'Heartbeat', {}]), 400000, () => logged);
		logged = await until(() => fs.readFileSync(d.log, 'utf8').includes('bytes unread on this link over the limit'), 60000, 100);
		await sent;
		check('bytes_bound_logged', logged, 'no byte-bound line in the log');
		deaf._socket.resume();
		await closedWith1008('bytes_bound_closed_1008', d, deaf, cpId('bytes'));
	} finally {
		await d.stop('SIGKILL');
	}
});

// A second daemon with lenient_unknown_properties = yes: unknown
// properties are ignored, real violations still refused.  Its shutdown is
// the graceful one: links closed with 1001, exit status 0.
await test('lenient_instance', async () => {
	const port = ownPort(41);
	const d = await startOcppd({ CSMS_OCPP_PORT: port, CSMS_LENIENT_UNKNOWN_PROPERTIES: 'yes' }, '31-lenient');
	try {
		const w = await rawClient(cpId('lenient'), { url: d.url });
		const r = await w.call(JSON.stringify(call('l1', 'Authorize', { idTag: 'A', colour: 'red' })));
		check('additional_property_lenient', Array.isArray(r) && r[0] === 3 && r[2].idTagInfo.status === 'Invalid', JSON.stringify(r));
		await expectError('lenient_still_checks_types', w, call('l2', 'Authorize', { idTag: 5, colour: 'red' }), 'l2', 'TypeConstraintViolation');
		const closed = w.closed;
		const exit = await d.stop('SIGTERM');
		const c = await closed;
		checkEq('sigterm_closes_links_1001', c.code, 1001);
		checkEq('sigterm_exit_status_0', exit, { code: 0, sig: null });
	} finally {
		await d.stop('SIGKILL');
	}
});

done();
