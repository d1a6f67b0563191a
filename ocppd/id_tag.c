/*
 * id_tag.c — idTagInfo from the users table; see id_tag.h.
 */
#include "id_tag.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "jsonutil.h"
#include "prefetch.h"
#include "tag_status.h"
#include "timeutil.h"

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

void id_tag_info_from(struct hctx *c, const char *canonical, const char *status,
                      int64_t expiry, const char *parent,
                      struct id_tag_info *out)
{
	memset(out, 0, sizeof *out);
	out->expiry_ms = DB_NULL_TIME;
	out->max_tx = -1;
	if (!canonical) {
		copy(out->status, sizeof out->status, "Invalid");
		return;
	}
	copy(out->canonical, sizeof out->canonical, canonical);
	copy(out->parent, sizeof out->parent, parent);
	const char *eff = tag_status_effective(status, expiry, c->now_ms, NULL);
	copy(out->status, sizeof out->status, eff);
	if (!strcmp(eff, "Expired"))
		out->expiry_ms = expiry;
	else if (!strcmp(eff, "Accepted"))
		out->expiry_ms = expiry != DB_NULL_TIME
		                     ? expiry
		                     : c->now_ms + ID_TAG_CACHE_MS;
}

int id_tag_check_concurrent(struct hctx *c, const char *tag,
                            long long exclude_tx, struct id_tag_info *info)
{
	/* The tag's own limit wins; without one, the global setting. */
	int limit = info->max_tx >= 0 ? info->max_tx
	                              : c->cfg->max_concurrent_tx_per_tag;
	if (strcmp(info->status, "Accepted") || limit <= 0)
		return 0;
	struct db_rows r;
	if (db_query(c->db, &r,
	             "SELECT COUNT(*) FROM transactions "
	             "WHERE id_tag = ? AND stop_ts IS NULL AND id <> ?",
	             "sl", tag, exclude_tx))
		return -1;
	int rc = db_next(&r);
	long long open = rc > 0 ? db_int(&r, 0) : 0;
	db_rows_end(&r);
	if (rc < 0)
		return -1;
	if (open >= limit)
		copy(info->status, sizeof info->status, "ConcurrentTx");
	return 0;
}

int id_tag_lookup(struct hctx *c, const char *tag, int check_concurrent,
                  long long exclude_tx, struct id_tag_info *out)
{
	const struct pf_tag *p = c->pf ? prefetch_tag(c->pf, tag) : NULL;
	if (p) {
		id_tag_info_from(c, p->state == PF_FOUND ? p->canonical : NULL,
		                 p->status, p->expiry_ms, p->parent, out);
		if (p->state == PF_FOUND)
			out->max_tx = p->max_tx;
		return check_concurrent
		           ? id_tag_check_concurrent(c, tag, exclude_tx, out)
		           : 0;
	}
	struct db_rows r;
	if (db_query(
	        c->db, &r,
	        "SELECT id_tag, status, expiry_date, parent_id_tag, "
	        "IFNULL(max_concurrent_tx, -1) FROM users WHERE id_tag = ?",
	        "s", tag))
		return -1;
	int rc = db_next(&r);
	if (rc < 0) {
		db_rows_end(&r);
		return -1;
	}
	id_tag_info_from(c, rc ? db_str(&r, 0) : NULL, db_str(&r, 1),
	                 db_time_ms(&r, 2), db_str(&r, 3), out);
	if (rc)
		out->max_tx = (int)db_int(&r, 4);
	db_rows_end(&r);
	if (check_concurrent)
		return id_tag_check_concurrent(c, tag, exclude_tx, out);
	return 0;
}

int id_tag_info_json(const struct id_tag_info *info, cJSON *obj)
{
	cJSON *o = cJSON_AddObjectToObject(obj, "idTagInfo");
	if (!o || json_add_str(o, "status", info->status))
		return -1;
	if (info->expiry_ms != DB_NULL_TIME) {
		char ts[32];
		time_format_iso8601(info->expiry_ms, ts);
		if (json_add_str(o, "expiryDate", ts))
			return -1;
	}
	if (info->parent[0] && json_add_str(o, "parentIdTag", info->parent))
		return -1;
	return 0;
}

static int parent_of(struct hctx *c, const char *tag, char *out, size_t size)
{
	struct db_rows r;
	out[0] = '\0';
	if (db_query(c->db, &r,
	             "SELECT parent_id_tag FROM users WHERE id_tag = ?", "s",
	             tag))
		return -1;
	int rc = db_next(&r);
	if (rc > 0)
		copy(out, size, db_str(&r, 0));
	db_rows_end(&r);
	return rc < 0 ? -1 : 0;
}

int id_tag_same_group(struct hctx *c, const char *a, const char *b)
{
	if (!strcasecmp(a, b))
		return 1;
	char pa[21], pb[21];
	if (parent_of(c, a, pa, sizeof pa) || parent_of(c, b, pb, sizeof pb))
		return -1;
	if (pa[0] && (!strcasecmp(pa, pb) || !strcasecmp(pa, b)))
		return 1;
	if (pb[0] && !strcasecmp(pb, a))
		return 1;
	return 0;
}
