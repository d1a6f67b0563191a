/*
 * load_storm.c — load mode's reconnect wave (--mix storm): every charge
 * point connects at once, as after a central system restart, a node
 * failover or a network blip, and comes back the way a charge point does:
 * BootNotification (a Pending answer waits the interval it was given and
 * boots again, as OCPP 1.6 §4.2 asks), then a StatusNotification for
 * connector 0 and each connector, one call at a time.  A charge point is
 * online when the last of them is answered — ocppd answers only after the
 * COMMIT, so then its statuses are stored.
 *
 * The run ends when every charge point is online (or failed, or the
 * --seconds deadline passed); --curve writes, every 100 ms, how many are
 * open, booted and online, for a chart of the wave.
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "frame.h"
#include "load_int.h"

#define CURVE_EVERY_US 100000
/* A Pending interval of 0 (the charge point chooses) or a huge one: a
 * benchmark waits 1 s at least and 60 s at most. */
#define PENDING_MIN_S 1
#define PENDING_MAX_S 60

static double since_start(const struct load *L, int64_t now)
{
	return (double)(now - L->start_us) / 1e6;
}

int load_storm_boot(struct load *L, struct lconn *c, const struct frame *f)
{
	int64_t now = clock_mono_us();
	const char *v = NULL;
	size_t vn = 0;
	long long interval = 0;

	if (f->type == FRAME_RESULT)
		frame_obj_get(f->payload, f->payload_len, "status", &v, &vn);
	if (v && vn == 7 && !memcmp(v, "Pending", 7)) {
		/* Not online yet and not failed: boot again after the
		 * interval, on the same link. */
		L->st.boot_pending++;
		frame_obj_int(f->payload, f->payload_len, "interval",
		              &interval);
		if (interval < PENDING_MIN_S)
			interval = PENDING_MIN_S;
		if (interval > PENDING_MAX_S)
			interval = PENDING_MAX_S;
		c->reboot_us = now + interval * 1000000;
		L->storm_waiting++;
		return 0;
	}
	load_boot_done(L, c, v && vn == 8 && !memcmp(v, "Accepted", 8));
	if (c->state != LS_READY)
		return 0;
	L->st.booted_secs = since_start(L, now);
	c->cycle = 0; /* the connector to report next */
	return load_send(L, c, LM_STATUS_CONNECTOR);
}

int load_storm_status(struct load *L, struct lconn *c, const struct frame *f)
{
	if (f->type == FRAME_ERROR) {
		/* Not stored: counted, and the run fails. */
		L->st.callerrors++;
		load_stats_callerror(&L->st, f->err_code, f->err_code_len);
	}
	if (++c->cycle <= L->o->connectors)
		return load_send(L, c, LM_STATUS_CONNECTOR);
	L->st.online++;
	L->st.online_secs = since_start(L, clock_mono_us());
	return 0;
}

static void curve_sample(struct load *L, int64_t now)
{
	if (!L->curve)
		return;
	fprintf(L->curve, "%.1f %d %d %d\n", since_start(L, now),
	        L->st.connected, L->st.booted, L->st.online);
	L->curve_us = now;
}

int load_storm_tick(struct load *L, int64_t now)
{
	int i, out;

	for (i = 0; L->storm_waiting && i < L->n; i++) {
		struct lconn *c = &L->conns[i];

		if (!c->reboot_us || now < c->reboot_us)
			continue;
		c->reboot_us = 0;
		L->storm_waiting--;
		if (c->state != LS_BOOTING || !c->wsi)
			continue; /* the link went meanwhile */
		c->need_boot = 1;
		lws_callback_on_writable(c->wsi);
	}
	if (L->st.connected == L->n && !L->st.open_secs)
		L->st.open_secs = since_start(L, now);
	if (now - L->curve_us >= CURVE_EVERY_US)
		curve_sample(L, now);
	/* Out: failed to connect, refused, or its link closed. */
	out = L->st.connect_failed + L->st.boot_rejected + L->st.closed_early;
	if (L->st.online + out < L->n &&
	    now - L->start_us < (int64_t)L->o->seconds * 1000000)
		return 0;
	curve_sample(L, now);
	return 1;
}

int load_storm_open_curve(struct load *L, char *err, size_t errlen)
{
	if (!L->o->curve)
		return 0;
	L->curve = fopen(L->o->curve, "w");
	if (!L->curve) {
		snprintf(err, errlen, "--curve %s: cannot write it",
		         L->o->curve);
		return -1;
	}
	fprintf(L->curve, "# seconds open booted online (of %d)\n", L->n);
	return 0;
}

void load_storm_close_curve(struct load *L)
{
	if (L->curve)
		fclose(L->curve);
	L->curve = NULL;
}
