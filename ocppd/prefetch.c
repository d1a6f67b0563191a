/*
 * prefetch.c — a worker batch's users rows and stopped sessions in one
 * query each; see prefetch.h.
 */
#include "prefetch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jsonutil.h"
#include "log.h"

#define NSIZES 7 /* IN lists of 1, 2, 4 ... 64 */

#define TAG_HEAD                                                               \
	"SELECT id_tag, status, expiry_date, parent_id_tag FROM users "        \
	"WHERE id_tag IN ("
#define TX_HEAD                                                                \
	"SELECT id, cp_id, connector_id, id_tag, meter_start, "                \
	"meter_stop IS NOT NULL FROM transactions WHERE id IN ("
/* ORed equalities on idx_tx_open's prefix: a range scan per connector. */
#define OPEN_HEAD                                                              \
	"SELECT id, cp_id, connector_id FROM transactions "                    \
	"WHERE stop_ts IS NULL AND ("
#define OPEN_ROW "(cp_id = ? AND connector_id = ?)"

static char *tag_sql[NSIZES], *tx_sql[NSIZES], *open_sql[NSIZES];

/* head row (sep row)* ")", n rows. */
static char *list(const char *head, const char *row, const char *sep, int n)
{
	size_t len = strlen(head) + (size_t)n * (strlen(row) + strlen(sep)) + 2;
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	p += sprintf(p, "%s", head);
	for (int i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? sep : "", row);
	sprintf(p, ")");
	return s;
}

int prefetch_init(void)
{
	for (int k = 0; k < NSIZES; k++) {
		tag_sql[k] = list(TAG_HEAD, "?", ", ", 1 << k);
		tx_sql[k] = list(TX_HEAD, "?", ", ", 1 << k);
		open_sql[k] = list(OPEN_HEAD, OPEN_ROW, " OR ", 1 << k);
		if (!tag_sql[k] || !tx_sql[k] || !open_sql[k]) {
			prefetch_cleanup();
			return -1;
		}
	}
	return 0;
}

void prefetch_cleanup(void)
{
	for (int k = 0; k < NSIZES; k++) {
		free(tag_sql[k]);
		free(tx_sql[k]);
		free(open_sql[k]);
		tag_sql[k] = tx_sql[k] = open_sql[k] = NULL;
	}
}

void prefetch_reset(struct prefetch *pf)
{
	pf->ntag = pf->ntx = pf->nconn = 0;
}

static void want_tag(struct prefetch *pf, const char *tag)
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

static void want_tx(struct prefetch *pf, long long id)
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

static void want_conn(struct prefetch *pf, const char *cp_id,
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

void prefetch_add_call(struct prefetch *pf, const char *action,
                       const char *cp_id, const cJSON *payload)
{
	if (!action)
		return;
	if (!strcmp(action, "Authorize")) {
		want_tag(pf, json_str(payload, "idTag", NULL));
	} else if (!strcmp(action, "StartTransaction")) {
		want_tag(pf, json_str(payload, "idTag", NULL));
		want_conn(pf, cp_id, json_int(payload, "connectorId", 0));
	} else if (!strcmp(action, "StopTransaction")) {
		want_tag(pf, json_str(payload, "idTag", NULL));
		want_tx(pf, json_int(payload, "transactionId", 0));
	}
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

static int fetch_tags(struct prefetch *pf, struct db *db)
{
	int k = size_index(pf->ntag);
	int m = 1 << k;
	for (int i = 0; i < m; i++)
		pf->vals[i] = (struct db_value){
		    .type = 's', .u.s = pf->tag[i < pf->ntag ? i : 0].key};
	struct db_rows r;
	if (db_query_values(db, &r, tag_sql[k], pf->vals, (size_t)m))
		return -1;
	int rc;
	while ((rc = db_next(&r)) > 0) {
		const char *id = db_str(&r, 0);
		for (int i = 0; id && i < pf->ntag; i++) {
			struct pf_tag *t = &pf->tag[i];
			if (t->state != PF_WANTED || strcasecmp(t->key, id))
				continue;
			t->state = PF_FOUND;
			copy(t->canonical, sizeof t->canonical, id);
			copy(t->status, sizeof t->status, db_str(&r, 1));
			t->expiry_ms = db_time_ms(&r, 2);
			copy(t->parent, sizeof t->parent, db_str(&r, 3));
		}
	}
	db_rows_end(&r);
	if (rc < 0)
		return -1;
	for (int i = 0; i < pf->ntag; i++)
		if (pf->tag[i].state == PF_WANTED &&
		    plain_ascii(pf->tag[i].key))
			pf->tag[i].state = PF_ABSENT;
	return 0;
}

static int fetch_txs(struct prefetch *pf, struct db *db)
{
	int k = size_index(pf->ntx);
	int m = 1 << k;
	for (int i = 0; i < m; i++)
		pf->vals[i] = (struct db_value){
		    .type = 'l', .u.l = pf->tx[i < pf->ntx ? i : 0].id};
	struct db_rows r;
	if (db_query_values(db, &r, tx_sql[k], pf->vals, (size_t)m))
		return -1;
	int rc;
	while ((rc = db_next(&r)) > 0) {
		long long id = db_int(&r, 0);
		for (int i = 0; i < pf->ntx; i++) {
			struct pf_tx *t = &pf->tx[i];
			if (t->id != id)
				continue;
			t->state = PF_FOUND;
			copy(t->cp_id, sizeof t->cp_id, db_str(&r, 1));
			t->connector = (int)db_int(&r, 2);
			copy(t->id_tag, sizeof t->id_tag, db_str(&r, 3));
			t->meter_start = db_int(&r, 4);
			t->stopped = db_int(&r, 5) != 0;
			break;
		}
	}
	db_rows_end(&r);
	return rc < 0 ? -1 : 0;
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

static int fetch_open(struct prefetch *pf, struct db *db)
{
	int k = size_index(pf->nconn);
	int m = 1 << k;
	for (int i = 0; i < m; i++) {
		const struct pf_conn *c = &pf->conn[i < pf->nconn ? i : 0];
		pf->vals[2 * i] =
		    (struct db_value){.type = 's', .u.s = c->cp_id};
		pf->vals[2 * i + 1] =
		    (struct db_value){.type = 'i', .u.i = c->connector};
	}
	struct db_rows r;
	if (db_query_values(db, &r, open_sql[k], pf->vals, (size_t)(2 * m)))
		return -1;
	int rc;
	while ((rc = db_next(&r)) > 0) {
		const char *cp = db_str(&r, 1);
		struct pf_conn *c =
		    cp ? find_conn(pf, cp, (int)db_int(&r, 2)) : NULL;
		if (c)
			add_open(c, db_int(&r, 0));
	}
	db_rows_end(&r);
	if (rc < 0)
		return -1;
	for (int i = 0; i < pf->nconn; i++)
		pf->conn[i].state =
		    pf->conn[i].nopen <= PF_OPEN_MAX ? PF_FOUND : PF_WANTED;
	return 0;
}

int prefetch_fetch(struct prefetch *pf, struct db *db)
{
	/* A single lookup is its handler's own query: no round trip saved. */
	if (pf->ntag > 1 && fetch_tags(pf, db))
		return -1;
	if (pf->ntx > 1 && fetch_txs(pf, db))
		return -1;
	if (pf->nconn > 1 && fetch_open(pf, db))
		return -1;
	if (pf->ntag > 1 || pf->ntx > 1 || pf->nconn > 1)
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
