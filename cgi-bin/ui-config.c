/*
 * ui-config.c — the configuration keys on the charge point page
 * (ui-config.h).
 *
 * ocppd records each command's answer in commands.response, so the page
 * shows what the charge point last said instead of keeping a copy: the
 * table is as fresh as the last "Get configuration" and says when that
 * was.  The query uses idx_cmd_cp and stops at the first answered row.
 */
#include "ui-config.h"

#include <string.h>

#include "ocpp_secret.h"
#include "ui-format.h"

static const char sql_last_get[] =
    "SELECT finished_at, params, response FROM commands WHERE cp_id = ? "
    "AND action = 'GetConfiguration' AND status = 'answered' "
    "AND response IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1";

/* A charge point may send anything: only strings count as text. */
static const char *str_of(const cJSON *o, const char *name)
{
	const char *s =
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
	return s ? s : "";
}

TMPL_varlist *ui_config_from_json(TMPL_varlist *vl, const char *json)
{
	cJSON *root = cJSON_Parse(json ? json : "");
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return TMPL_add_var(vl, "config_broken", "1", (char *)NULL);
	}
	TMPL_loop *keys = NULL, *unknown = NULL;
	const cJSON *it;
	cJSON_ArrayForEach(
	    it, cJSON_GetObjectItemCaseSensitive(root, "configurationKey"))
	{
		const char *key = str_of(it, "key");
		if (!*key)
			continue;
		int ro = cJSON_IsTrue(
		    cJSON_GetObjectItemCaseSensitive(it, "readonly"));
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "value");
		/* A secret (AuthorizationKey) is shown masked, even from a
		 * row recorded before ocppd masked them, and gets no edit
		 * form: one prefilled with the mask would send the mask. */
		int secret = ocpp_secret_key(key);
		const char *value = str_of(it, "value");
		if (secret && *value)
			value = OCPP_SECRET_MASK;
		/* "value" is optional in OCPP: absent means not set, which
		 * the table shows apart from an empty string. */
		TMPL_varlist *row =
		    TMPL_add_var(NULL, "key", key, "value", value, "unset",
		                 cJSON_IsString(v) ? "" : "1", "readonly",
		                 ro ? "yes" : "no", (char *)NULL);
		if (!ro && !secret)
			row = TMPL_add_var(row, "writable", "1", (char *)NULL);
		keys = TMPL_add_varlist(keys, row);
	}
	cJSON_ArrayForEach(it,
	                   cJSON_GetObjectItemCaseSensitive(root, "unknownKey"))
	{
		if (cJSON_IsString(it))
			unknown = TMPL_add_varlist(
			    unknown, TMPL_add_var(NULL, "key", it->valuestring,
			                          (char *)NULL));
	}
	cJSON_Delete(root);
	if (keys)
		vl = TMPL_add_loop(vl, "config_keys", keys);
	if (unknown)
		vl = TMPL_add_loop(vl, "config_unknown", unknown);
	return TMPL_add_var(vl, "config", "1", (char *)NULL);
}

/* Which keys were asked for, from the recorded params: "all keys" or the
 * list, so a filtered answer is not mistaken for the whole set. */
static void asked_of(const char *params, char *out, size_t len)
{
	cJSON *p = cJSON_Parse(params ? params : "");
	const cJSON *keys = cJSON_GetObjectItemCaseSensitive(p, "key");
	const cJSON *k;
	snprintf(out, len, "all keys");
	if (cJSON_IsArray(keys) && cJSON_GetArraySize(keys) > 0) {
		size_t n = 0;
		out[0] = '\0';
		cJSON_ArrayForEach(k, keys)
		{
			if (!cJSON_IsString(k) || n >= len)
				continue;
			int w = snprintf(out + n, len - n, "%s%s",
			                 n ? ", " : "", k->valuestring);
			n += w > 0 ? (size_t)w : 0;
		}
	}
	cJSON_Delete(p);
}

int ui_config_vars(struct ui_req *r, const char *id, TMPL_varlist **vl)
{
	struct db_rows rows;
	int rc;
	if (db_query(r->db, &rows, sql_last_get, "s", id))
		return -1;
	rc = db_next(&rows);
	if (rc > 0) {
		char when[32], iso[32], asked[256];
		int64_t ms = db_time_ms(&rows, 0);
		*vl = ui_config_from_json(*vl, db_str(&rows, 2));
		if (ms != DB_NULL_TIME) {
			ui_fmt_datetime(ms, when, sizeof when);
			ui_fmt_iso(ms, iso, sizeof iso);
			*vl =
			    TMPL_add_var(*vl, "config_when", when,
			                 "config_when_iso", iso, (char *)NULL);
		}
		asked_of(db_str(&rows, 1), asked, sizeof asked);
		*vl = TMPL_add_var(*vl, "config_asked", asked, (char *)NULL);
	}
	db_rows_end(&rows);
	return rc < 0 ? -1 : 0;
}
