/*
 * drain.c — a node leaving service at a pace; see drain.h.
 *
 * The pace is a token bucket filled every tick (rate links a second, at
 * most one second's worth saved up), walked over the links with a cursor
 * so each tick looks only at the links it closes.
 *
 * Closing a link waits for its in-flight CALLs the way shutdown waits
 * for all of them, but per link: the link stops being read (its further
 * messages wait in the socket, unanswered, and the charge point sends
 * them again after it reconnected), and a no-op job goes down its
 * charge point's database queue.  A charge point's jobs run in order on
 * one worker and come back in order, each answered only after its
 * COMMIT (dbq.h), so when the no-op comes back every CALL before it is
 * durable and its reply queued on the link; ws_close sends the close
 * frame after what is queued, as at shutdown.
 */
#include "drain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbq.h"
#include "jsonutil.h"
#include "log.h"
#include "timeutil.h"
#include "ws.h"

#define CLOSE_GOING_AWAY 1001 /* RFC 6455: the server is going away */
#define RATE_DEFAULT     100
#define RATE_MAX         100000
#define DELAY_DEFAULT_S  5 /* HAProxy: inter 1s fall 2, and margin */
#define DELAY_MAX_S      600
#define TOKEN            1000 /* one link, in 1/1000 */

static struct {
	int on;
	uint32_t gen;     /* a barrier of an older drain closes nothing */
	long long rate;   /* links a second */
	int64_t start_ms; /* closing starts (after the delay) */
	int64_t last_ms;  /* the bucket was last filled */
	long long tokens; /* in 1/1000 links */
	uint32_t cursor;  /* next slot to look at */
	unsigned closed;  /* links closed by this drain */
} dr;

/* ---- the barrier: a no-op job behind a charge point's CALLs ---------- */

struct barrier {
	struct job job;
	uint64_t conn;
	uint32_t gen;
	char cp_id[];
};

static enum hres barrier_run(struct job *j, struct batch *b)
{
	(void)j;
	(void)b;
	return H_OK;
}

/* Back on the loop: every CALL queued before it was answered. */
static void barrier_back(struct job *j)
{
	struct barrier *k = (struct barrier *)j;
	struct conn *c = ws_conn_by_ref(k->conn);
	if (!c)
		return;
	c->leaving = 0;
	if (dr.on && k->gen == dr.gen && !c->closing) {
		/* Closing first: what it sent meanwhile is dropped unread,
		 * not answered on a link about to go. */
		ws_close(c, CLOSE_GOING_AWAY, "server draining");
		dr.closed++;
	}
	ws_pause(c, 0);
}

static void barrier_done(struct job *j, enum hres r)
{
	(void)r;
	barrier_back(j);
}

static void barrier_free(struct job *j)
{
	free(j);
}

static const struct job_ops barrier_ops = {.run = barrier_run,
                                           .done = barrier_done,
                                           .fail = barrier_back,
                                           .free = barrier_free};

/* Starts c's close; -1 when the database queue is full (later). */
static int leave(struct conn *c)
{
	size_t len = strlen(c->cp_id);
	struct barrier *k = calloc(1, sizeof *k + len + 1);
	if (!k)
		return -1;
	memcpy(k->cp_id, c->cp_id, len + 1);
	k->job.ops = &barrier_ops;
	k->job.who = k->cp_id;
	k->job.what = "drain";
	k->conn = c->ref;
	k->gen = dr.gen;
	if (dbq_submit(&k->job, k->cp_id, 0)) {
		free(k);
		return -1;
	}
	ws_pause(c, 1);
	c->leaving = 1;
	return 0;
}

/* The next link to close: not closing or leaving already, and not on
 * probation (takeover.c decides those within seconds). */
static struct conn *next_link(void)
{
	int wrapped = 0;
	for (;;) {
		struct conn *c = ws_conn_next(&dr.cursor);
		if (!c) {
			if (wrapped)
				return NULL;
			wrapped = 1;
			dr.cursor = 0;
			continue;
		}
		if (!c->closing && !c->leaving && !c->paused)
			return c;
	}
}

void drain_tick(int64_t now)
{
	if (!dr.on || now < dr.start_ms)
		return;
	if (now > dr.last_ms)
		dr.tokens += (now - dr.last_ms) * dr.rate;
	dr.last_ms = now;
	/* At most a second's worth (and one link) saved up. */
	if (dr.tokens > dr.rate * TOKEN + TOKEN)
		dr.tokens = dr.rate * TOKEN + TOKEN;
	while (dr.tokens >= TOKEN) {
		struct conn *c = next_link();
		if (!c || leave(c))
			break;
		dr.tokens -= TOKEN;
	}
}

/* ---- the ops ------------------------------------------------------------ */

/* rate and delay_s, each optional, nothing else; 0 or -1 (answered). */
static int params(const struct control_req *r, long long *rate,
                  long long *delay_s)
{
	static const struct {
		const char *name;
		long long min, max;
	} known[] = {{"rate", 1, RATE_MAX}, {"delay_s", 0, DELAY_MAX_S}};
	long long *out[] = {rate, delay_s};
	const cJSON *m;
	cJSON_ArrayForEach(m, r->params)
	{
		size_t i = 0;
		while (i < 2 && strcmp(m->string, known[i].name))
			i++;
		const char *why = NULL;
		if (i == 2)
			why = "unknown parameter";
		else if (json_get_int(r->params, known[i].name, out[i], 0) ||
		         *out[i] < known[i].min || *out[i] > known[i].max)
			why = i == 0 ? "an integer 1..100000 (links a second)"
			             : "an integer 0..600 (seconds)";
		if (why) {
			cJSON *extra = cJSON_CreateObject();
			if (extra)
				cJSON_AddStringToObject(extra, "field",
				                        m->string);
			control_fail(r->client, "invalid_params", extra,
			             "%s: %s", m->string, why);
			return -1;
		}
	}
	return 0;
}

static void answer(const struct control_req *r)
{
	cJSON *o = cJSON_CreateObject();
	if (!o || drain_status_add(o)) {
		cJSON_Delete(o);
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	int64_t wait = dr.start_ms - time_now_ms();
	if (dr.on &&
	    (json_add_int(o, "rate", dr.rate) ||
	     json_add_int(o, "delay_s", wait > 0 ? (wait + 999) / 1000 : 0))) {
		cJSON_Delete(o);
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	control_ok(r->client, o);
}

void drain_request(const struct control_req *r)
{
	if (!strcmp(r->op, "undrain")) {
		if (cJSON_GetArraySize(r->params)) {
			control_fail(r->client, "invalid_params", NULL,
			             "undrain takes no parameters");
			return;
		}
		if (dr.on)
			log_info("ocppd: undrain: taking charge points again "
			         "(%u links closed, %u handshakes refused)",
			         dr.closed, ws_drain_refused());
		dr.on = 0;
		ws_set_draining(0);
		answer(r);
		return;
	}
	long long rate = RATE_DEFAULT, delay_s = -1;
	if (params(r, &rate, &delay_s))
		return;
	if (!ws_accepting()) {
		control_fail(r->client, "shutting_down", NULL,
		             "ocppd is stopping");
		return;
	}
	int64_t now = time_now_ms();
	if (!dr.on) {
		/* A new drain: a barrier of an old one closes nothing. */
		dr.gen++;
		dr.closed = 0;
		dr.cursor = 0;
		dr.tokens = TOKEN; /* the first link at once */
		if (delay_s < 0)
			delay_s = DELAY_DEFAULT_S;
	}
	/* Again while draining: a new pace, and a new delay if given. */
	if (delay_s >= 0) {
		dr.start_ms = now + delay_s * 1000;
		dr.last_ms = dr.start_ms;
	}
	dr.on = 1;
	dr.rate = rate;
	ws_set_draining(1);
	log_info("ocppd: draining: no new charge points; closing %u links, "
	         "%lld a second, in %lld s",
	         ws_conn_count(), rate,
	         (long long)(dr.start_ms > now
	                         ? (dr.start_ms - now + 999) / 1000
	                         : 0));
	answer(r);
}

int drain_status_add(cJSON *o)
{
	if (!cJSON_AddBoolToObject(o, "draining", dr.on) ||
	    json_add_int(o, "drain_links_left", dr.on ? ws_conn_count() : 0) ||
	    json_add_int(o, "drain_closed", dr.closed) ||
	    json_add_int(o, "drain_refused", ws_drain_refused()))
		return -1;
	return 0;
}
