/*
 * ui-certs.c — see ui-certs.h.
 */
#include "ui-certs.h"

#include "certquery.h"
#include "ui-format.h"

#define CERT_ROWS 10 /* issued certificates on the page */

static int issued_rows(struct ui_req *r, const char *id, TMPL_varlist **vl)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, CERTQ_ISSUED, "s", id))
		return -1;
	TMPL_loop *loop = NULL;
	int rc, n = 0;
	while ((rc = db_next(&rows)) == 1) {
		if (n++ >= CERT_ROWS)
			continue;
		char expires[32] = "", requested[32] = "", renew[32] = "";
		if (!db_isnull(&rows, CERTQ_NOT_AFTER))
			ui_fmt_datetime(db_time_ms(&rows, CERTQ_NOT_AFTER),
			                expires, sizeof expires);
		ui_fmt_datetime(db_time_ms(&rows, CERTQ_REQUESTED), requested,
		                sizeof requested);
		if (!db_isnull(&rows, CERTQ_RENEW))
			ui_fmt_datetime(db_time_ms(&rows, CERTQ_RENEW), renew,
			                sizeof renew);
		const char *serial = db_str(&rows, CERTQ_SERIAL);
		const char *subject = db_str(&rows, CERTQ_SUBJECT);
		const char *signed_st = db_str(&rows, CERTQ_SIGNED_STATUS);
		const char *error = db_str(&rows, CERTQ_ERROR);
		loop = TMPL_add_varlist(
		    loop,
		    TMPL_add_var(NULL, "state", db_str(&rows, CERTQ_STATE),
		                 "serial", serial ? serial : "", "subject",
		                 subject ? subject : "", "expires", expires,
		                 "requested", requested, "signed",
		                 signed_st ? signed_st : "", "renew", renew,
		                 "error", error ? error : "", (char *)NULL));
	}
	db_rows_end(&rows);
	if (loop)
		*vl = TMPL_add_loop(*vl, "certs_issued", loop);
	return rc < 0 ? -1 : 0;
}

static int installed_rows(struct ui_req *r, const char *id, TMPL_varlist **vl)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, CERTQ_INSTALLED, "s", id))
		return -1;
	TMPL_loop *loop = NULL;
	int rc;
	while ((rc = db_next(&rows)) == 1) {
		char when[32];
		ui_fmt_datetime(db_time_ms(&rows, CERTQ_I_REPORTED), when,
		                sizeof when);
		loop = TMPL_add_varlist(
		    loop,
		    TMPL_add_var(NULL, "type", db_str(&rows, CERTQ_I_TYPE),
		                 "alg", db_str(&rows, CERTQ_I_ALG), "name_hash",
		                 db_str(&rows, CERTQ_I_NAME), "key_hash",
		                 db_str(&rows, CERTQ_I_KEY), "serial",
		                 db_str(&rows, CERTQ_I_SERIAL), "reported",
		                 when, (char *)NULL));
	}
	db_rows_end(&rows);
	if (loop)
		*vl = TMPL_add_loop(*vl, "certs_installed", loop);
	return rc < 0 ? -1 : 0;
}

int ui_certs_vars(struct ui_req *r, const char *id, TMPL_varlist **vl)
{
	return issued_rows(r, id, vl) || installed_rows(r, id, vl) ? -1 : 0;
}

cJSON *ui_certs_hash_data(cJSON *flat, char *why, size_t len)
{
	(void)why;
	(void)len;
	cJSON *p = cJSON_CreateObject();
	cJSON_AddItemToObject(p, "certificateHashData", flat);
	return p;
}
