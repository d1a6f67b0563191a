/*
 * stale_links.c — see stale_links.h.
 */
#include "stale_links.h"

#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "dbq.h"
#include "log.h"
#include "session.h"
#include "takeover.h"
#include "ws.h"

#define CLOSE_NORMAL 1000

/* One charge point that connected elsewhere, and when. */
struct moved {
	char *cp_id;
	int64_t since_ms;
};

struct check_job {
	struct job job;
	int64_t from_ms, to_ms; /* connections since from (minus the skew) */
	struct moved *moved;
	size_t n, cap;
	int incomplete; /* out of memory: look again from the same time */
};

/* Where the last complete check ended: the next one looks from there. */
static int64_t checked_ms;
static int in_flight;

static int add_moved(struct check_job *k, const char *cp_id, int64_t since)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 16;
		struct moved *m = realloc(k->moved, cap * sizeof *m);
		if (!m)
			return -1;
		k->moved = m;
		k->cap = cap;
	}
	k->moved[k->n].cp_id = strdup(cp_id);
	if (!k->moved[k->n].cp_id)
		return -1;
	k->moved[k->n++].since_ms = since;
	return 0;
}

static enum hres check_run(struct job *j, struct batch *b)
{
	struct check_job *k = (struct check_job *)j;
	struct db_rows rows;
	if (db_query(b->db, &rows,
	             "SELECT id, connected_since FROM charge_points "
	             "WHERE connected_since >= ? AND connected = 1 "
	             "AND NOT (node_id <=> NULLIF(?, ''))",
	             "ts", k->from_ms - STALE_LINKS_SKEW_MS, b->cfg->node_id))
		return H_DB_ERROR;
	while (db_next(&rows) > 0)
		if (!k->incomplete && !db_isnull(&rows, 1) &&
		    add_moved(k, db_str(&rows, 0), db_time_ms(&rows, 1)))
			k->incomplete = 1;
	db_rows_end(&rows);
	return H_OK;
}

static void check_done(struct job *j, enum hres r)
{
	struct check_job *k = (struct check_job *)j;
	in_flight = 0;
	if (r != H_OK)
		return;
	if (!k->incomplete)
		checked_ms = k->to_ms;
	for (size_t i = 0; i < k->n; i++) {
		struct conn *c = takeover_find(k->moved[i].cp_id);
		if (!c || c->up->up_ms >= k->moved[i].since_ms)
			continue;
		log_warn("ocpp: %s | connected through another node since; "
		         "closing this node's older link",
		         c->cp_id);
		ws_close(c, CLOSE_NORMAL, "connected through another node");
	}
}

static void check_fail(struct job *j)
{
	(void)j;
	in_flight = 0;
}

static void check_free(struct job *j)
{
	struct check_job *k = (struct check_job *)j;
	for (size_t i = 0; i < k->n; i++)
		free(k->moved[i].cp_id);
	free(k->moved);
	free(k);
}

static const struct job_ops check_ops = {.run = check_run,
                                         .done = check_done,
                                         .fail = check_fail,
                                         .free = check_free};

void stale_links_tick(int64_t now_ms)
{
	if (in_flight)
		return;
	struct check_job *k = calloc(1, sizeof *k);
	if (!k)
		return;
	k->job.ops = &check_ops;
	k->job.who = "";
	k->job.what = "stale link check";
	/* The first check looks from start-up: no link here is older. */
	k->from_ms = checked_ms ? checked_ms : now_ms;
	k->to_ms = now_ms;
	in_flight = 1;
	if (dbq_submit(&k->job, NULL, 1)) {
		in_flight = 0;
		free(k);
	}
}
