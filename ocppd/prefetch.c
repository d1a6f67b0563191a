/*
 * prefetch.c — a worker batch's id tags, named sessions and connectors'
 * open sessions, read in one round trip; see prefetch.h.
 */
#include "prefetch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"

#define NSIZES 7 /* IN lists of 1, 2, 4 ... 64 */

/*
 * One round trip for all three: a UNION ALL whose first column says what
 * the row is.  Each IN / OR list holds m entries; a short list repeats its
 * first entry, an empty one is all NULL (which matches nothing).
 */
#define USERS_PART                                                             \
	"SELECT 'u', id_tag, status, expiry_date, parent_id_tag, "             \
	"IFNULL(max_concurrent_tx, -1), NULL, NULL FROM users WHERE id_tag "   \
	"IN ("
#define SESSIONS_PART                                                          \
	" UNION ALL SELECT 't', id, cp_id, connector_id, id_tag, "             \
	"meter_start, meter_stop IS NOT NULL, start_ts FROM transactions "     \
	"WHERE id IN ("
/* ORed equalities on idx_tx_open's prefix: a range scan per connector. */
#define OPEN_PART                                                              \
	" UNION ALL SELECT 'o', id, cp_id, connector_id, NULL, NULL, NULL, "   \
	"NULL FROM transactions WHERE stop_ts IS NULL AND ("
#define OPEN_ROW "(cp_id = ? AND connector_id = ?)"
#define COL_KIND 0

static char *batch_sql[NSIZES];

/* Appends row (sep row)* ")" with n rows at p. */
static char *put_list(char *p, const char *row, const char *sep, int n)
{
	for (int i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? sep : "", row);
	return p + sprintf(p, ")");
}

static char *make_sql(int n)
{
	size_t len = strlen(USERS_PART) + strlen(SESSIONS_PART) +
	             strlen(OPEN_PART) +
	             (size_t)n * (2 * strlen(", ?") + strlen(OPEN_ROW) + 4) + 4;
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	p += sprintf(p, "%s", USERS_PART);
	p = put_list(p, "?", ", ", n);
	p += sprintf(p, "%s", SESSIONS_PART);
	p = put_list(p, "?", ", ", n);
	p += sprintf(p, "%s", OPEN_PART);
	put_list(p, OPEN_ROW, " OR ", n);
	return s;
}

int prefetch_init(void)
{
	for (int k = 0; k < NSIZES; k++)
		if (!(batch_sql[k] = make_sql(1 << k))) {
			prefetch_cleanup();
			return -1;
		}
	return 0;
}

void prefetch_cleanup(void)
{
	for (int k = 0; k < NSIZES; k++) {
		free(batch_sql[k]);
		batch_sql[k] = NULL;
	}
}

void prefetch_reset(struct prefetch *pf)
{
	pf->ntag = pf->ntx = pf->nconn = 0;
}

void prefetch_want_tag(struct prefetch *pf, const char *tag)
{
	if (!tag || !*tag)
		return;
	for (int i = 0; i < pf->ntag; i++)
		if (!strcasecmp(pf->tag[i].key, tag))
			return;
	if (pf->ntag == PREFETCH_MAX)
		return;
	struct pf_tag *t = &pf->tag[pf->ntag++];
	memset(t, 0, sizeof *t);
	t->key = tag;
}

void prefetch_want_tx(struct prefetch *pf, long long id)
{
	if (id <= 0)
		return;
	for (int i = 0; i < pf->ntx; i++)
		if (pf->tx[i].id == id)
			return;
	if (pf->ntx == PREFETCH_MAX)
		return;
	struct pf_tx *t = &pf->tx[pf->ntx++];
	memset(t, 0, sizeof *t);
	t->id = id;
}

static struct pf_conn *find_conn(struct prefetch *pf, const char *cp_id,
                                 int connector)
{
	for (int i = 0; i < pf->nconn; i++)
		if (pf->conn[i].connector == connector &&
		    !strcmp(pf->conn[i].cp_id, cp_id))
			return &pf->conn[i];
	return NULL;
}

void prefetch_want_conn(struct prefetch *pf, const char *cp_id,
                        long long connector)
{
	if (connector < 1 || connector > INT32_MAX)
		return;
	if (find_conn(pf, cp_id, (int)connector) || pf->nconn == PREFETCH_MAX)
		return;
	struct pf_conn *c = &pf->conn[pf->nconn++];
	memset(c, 0, sizeof *c);
	c->cp_id = cp_id;
	c->connector = (int)connector;
}

/* The smallest prepared size that holds n (n <= PREFETCH_MAX). */
static int size_index(int n)
{
	for (int k = 0; k < NSIZES; k++)
		if (n <= 1 << k)
			return k;
	return -1;
}

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/* Absence of a row proves absence of the tag only where the column's
 * collation and ASCII case-insensitivity agree. */
static int plain_ascii(const char *s)
{
	size_t n = strlen(s);
	if (!n || s[n - 1] == ' ')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

static void add_open(struct pf_conn *c, long long id)
{
	for (int i = 0; i < c->nopen; i++)
		if (c->open[i] == id)
			return;
	if (c->nopen < PF_OPEN_MAX)
		c->open[c->nopen] = id;
	c->nopen++; /* past PF_OPEN_MAX: not all known */
}

static void found_tag(struct prefetch *pf, const struct db_rows *r)
{
	const char *id = db_str(r, 1);
	for (int i = 0; id && i < pf->ntag; i++) {
		struct pf_tag *t = &pf->tag[i];
		if (t->state != PF_WANTED || strcasecmp(t->key, id))
			continue;
		t->state = PF_FOUND;
		copy(t->canonical, sizeof t->canonical, id);
		copy(t->status, sizeof t->status, db_str(r, 2));
		t->expiry_ms = db_time_ms(r, 3);
		copy(t->parent, sizeof t->parent, db_str(r, 4));
		t->max_tx = (int)db_int(r, 5);
	}
}

static void found_session(struct prefetch *pf, const struct db_rows *r)
{
	long long id = db_int(r, 1);
	for (int i = 0; i < pf->ntx; i++) {
		struct pf_tx *t = &pf->tx[i];
		if (t->id != id)
			continue;
		t->state = PF_FOUND;
		copy(t->cp_id, sizeof t->cp_id, db_str(r, 2));
		t->connector = (int)db_int(r, 3);
		copy(t->id_tag, sizeof t->id_tag, db_str(r, 4));
		t->meter_start = db_int(r, 5);
		t->stopped = db_int(r, 6) != 0;
		t->start_ms = db_time_ms(r, 7);
		return;
	}
}

static struct db_value null_value(void)
{
	return (struct db_value){.type = 's', .u.s = NULL};
}

/* The m entries of each list, in statement order. */
static size_t bind_all(struct prefetch *pf, int m)
{
	size_t k = 0;
	for (int i = 0; i < m; i++)
		pf->vals[k++] =
		    pf->ntag
		        ? (struct db_value){.type = 's',
		                            .u.s = pf->tag[i < pf->ntag ? i : 0]
		                                       .key}
		        : null_value();
	for (int i = 0; i < m; i++)
		pf->vals[k++] =
		    pf->ntx
		        ? (struct db_value){.type = 'l',
		                            .u.l =
		                                pf->tx[i < pf->ntx ? i : 0].id}
		        : null_value();
	for (int i = 0; i < m; i++) {
		if (!pf->nconn) {
			pf->vals[k++] = null_value();
			pf->vals[k++] = null_value();
			continue;
		}
		const struct pf_conn *c = &pf->conn[i < pf->nconn ? i : 0];
		pf->vals[k++] = (struct db_value){.type = 's', .u.s = c->cp_id};
		pf->vals[k++] =
		    (struct db_value){.type = 'i', .u.i = c->connector};
	}
	return k;
}

int prefetch_fetch(struct prefetch *pf, struct db *db)
{
	/* A single lookup is its handler's own query: no round trip saved. */
	if (pf->ntag + pf->ntx + pf->nconn < 2)
		return 0;
	int most = pf->ntag > pf->ntx ? pf->ntag : pf->ntx;
	if (pf->nconn > most)
		most = pf->nconn;
	int k = size_index(most);
	if (k < 0)
		return 0;
	struct db_rows r;
	if (db_query_values(db, &r, batch_sql[k], pf->vals,
	                    bind_all(pf, 1 << k)))
		return -1;
	int rc;
	while ((rc = db_next(&r)) > 0) {
		const char *kind = db_str(&r, COL_KIND);
		if (!kind)
			continue;
		if (*kind == 'u') {
			found_tag(pf, &r);
		} else if (*kind == 't') {
			found_session(pf, &r);
		} else if (*kind == 'o') {
			const char *cp = db_str(&r, 2);
			struct pf_conn *c =
			    cp ? find_conn(pf, cp, (int)db_int(&r, 3)) : NULL;
			if (c)
				add_open(c, db_int(&r, 1));
		}
	}
	db_rows_end(&r);
	if (rc < 0)
		return -1;
	for (int i = 0; i < pf->ntag; i++)
		if (pf->tag[i].state == PF_WANTED &&
		    plain_ascii(pf->tag[i].key))
			pf->tag[i].state = PF_ABSENT;
	for (int i = 0; i < pf->nconn; i++)
		pf->conn[i].state =
		    pf->conn[i].nopen <= PF_OPEN_MAX ? PF_FOUND : PF_WANTED;
	log_debug("ocppd: batch prefetch: %d id tags, %d sessions, "
	          "%d connectors",
	          pf->ntag, pf->ntx, pf->nconn);
	return 0;
}

const struct pf_tag *prefetch_tag(const struct prefetch *pf, const char *tag)
{
	if (!tag)
		return NULL;
	for (int i = 0; i < pf->ntag; i++) {
		const struct pf_tag *t = &pf->tag[i];
		if (t->state == PF_WANTED)
			continue;
		if (t->state == PF_FOUND ? !strcasecmp(t->canonical, tag)
		                         : !strcasecmp(t->key, tag))
			return t;
	}
	return NULL;
}

struct pf_tx *prefetch_tx(struct prefetch *pf, long long id)
{
	for (int i = 0; i < pf->ntx; i++)
		if (pf->tx[i].id == id && pf->tx[i].state == PF_FOUND)
			return &pf->tx[i];
	return NULL;
}

void prefetch_forget_tags(struct prefetch *pf)
{
	pf->ntag = 0;
}

struct pf_conn *prefetch_conn(struct prefetch *pf, const char *cp_id,
                              int connector)
{
	struct pf_conn *c = find_conn(pf, cp_id, connector);
	return c && c->state == PF_FOUND ? c : NULL;
}

void prefetch_started(struct prefetch *pf, const char *cp_id, int connector,
                      long long tx)
{
	struct pf_conn *c = prefetch_conn(pf, cp_id, connector);
	if (c) {
		c->nopen = 1;
		c->open[0] = tx;
	}
}

void prefetch_stopped(struct prefetch *pf, const char *cp_id, int connector,
                      long long tx)
{
	struct pf_tx *t = prefetch_tx(pf, tx);
	if (t)
		t->stopped = 1;
	struct pf_conn *c = prefetch_conn(pf, cp_id, connector);
	for (int i = 0; c && i < c->nopen; i++)
		if (c->open[i] == tx) {
			c->open[i] = c->open[--c->nopen];
			break;
		}
}
