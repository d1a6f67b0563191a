/*
 * audit.c — the audit trail; see audit.h.
 */
#include "audit.h"

#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "dbq.h"
#include "load_mgmt.h"
#include "log.h"
#include "timeutil.h"

static const struct {
	const char *prefix; /* an op name, or its start when ending in '_' */
	const char *kind;
} kinds[] = {
    {"status", NULL},
    {"cps", NULL},
    {"connection_attempts", NULL},
    {"tag_", "tag"},
    {"tariff_", "tariff"},
    {"site_", "site"},
    {"group_", "site"},
    {"cp_set_site", "site"},
    {"cp_set_load", "site"},
    {"cp_set_notes", "site"},
    {"cp_retire", "lifecycle"},
    {"cp_unretire", "lifecycle"},
    {"cp_delete", "lifecycle"},
    {"cp_set_boot", "approval"},
    {"cp_set_password", "credentials"},
    {"cp_set_security", "credentials"},
    {"cp_set_log", "config"},
    {"account_", "account"},
    {"webhook_", "webhook"},
    {"bulk_", "bulk"},
    {"drain", "node"},
    {"undrain", "node"},
};

const char *audit_kind(const char *op)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		size_t n = strlen(kinds[i].prefix);
		if (kinds[i].prefix[n - 1] == '_'
		        ? !strncmp(op, kinds[i].prefix, n)
		        : !strcmp(op, kinds[i].prefix))
			return kinds[i].kind;
	}
	/* Anything else that changes state: an OCPP command, or an op added
	 * later (filed as such rather than not at all). */
	return op[0] >= 'A' && op[0] <= 'Z' ? "command" : "other";
}

int audit_write(struct db *db, const char *who, const char *kind,
                const char *op, const char *subject, const char *detail)
{
	return db_exec(db,
	               "INSERT INTO audit (at, who, kind, op, subject, detail) "
	               "VALUES (UTC_TIMESTAMP(3), ?, ?, ?, LEFT(?, 200), ?)",
	               "sssss", who && *who ? who : "unknown", kind, op,
	               subject ? subject : "", detail) < 0
	           ? -1
	           : 0;
}

static int secret_name(const char *name)
{
	return name &&
	       (strcasestr(name, "password") || strcasestr(name, "secret") ||
	        strcasestr(name, "auth_key") ||
	        strcasestr(name, "authorizationkey"));
}

/* m's value becomes "***" (its name kept); returns the new item, or m
 * when out of memory (the caller's detail is then dropped). */
static cJSON *mask(cJSON *v, cJSON *m, int *oom)
{
	cJSON *s = cJSON_CreateString("***");
	char *name = m->string ? strdup(m->string) : NULL;
	if (!s || (m->string && !name)) {
		cJSON_Delete(s);
		free(name);
		*oom = 1;
		return m;
	}
	/* ReplaceItemViaPointer keeps the place, not the name. */
	s->string = name;
	cJSON_ReplaceItemViaPointer(v, m, s);
	return s;
}

static void redact(cJSON *v, int *oom)
{
	/* ChangeConfiguration of AuthorizationKey: the value is the secret. */
	const cJSON *key = cJSON_GetObjectItemCaseSensitive(v, "key");
	cJSON *value = cJSON_GetObjectItemCaseSensitive(v, "value");
	if (cJSON_IsString(key) && secret_name(key->valuestring) && value)
		mask(v, value, oom);
	for (cJSON *m = v ? v->child : NULL; m; m = m->next) {
		if (secret_name(m->string) && !cJSON_IsObject(m) &&
		    !cJSON_IsArray(m))
			m = mask(v, m, oom);
		else
			redact(m, oom);
	}
}

char *audit_detail(const cJSON *params)
{
	cJSON *copy = cJSON_Duplicate(params, 1);
	int oom = 0;
	if (!copy)
		return NULL;
	redact(copy, &oom);
	if (oom) {
		/* A secret may still be in it: no detail rather than that. */
		cJSON_Delete(copy);
		return NULL;
	}
	char *s = cJSON_PrintUnformatted(copy);
	cJSON_Delete(copy);
	/* The column is TEXT; a tag import's thousands of rows say enough in
	 * their first 4,000 bytes. */
	if (s && strlen(s) > 4000) {
		/* Cut where a character starts: the column takes UTF-8 only. */
		size_t k = 3990;
		while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
			k--;
		strcpy(s + k, "...");
	}
	return s;
}

/* What the request is about: its charge point, else the first naming
 * parameter. */
static void subject_of(const struct control_req *r, char *out, size_t len)
{
	static const char *const names[] = {"id_tag",  "user",     "tariff_id",
	                                    "site_id", "group_id", "id",
	                                    "name",    "url"};
	out[0] = '\0';
	if (r->cp_id[0]) {
		snprintf(out, len, "%s", r->cp_id);
		return;
	}
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const cJSON *v =
		    cJSON_GetObjectItemCaseSensitive(r->params, names[i]);
		if (cJSON_IsString(v)) {
			snprintf(out, len, "%s", v->valuestring);
			return;
		}
		if (cJSON_IsNumber(v)) {
			snprintf(out, len, "%lld", (long long)v->valuedouble);
			return;
		}
	}
}

/* ---- requests waiting for their answer (event loop) ----------------- */

#define PENDING_MAX 512 /* more than control clients may be connected */

struct pending {
	uint64_t client; /* 0: free */
	int64_t since_ms;
	char op[CONTROL_OP_MAX + 1];
	char who[CONTROL_WHO_MAX + 1];
	char subject[CONTROL_CP_ID_MAX + 1];
	const char *kind;
	char *detail;
};

static struct pending pending[PENDING_MAX];

void audit_begin(const struct control_req *r)
{
	const char *kind = audit_kind(r->op);
	/* The load manager re-sends its shares every interval: a machine
	 * following the site's settings (audited when changed), not a
	 * person's change. */
	if (!kind || !strcmp(kind, "account") ||
	    r->client == CONTROL_NO_CLIENT ||
	    !strcmp(r->requested_by, LM_REQUESTED_BY))
		return;
	/* A free slot, else the oldest (its client left without an answer). */
	struct pending *p = &pending[0];
	for (size_t i = 0; i < PENDING_MAX; i++) {
		if (!pending[i].client || pending[i].client == r->client) {
			p = &pending[i];
			break;
		}
		if (pending[i].since_ms < p->since_ms)
			p = &pending[i];
	}
	free(p->detail);
	memset(p, 0, sizeof *p);
	p->client = r->client;
	p->since_ms = time_now_ms();
	p->kind = kind;
	snprintf(p->op, sizeof p->op, "%s", r->op);
	snprintf(p->who, sizeof p->who, "%s", r->requested_by);
	subject_of(r, p->subject, sizeof p->subject);
	p->detail = audit_detail(r->params);
}

struct audit_job {
	struct job job;
	struct pending p;
};

static enum hres audit_job_run(struct job *j, struct batch *b)
{
	struct pending *p = &((struct audit_job *)j)->p;
	return audit_write(b->db, p->who, p->kind, p->op, p->subject, p->detail)
	           ? H_DB_ERROR
	           : H_OK;
}

static void audit_job_done(struct job *j, enum hres r)
{
	if (r != H_OK)
		log_warn("ocppd: audit: %s by %s not recorded (database error)",
		         ((struct audit_job *)j)->p.op,
		         ((struct audit_job *)j)->p.who);
}

static void audit_job_fail(struct job *j)
{
	audit_job_done(j, H_DB_ERROR);
}

static void audit_job_free(struct job *j)
{
	free(((struct audit_job *)j)->p.detail);
	free(j);
}

static const struct job_ops audit_job_ops = {.run = audit_job_run,
                                             .done = audit_job_done,
                                             .fail = audit_job_fail,
                                             .free = audit_job_free};

static void on_answer(uint64_t client, int ok)
{
	for (size_t i = 0; i < PENDING_MAX; i++) {
		struct pending *p = &pending[i];
		if (p->client != client)
			continue;
		p->client = 0;
		if (!ok) {
			free(p->detail);
			p->detail = NULL;
			return;
		}
		struct audit_job *aj = calloc(1, sizeof *aj);
		if (!aj) {
			free(p->detail);
			p->detail = NULL;
			log_warn("ocppd: audit: %s by %s not recorded (out of "
			         "memory)",
			         p->op, p->who);
			return;
		}
		aj->p = *p;
		p->detail = NULL;
		aj->job.ops = &audit_job_ops;
		aj->job.who = "";
		aj->job.what = "audit";
		/* One route: the trail is written in the order answered. */
		if (dbq_submit(&aj->job, "audit", 0)) {
			log_warn("ocppd: audit: %s by %s not recorded (queue "
			         "full)",
			         aj->p.op, aj->p.who);
			audit_job_free(&aj->job);
		}
		return;
	}
}

void audit_install(void)
{
	control_set_answer_hook(on_answer);
}
