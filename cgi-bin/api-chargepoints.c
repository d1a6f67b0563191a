/*
 * api-chargepoints.c — charge points with their connectors and the
 * transaction running on each connector.
 *
 * One query joins charge_points, connectors and the open transactions
 * (idx_tx_open: cp_id, connector_id, stop_ts) in id order, so a charge
 * point is complete when the next id appears and the list is built in
 * one pass over the rows, without a query per charge point.
 *
 * The list is a page of at most `limit` charge points after the id
 * `after` (a keyset cursor on the primary key): with 100,000 charge
 * points the whole list would be 46 MB of JSON, and an OFFSET would walk
 * every row before the page.  The page's charge points are picked in a
 * derived table first, so the LIMIT counts charge points, not connector
 * rows; one more than asked says whether there is a next page.
 */
#include "api-chargepoints.h"

#include <stdlib.h>
#include <string.h>

#include "api-json.h"
#include "api-text.h"

#define CP_SELECT_FROM(cps)                                                    \
	"SELECT cp.id, cp.vendor, cp.model, cp.firmware_version,"              \
	" cp.connected, cp.last_heartbeat, cp.total_kwh, c.connector_id,"      \
	" c.status, c.error_code, c.last_update, t.id, t.id_tag,"              \
	" t.meter_start, t.start_ts, cp.last_seen, cp.site_id, cp.retired,"    \
	" cp.notes, cp.protocol, cp.security_profile,"                         \
	" cp.security_profile_pending, IF(cp.security_profile_pending IS "     \
	"NULL,"                                                                \
	" NULL, cp.security_profile_pending_since)"                            \
	" FROM " cps " LEFT JOIN connectors c ON c.cp_id = cp.id"              \
	" LEFT JOIN transactions t ON t.cp_id = c.cp_id"                       \
	" AND t.connector_id = c.connector_id AND t.stop_ts IS NULL "
/* A connector with two open transactions (a lost StopTransaction) shows
 * the newest: it comes first. */
#define CP_ORDER " ORDER BY cp.id, c.connector_id, t.start_ts DESC, t.id DESC"

enum {
	COL_ID,
	COL_VENDOR,
	COL_MODEL,
	COL_FW,
	COL_CONNECTED,
	COL_HEARTBEAT,
	COL_KWH,
	COL_CONN,
	COL_STATUS,
	COL_ERROR,
	COL_UPDATE,
	COL_TX,
	COL_TAG,
	COL_METER,
	COL_START,
	COL_SEEN,
	COL_SITE,
	COL_RETIRED,
	COL_NOTES,
	COL_PROTOCOL,
	COL_SEC_PROFILE,
	COL_SEC_PENDING,
	COL_SEC_PENDING_SINCE
};

/* The page's charge points: ids after the cursor, in primary key order;
 * site (0: any), group (0: any) and retired (0, 1; 2: both) come first in
 * every variant (docs/sites.md). */
#define CP_PAGE(where)                                                         \
	CP_SELECT_FROM("(SELECT * FROM charge_points WHERE id > ? "            \
	               "AND (? = 0 OR site_id = ?) AND (? = 0 OR id IN "       \
	               "(SELECT cp_id FROM cp_group_members WHERE group_id = " \
	               "?)) AND (? = 2 OR retired = ?) " where                 \
	               " ORDER BY id LIMIT ?) cp")

/* Indexed by filter: bit 0 connected, bit 1 id prefix.  The statement
 * cache keys on the string's address, so these stay literals. */
static const char *const sql_list[4] = {
    CP_PAGE("") CP_ORDER,
    CP_PAGE("AND connected = ?") CP_ORDER,
    CP_PAGE("AND id LIKE ? " PARAM_LIKE_ESCAPE) CP_ORDER,
    CP_PAGE("AND connected = ? AND id LIKE ? " PARAM_LIKE_ESCAPE) CP_ORDER,
};
static const char sql_one[] =
    CP_SELECT_FROM("charge_points cp") "WHERE cp.id = ?" CP_ORDER;

static cJSON *cp_object(const struct db_rows *rows)
{
	cJSON *cp = cJSON_CreateObject();
	api_json_str(cp, "id", db_str(rows, COL_ID));
	api_json_str(cp, "vendor", db_str(rows, COL_VENDOR));
	api_json_str(cp, "model", db_str(rows, COL_MODEL));
	api_json_str(cp, "firmware_version", db_str(rows, COL_FW));
	/* "ocpp1.6" or "ocpp2.0.1": its newest connection's (null: never
	 * connected since the column exists). */
	api_json_str(cp, "protocol", db_str(rows, COL_PROTOCOL));
	cJSON_AddBoolToObject(cp, "connected", db_int(rows, COL_CONNECTED));
	api_json_time(cp, "last_seen", db_time_ms(rows, COL_SEEN));
	api_json_time(cp, "last_heartbeat", db_time_ms(rows, COL_HEARTBEAT));
	api_json_num(cp, "total_kwh", db_dbl(rows, COL_KWH));
	api_json_int_or_null(cp, "site_id", db_str(rows, COL_SITE));
	cJSON_AddBoolToObject(cp, "retired", db_int(rows, COL_RETIRED) == 1);
	api_json_str(cp, "notes", db_str(rows, COL_NOTES));
	/* The profile required now, and a raised one waiting for the charge
	 * point's first connection with it (docs/security.md). */
	api_json_int(cp, "security_profile", db_int(rows, COL_SEC_PROFILE));
	api_json_int_or_null(cp, "security_profile_pending",
	                     db_str(rows, COL_SEC_PENDING));
	api_json_time(cp, "security_profile_pending_since",
	              db_time_ms(rows, COL_SEC_PENDING_SINCE));
	cJSON_AddArrayToObject(cp, "connectors");
	return cp;
}

static cJSON *connector_object(const struct db_rows *rows)
{
	cJSON *c = cJSON_CreateObject();
	api_json_int(c, "connector_id", db_int(rows, COL_CONN));
	api_json_str(c, "status", db_str(rows, COL_STATUS));
	api_json_str(c, "error_code", db_str(rows, COL_ERROR));
	api_json_time(c, "last_update", db_time_ms(rows, COL_UPDATE));
	if (db_isnull(rows, COL_TX)) {
		cJSON_AddNullToObject(c, "active_transaction");
		return c;
	}
	cJSON *tx = cJSON_AddObjectToObject(c, "active_transaction");
	api_json_int(tx, "id", db_int(rows, COL_TX));
	api_json_str(tx, "id_tag", db_str(rows, COL_TAG));
	api_json_int(tx, "meter_start", db_int(rows, COL_METER));
	api_json_time(tx, "start_ts", db_time_ms(rows, COL_START));
	return c;
}

/* Receives each finished charge point and owns it from then on. */
typedef int (*cp_sink)(cJSON *cp, void *arg);

/* Groups the rows into charge point objects for sink: 0, or -1 when the
 * database failed (-2 when the sink failed). */
static int each_cp(struct db_rows *rows, cp_sink sink, void *arg)
{
	cJSON *cp = NULL, *conns = NULL;
	char cur[256] = "";
	long long last_conn = -1;
	int rc;
	while ((rc = db_next(rows)) == 1) {
		const char *id = db_str(rows, COL_ID);
		if (!cp || strcmp(id, cur)) {
			if (cp && sink(cp, arg))
				return -2;
			cp = cp_object(rows);
			conns =
			    cJSON_GetObjectItemCaseSensitive(cp, "connectors");
			snprintf(cur, sizeof cur, "%s", id);
			last_conn = -1;
		}
		if (db_isnull(rows, COL_CONN) ||
		    db_int(rows, COL_CONN) == last_conn)
			continue;
		last_conn = db_int(rows, COL_CONN);
		cJSON_AddItemToArray(conns, connector_object(rows));
	}
	if (rc < 0) {
		cJSON_Delete(cp);
		return -1;
	}
	if (cp && sink(cp, arg))
		return -2;
	return 0;
}

/* The list streams into memory, not to the client, so a database error
 * half-way still becomes a clean 503 instead of truncated JSON. */
struct list {
	FILE *mem;
	int n, limit;
	int more;       /* the query found one more than limit */
	char last[256]; /* the id of the last charge point in the page */
};

static int list_sink(cJSON *cp, void *arg)
{
	struct list *l = arg;
	if (l->n == l->limit) {
		l->more = 1;
		cJSON_Delete(cp);
		return 0;
	}
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(cp, "id");
	snprintf(l->last, sizeof l->last, "%s",
	         cJSON_IsString(id) ? id->valuestring : "");
	if (l->n++)
		fputc(',', l->mem);
	return api_json_write(l->mem, cp);
}

void api_cps_list(struct api_req *r)
{
	static const char *const bools[] = {"0", "1", NULL};
	static const char *const retired_v[] = {"0", "1", "all", NULL};
	int connected = param_choice_or_400(&r->params, "connected", bools);
	int retired = param_choice_or_400(&r->params, "retired", retired_v);
	const char *q, *after;
	long long limit, site, group;
	if (connected == -2 || retired == -2 ||
	    param_int_or_400(&r->params, "site", 0, 1, 2147483647, &site) ||
	    param_int_or_400(&r->params, "group", 0, 1, 2147483647, &group) ||
	    param_text_or_400(&r->params, "q", 50, NULL, &q) ||
	    param_text_or_400(&r->params, "after", 50, "", &after) ||
	    param_int_or_400(&r->params, "limit", API_CPS_LIMIT, 1,
	                     API_CPS_LIMIT_MAX, &limit))
		return;
	char pattern[256];
	if (q && param_like(q, PARAM_LIKE_PREFIX, pattern, sizeof pattern)) {
		api_bad_param(r, "q", "q is too long");
		return;
	}
	struct db_rows rows;
	int rc;
	long long fetch = limit + 1;
	/* Retired charge points are left out unless asked for. */
	int ret = retired < 0 ? 0 : retired;
	if (connected >= 0 && q)
		rc = db_query(r->db, &rows, sql_list[3],
		              "sllllii"
		              "isl",
		              after, site, site, group, group, ret, ret,
		              connected, pattern, fetch);
	else if (q)
		rc = db_query(r->db, &rows, sql_list[2],
		              "sllllii"
		              "sl",
		              after, site, site, group, group, ret, ret,
		              pattern, fetch);
	else if (connected >= 0)
		rc = db_query(r->db, &rows, sql_list[1],
		              "sllllii"
		              "il",
		              after, site, site, group, group, ret, ret,
		              connected, fetch);
	else
		rc = db_query(r->db, &rows, sql_list[0],
		              "sllllii"
		              "l",
		              after, site, site, group, group, ret, ret, fetch);
	if (rc) {
		api_db_error(r);
		return;
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem) {
		db_rows_end(&rows);
		api_error(r, 500, "internal_error", "out of memory");
		return;
	}
	fputs("{\"items\":[", mem);
	struct list list = {.mem = mem, .limit = (int)limit};
	rc = each_cp(&rows, list_sink, &list);
	db_rows_end(&rows);
	fprintf(mem, "],\"count\":%d,\"next\":", list.n);
	/* api_json_write frees what it writes. */
	if (!list.more || api_json_write(mem, cJSON_CreateString(list.last)))
		fputs("null", mem);
	fputs("}\n", mem);
	fclose(mem);
	if (rc == -1)
		api_db_error(r);
	else if (rc < 0)
		api_error(r, 500, "internal_error", "out of memory");
	else
		api_send(r, 200, API_JSON, API_NO_STORE, NULL, buf, len);
	free(buf);
}

static int keep_sink(cJSON *cp, void *arg)
{
	*(cJSON **)arg = cp;
	return 0;
}

/* The charge point named by the path, or NULL after answering. */
static cJSON *load_one(struct api_req *r)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_one, "s", r->arg)) {
		api_db_error(r);
		return NULL;
	}
	cJSON *cp = NULL;
	int rc = each_cp(&rows, keep_sink, &cp);
	db_rows_end(&rows);
	if (rc < 0) {
		api_db_error(r);
		return NULL;
	}
	if (!cp)
		api_error(r, 404, "not_found", "no charge point with this id");
	return cp;
}

void api_cps_one(struct api_req *r)
{
	cJSON *cp = load_one(r);
	if (cp)
		api_send_json(r, 200, cp);
}

void api_connectors(struct api_req *r)
{
	cJSON *cp = load_one(r);
	if (!cp)
		return;
	cJSON *body = cJSON_CreateObject();
	cJSON_AddItemToObject(body, "cp_id",
	                      cJSON_DetachItemFromObject(cp, "id"));
	cJSON_AddItemToObject(body, "connectors",
	                      cJSON_DetachItemFromObject(cp, "connectors"));
	cJSON_Delete(cp);
	api_send_json(r, 200, body);
}
