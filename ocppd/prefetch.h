/*
 * prefetch.h — the reads of one worker batch, done up front in one round
 * trip: the users rows of every idTag the batch presents (Authorize,
 * StartTransaction, StopTransaction), the sessions its StopTransactions
 * name, and the open sessions of the connectors its StartTransactions
 * start on (almost always none: then StartTransaction needs no statement
 * to close a stale one).
 *
 * Each of those was a statement of its own per message, and under load a
 * batch's time is mostly round trips to MariaDB, each one waiting for a
 * busy core on both sides.  The handlers ask here first and query
 * themselves on a miss, so nothing changes but the number of round trips.
 * A batch with a single lookup leaves it to its handler (the same one
 * query).
 *
 * Staying right while the batch runs:
 *  - an id-tag change in the batch (tags.c's job) forgets every tag;
 *  - a StopTransaction marks its session stopped once it has stopped it,
 *    and no longer open on its connector; a StartTransaction leaves its
 *    new session the connector's only open one;
 *  - a session absent at prefetch time may be started later in the same
 *    batch, so only found sessions are remembered;
 *  - an absent tag is remembered only when it is plain ASCII without
 *    trailing spaces, where utf8mb4_general_ci equality (users.id_tag) is
 *    exactly ASCII case-insensitive equality.
 *
 * One struct prefetch per worker; the strings point into the batch's job
 * payloads, which outlive the batch.
 */
#ifndef OCPPD_PREFETCH_H
#define OCPPD_PREFETCH_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "db.h"

#define PREFETCH_MAX 64 /* per kind and batch; a power of two */

enum pf_state { PF_WANTED = 0, PF_FOUND, PF_ABSENT };

struct pf_tag {
	const char *key; /* as presented */
	enum pf_state state;
	char canonical[81]; /* the users row, when found */
	char status[16];    /* "" when NULL */
	char parent[81];
	int64_t expiry_ms; /* DB_NULL_TIME: none */
	int max_tx;        /* users.max_concurrent_tx, -1 when NULL */
};

struct pf_tx {
	long long id;
	enum pf_state state;
	char cp_id[51];
	int connector;
	char id_tag[81];
	long long meter_start;
	int64_t start_ms;
	int stopped; /* meter_stop is set */
};

#define PF_OPEN_MAX 4

/* The sessions still open on one connector. */
struct pf_conn {
	const char *cp_id;
	int connector;
	enum pf_state state; /* PF_FOUND: open[] is all of them */
	int nopen;
	long long open[PF_OPEN_MAX];
};

struct prefetch {
	struct pf_tag tag[PREFETCH_MAX];
	struct pf_tx tx[PREFETCH_MAX];
	struct pf_conn conn[PREFETCH_MAX];
	int ntag, ntx, nconn;
	struct db_value vals[4 * PREFETCH_MAX];
};

/* Builds the statement texts; once, before any worker starts. */
int prefetch_init(void);
void prefetch_cleanup(void);

void prefetch_reset(struct prefetch *pf);
/* What a call of the batch will look up (each action's prefetch function,
 * beside its handler, says which): an id tag, a session, the open sessions
 * of a connector.  Strings are not copied. */
void prefetch_want_tag(struct prefetch *pf, const char *tag);
void prefetch_want_tx(struct prefetch *pf, long long id);
void prefetch_want_conn(struct prefetch *pf, const char *cp_id,
                        long long connector);
/* Runs the batch's queries.  0 ok, -1 database error (in db). */
int prefetch_fetch(struct prefetch *pf, struct db *db);

/* The tag's users row (PF_FOUND) or its certain absence (PF_ABSENT);
 * NULL: unknown here, query it. */
const struct pf_tag *prefetch_tag(const struct prefetch *pf, const char *tag);
/* A found session; NULL: query it. */
struct pf_tx *prefetch_tx(struct prefetch *pf, long long id);
/* The connector's open sessions, when known; NULL: query. */
struct pf_conn *prefetch_conn(struct prefetch *pf, const char *cp_id,
                              int connector);
/* Session tx started on / stopped on the connector. */
void prefetch_started(struct prefetch *pf, const char *cp_id, int connector,
                      long long tx);
void prefetch_stopped(struct prefetch *pf, const char *cp_id, int connector,
                      long long tx);
/* The users table changed in this batch. */
void prefetch_forget_tags(struct prefetch *pf);

#endif
