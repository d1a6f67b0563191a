/*
 * notify_want.c — see notify_want.h.
 */
#include "notify_want.h"

#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "dbq.h"
#include "notify_types.h"

#define ALL_TYPES (~0u)

static unsigned wanted = ALL_TYPES;
static int64_t next_read_ms;

static int type_bit(const char *name, size_t len)
{
	for (int i = 0; notify_types[i]; i++)
		if (strlen(notify_types[i]) == len &&
		    !strncmp(notify_types[i], name, len))
			return i;
	return -1;
}

int notify_wanted(const char *type)
{
	unsigned set = __atomic_load_n(&wanted, __ATOMIC_RELAXED);
	int bit = type_bit(type, strlen(type));
	return bit < 0 || (set >> bit & 1u);
}

void notify_want_set(unsigned set)
{
	__atomic_store_n(&wanted, set, __ATOMIC_RELAXED);
}

/* A filter as stored: '*' or type names separated by commas. */
static unsigned filter_set(const char *events)
{
	if (!events || !strcmp(events, "*"))
		return ALL_TYPES;
	unsigned set = 0;
	for (const char *p = events; *p;) {
		size_t len = strcspn(p, ",");
		int bit = type_bit(p, len);
		if (bit >= 0)
			set |= 1u << bit;
		p += len;
		if (*p == ',')
			p++;
	}
	return set;
}

int notify_want_read(struct db *db, unsigned *set)
{
	struct db_rows r;
	if (db_query(db, &r, "SELECT events FROM webhooks WHERE enabled = 1",
	             ""))
		return -1;
	unsigned s = 0;
	int rc;
	while ((rc = db_next(&r)) > 0)
		s |= filter_set(db_str(&r, 0));
	db_rows_end(&r);
	if (rc < 0)
		return -1;
	*set = s;
	return 0;
}

struct want_job {
	struct job job;
	unsigned set;
};

static enum hres want_run(struct job *j, struct batch *b)
{
	return notify_want_read(b->db, &((struct want_job *)j)->set)
	           ? H_DB_ERROR
	           : H_OK;
}

static void want_done(struct job *j, enum hres r)
{
	if (r == H_OK)
		notify_want_set(((struct want_job *)j)->set);
}

static void want_free(struct job *j)
{
	free(j);
}

static const struct job_ops want_ops = {
    .run = want_run, .done = want_done, .free = want_free};

void notify_want_tick(int64_t now_ms)
{
	if (now_ms < next_read_ms)
		return;
	next_read_ms = now_ms + NOTIFY_WANT_MS;
	struct want_job *j = calloc(1, sizeof *j);
	if (!j)
		return;
	j->job.ops = &want_ops;
	j->job.who = "webhooks";
	j->job.what = "subscribed event types";
	if (dbq_submit(&j->job, NULL, 1))
		free(j);
}
