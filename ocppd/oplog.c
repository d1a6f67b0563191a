/*
 * oplog.c — the OCPP message log; see oplog.h.
 *
 * The event loop appends records to the batch being filled (struct
 * oplog_job: one array of records, one byte arena for their strings).
 * A batch goes to the database queue when it is full or at the next tick
 * (every 100 ms), to worker 0, as a best-effort job: a queue that is
 * more than half full refuses it, and then its records are dropped and
 * counted.  On the worker, each record's envelope is read
 * (oplog_env.c), secrets are masked, the text is cut to OPLOG_TEXT_MAX
 * bytes, and the rows go in as INSERTs of 64, 8 and 1 rows (one prepared
 * statement per size, cached per connection).
 */
#include "oplog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <cjson/cJSON.h>

#include "batch.h"
#include "control.h"
#include "dbq.h"
#include "jsonutil.h"
#include "log.h"
#include "ocpp_secret.h"
#include "oplog_env.h"
#include "strmap.h"
#include "timeutil.h"

/* Held in memory at most, whatever ocpp_log_queue says (records in the
 * batch being filled and in the queued ones). */
#define OPLOG_BYTES_MAX (64u << 20)
/* Rows per batch at most; fewer when ocpp_log_queue is small. */
#define OPLOG_BATCH_MAX 512
/* A frame's bytes copied at most on the loop: longer ones are masked and
 * cut there (rare), so the worker never needs the whole frame. */
#define OPLOG_COPY_MAX      OPLOG_TEXT_MAX
#define OVERRIDES_RELOAD_MS 30000

enum kind { K_IN, K_OUT, K_CONNECT, K_DISCONNECT, K_REFUSED };
static const char *const kind_names[] = {"in", "out", "connect", "disconnect",
                                         "refused"};

struct rec {
	int64_t ts;
	uint64_t id;
	uint32_t cp_off, act_off, text_off; /* into the arena; act: 0 none */
	uint32_t text_len, full_len;
	uint8_t kind, masked, has_act, is_event;
	char code[8]; /* a refusal's HTTP status */
};

/* What the worker made of a record, for the bound values. */
struct row {
	struct oplog_env env;
	const char *action, *code, *text;
};

struct oplog_job {
	struct job job;
	unsigned n, cap;
	size_t used, size; /* arena */
	char *arena;
	struct rec *recs;
	struct row *rows; /* the worker's, made on the first run */
	char *texts;      /* the worker's cleaned texts */
	unsigned failed;  /* rows a statement refused */
	size_t held;      /* bytes counted in o.held_bytes */
};

static struct {
	const struct csms_config *cfg;
	int level;
	int auto_level; /* ocpp_log = auto: level follows links */
	unsigned links; /* the node's open links (oplog_links) */
	unsigned cap;   /* ocpp_log_queue */
	unsigned batch_rows;
	struct oplog_job *cur;
	unsigned held; /* records in memory (cur and queued) */
	size_t held_bytes;
	unsigned long long recorded, dropped, written, failed;
	int64_t next_reload_ms;
	int reloading;
	struct strmap over; /* cp_id -> (void *)(level + 1) */
	int64_t drop_logged_ms;
	unsigned route;
	uint64_t next_id; /* the id column: see oplog_init */
} o;

/* ---- statements ------------------------------------------------------- */

/* IGNORE: a row whose key exists (the same charge point, millisecond
 * and id: two start-ups drawing the same prefix) is not worth failing
 * the others for. */
#define INS_HEAD                                                               \
	"INSERT IGNORE INTO ocpp_log (cp_id, ts, id, day, node_id, kind, "     \
	"msg_type, msg_id, action, error_code, frame, frame_len) VALUES "
#define INS_ROW  "(?, ?, ?, DATE(?), NULLIF(?, ''), ?, ?, ?, ?, ?, ?, ?)"
#define INS_COLS 12

/* A full batch is one statement; a partial one a few more. */
static const unsigned chunk_rows[] = {OPLOG_BATCH_MAX, 64, 8, 1};
#define NCHUNKS (sizeof chunk_rows / sizeof chunk_rows[0])
static char *ins_sql[NCHUNKS];

static char *ins_text(unsigned n)
{
	size_t len = strlen(INS_HEAD) + n * (strlen(INS_ROW) + 2) + 1;
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	p += sprintf(p, "%s", INS_HEAD);
	for (unsigned i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? ", " : "", INS_ROW);
	return s;
}

int oplog_level_parse(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "all"))
		return OPLOG_ALL;
	if (!strcmp(s, "errors"))
		return OPLOG_ERRORS;
	if (!strcmp(s, "off"))
		return OPLOG_OFF;
	return -1;
}

const char *oplog_level_name(int level)
{
	return level == OPLOG_ALL      ? "all"
	       : level == OPLOG_ERRORS ? "errors"
	                               : "off";
}

/* ---- the batch being filled -------------------------------------------- */

static void job_free(struct job *j)
{
	struct oplog_job *k = (struct oplog_job *)j;
	o.held -= k->n;
	o.held_bytes -= k->held;
	free(k->arena);
	free(k->recs);
	free(k->rows);
	free(k->texts);
	free(k);
}

static enum hres job_run(struct job *j, struct batch *b);
static void job_done(struct job *j, enum hres r);
static void job_fail(struct job *j);

static const struct job_ops write_ops = {
    .run = job_run, .done = job_done, .fail = job_fail, .free = job_free};

static struct oplog_job *job_new(void)
{
	struct oplog_job *k = calloc(1, sizeof *k);
	if (!k)
		return NULL;
	k->cap = o.batch_rows;
	k->recs = malloc(k->cap * sizeof *k->recs);
	k->size = 64 * 1024;
	k->arena = malloc(k->size);
	if (!k->recs || !k->arena) {
		free(k->recs);
		free(k->arena);
		free(k);
		return NULL;
	}
	k->job.ops = &write_ops;
	k->job.who = "";
	k->job.what = "message log";
	k->used = 1; /* offset 0 means "none" */
	k->arena[0] = '\0';
	return k;
}

/* Batches go to the workers in turn (a route is a worker's key, not a
 * charge point's here), so no worker's transactions carry all of them. */
static const char *const routes[] = {"oplog-0", "oplog-1", "oplog-2",
                                     "oplog-3", "oplog-4", "oplog-5",
                                     "oplog-6", "oplog-7"};

static void submit_cur(void)
{
	struct oplog_job *k = o.cur;
	if (!k || !k->n)
		return;
	o.cur = NULL;
	if (dbq_submit(&k->job, routes[o.route++ % 8], 1)) {
		o.dropped += k->n;
		job_free(&k->job);
	}
}

/* Room for a record of extra arena bytes; NULL: drop it. */
static struct oplog_job *room(size_t extra)
{
	if (o.held >= o.cap || o.held_bytes + extra > OPLOG_BYTES_MAX)
		return NULL;
	if (o.cur &&
	    (o.cur->n == o.cur->cap || o.cur->used + extra > 4u * 1024 * 1024))
		submit_cur();
	if (!o.cur && !(o.cur = job_new()))
		return NULL;
	struct oplog_job *k = o.cur;
	if (k->used + extra > k->size) {
		size_t size = k->size;
		while (k->used + extra > size)
			size *= 2;
		char *a = realloc(k->arena, size);
		if (!a)
			return NULL;
		k->arena = a;
		k->size = size;
	}
	return k;
}

static uint32_t put(struct oplog_job *k, const char *s, size_t n)
{
	uint32_t off = (uint32_t)k->used;
	memcpy(k->arena + k->used, s, n);
	k->arena[k->used + n] = '\0';
	k->used += n + 1;
	return off;
}

static void dropped_one(void)
{
	o.dropped++;
	int64_t now = time_now_ms();
	if (now - o.drop_logged_ms >= 10000) {
		o.drop_logged_ms = now;
		log_warn("ocppd: message log full: records dropped (%llu so "
		         "far)",
		         o.dropped);
	}
}

static void record(enum kind kind, const char *cp_id, const char *action,
                   const char *text, size_t len, const char *code)
{
	char *masked = NULL;
	size_t full = len, mlen = 0;
	int was_masked = 0;
	if (len > OPLOG_COPY_MAX) {
		/* Cut on the worker would leave JSON the mask cannot read:
		 * mask here, the whole frame, then cut. */
		if (ocpp_secret_mask_text(text, len, &masked, &mlen)) {
			if (!masked) {
				dropped_one();
				return;
			}
			text = masked;
			len = mlen;
		}
		was_masked = 1;
		if (len > OPLOG_COPY_MAX)
			len = OPLOG_COPY_MAX;
	}
	size_t cl = strlen(cp_id), al = action ? strlen(action) : 0;
	struct oplog_job *k = room(cl + al + len + 3);
	if (!k) {
		free(masked);
		dropped_one();
		return;
	}
	struct rec *r = &k->recs[k->n++];
	size_t before = k->used;
	r->ts = time_now_ms();
	r->id = o.next_id++;
	r->kind = (uint8_t)kind;
	r->cp_off = put(k, cp_id, cl);
	r->has_act = action != NULL;
	r->act_off = action ? put(k, action, al) : 0;
	r->text_off = put(k, text, len);
	r->text_len = (uint32_t)len;
	r->full_len = (uint32_t)(full > UINT32_MAX ? UINT32_MAX : full);
	r->masked = (uint8_t)was_masked;
	r->is_event = kind >= K_CONNECT;
	snprintf(r->code, sizeof r->code, "%s", code ? code : "");
	k->held += k->used - before;
	o.held_bytes += k->used - before;
	o.held++;
	o.recorded++;
	free(masked);
	if (k->n == k->cap)
		submit_cur();
}

/* The global level now: auto follows the node's number of links. */
static int global_level(void)
{
	if (!o.auto_level)
		return o.level;
	return o.links <= (unsigned)o.cfg->ocpp_log_auto_cps ? OPLOG_ALL
	                                                     : OPLOG_ERRORS;
}

static int level_of(const char *cp_id)
{
	if (o.over.len) {
		void *v = strmap_get(&o.over, cp_id);
		if (v)
			return (int)(intptr_t)v - 1;
	}
	return global_level();
}

void oplog_links(unsigned n)
{
	o.links = n;
}

void oplog_received(const char *cp_id, int is_error, const char *action,
                    const char *text, size_t len)
{
	int lv = level_of(cp_id);
	if (lv == OPLOG_ALL || (lv == OPLOG_ERRORS && is_error))
		record(K_IN, cp_id, action, text, len, NULL);
}

void oplog_sent(const char *cp_id, const char *action, const char *text,
                size_t len)
{
	int lv = level_of(cp_id);
	int is_error = len > 1 && text[0] == '[' && text[1] == '4';
	if (lv == OPLOG_ALL || (lv == OPLOG_ERRORS && is_error))
		record(K_OUT, cp_id, action, text, len, NULL);
}

/* An event's details as a small JSON object (not the hot path). */
static void event(enum kind kind, const char *cp_id, const char *code,
                  const char *k1, const char *v1, const char *k2,
                  const char *v2)
{
	if (!cp_id || !cp_id[0] || level_of(cp_id) == OPLOG_OFF)
		return;
	cJSON *j = cJSON_CreateObject();
	if (j && v1)
		cJSON_AddStringToObject(j, k1, v1);
	if (j && v2)
		cJSON_AddStringToObject(j, k2, v2);
	char *text = j ? cJSON_PrintUnformatted(j) : NULL;
	cJSON_Delete(j);
	if (!text) {
		dropped_one();
		return;
	}
	record(kind, cp_id, NULL, text, strlen(text), code);
	free(text);
}

void oplog_connected(const char *cp_id, const char *peer)
{
	event(K_CONNECT, cp_id, NULL, "peer", peer, NULL, NULL);
}

void oplog_disconnected(const char *cp_id, const char *why)
{
	event(K_DISCONNECT, cp_id, NULL, "reason", why, NULL, NULL);
}

void oplog_refused(const char *cp_id, unsigned status, const char *why,
                   const char *peer)
{
	char code[8];
	snprintf(code, sizeof code, "%u", status > 999 ? 999 : status);
	event(K_REFUSED, cp_id, code, "reason", why, "peer", peer);
}

/* ---- the worker -------------------------------------------------------- */

/* A quick no: the text (NUL-terminated in the arena) cannot name a
 * secret key.  The mask's own scan compares at every byte; this one is
 * glibc's strcasestr.  A NUL inside the frame: ask the mask. */
static int may_name_secret(const char *text, size_t len)
{
	return strlen(text) != len || ocpp_secret_may_mention(text);
}

/* Reads, masks and cuts every record once (a retried batch reuses it). */
static int prepare(struct oplog_job *k)
{
	size_t size = 0, used = 0;
	k->rows = calloc(k->n, sizeof *k->rows);
	if (!k->rows)
		return -1;
	size_t *off = malloc(k->n * sizeof *off);
	if (!off)
		return -1;
	for (unsigned i = 0; i < k->n; i++) {
		const struct rec *r = &k->recs[i];
		struct row *w = &k->rows[i];
		const char *text = k->arena + r->text_off;
		size_t len = r->text_len;
		char *masked = NULL;
		size_t mlen = 0;
		if (!r->is_event) {
			oplog_envelope(text, len, &w->env);
			if (!r->masked && may_name_secret(text, len) &&
			    ocpp_secret_mask_text(text, len, &masked, &mlen)) {
				if (!masked) {
					free(off);
					return -1;
				}
				text = masked;
				len = mlen;
			}
		}
		size_t need = (len > OPLOG_TEXT_MAX ? OPLOG_TEXT_MAX : len) + 1;
		if (used + need > size) {
			size_t ns = size ? size : 16384;
			while (used + need > ns)
				ns *= 2;
			char *t = realloc(k->texts, ns);
			if (!t) {
				free(masked);
				free(off);
				return -1;
			}
			k->texts = t;
			size = ns;
		}
		off[i] = used;
		used += oplog_clean_text(text, len, k->texts + used,
		                         OPLOG_TEXT_MAX) +
		        1;
		free(masked);
		w->action = r->has_act         ? k->arena + r->act_off
		            : w->env.type == 2 ? w->env.action
		                               : NULL;
		w->code = r->code[0]         ? r->code
		          : w->env.type == 4 ? w->env.code
		                             : NULL;
	}
	for (unsigned i = 0; i < k->n; i++)
		k->rows[i].text = k->texts + off[i];
	free(off);
	return 0;
}

static void bind_row(struct db_value *v, const struct oplog_job *k, unsigned i,
                     const char *node)
{
	const struct rec *r = &k->recs[i];
	const struct row *w = &k->rows[i];
	v[0] = (struct db_value){.type = 's', .u.s = k->arena + r->cp_off};
	v[1] = (struct db_value){.type = 't', .u.t = r->ts};
	v[2] = (struct db_value){.type = 'l', .u.l = (long long)r->id};
	v[3] = (struct db_value){.type = 't', .u.t = r->ts};
	v[4] = (struct db_value){.type = 's', .u.s = node};
	v[5] = (struct db_value){.type = 's', .u.s = kind_names[r->kind]};
	v[6] =
	    (struct db_value){.type = 's', .u.s = oplog_type_name(w->env.type)};
	v[7] = (struct db_value){.type = 's',
	                         .u.s = w->env.id[0] ? w->env.id : NULL};
	v[8] = (struct db_value){
	    .type = 's', .u.s = w->action && w->action[0] ? w->action : NULL};
	v[9] = (struct db_value){.type = 's',
	                         .u.s = w->code && w->code[0] ? w->code : NULL};
	v[10] = (struct db_value){.type = 's', .u.s = w->text};
	v[11] = (struct db_value){.type = 'l', .u.l = (long long)r->full_len};
}

static enum hres job_run(struct job *j, struct batch *b)
{
	struct oplog_job *k = (struct oplog_job *)j;
	if (!k->rows && prepare(k)) {
		/* Out of memory: these rows are lost, not the batch's. */
		free(k->rows);
		k->rows = NULL;
		k->failed = k->n;
		return H_BAD_VALUE;
	}
	static __thread struct db_value v[OPLOG_BATCH_MAX * INS_COLS];
	k->failed = 0;
	unsigned i = 0;
	for (size_t c = 0; c < NCHUNKS; c++) {
		unsigned n = chunk_rows[c];
		while (k->n - i >= n) {
			for (unsigned r = 0; r < n; r++)
				bind_row(v + r * INS_COLS, k, i + r,
				         b->cfg->node_id);
			if (db_exec_values(b->db, ins_sql[c], v,
			                   (size_t)n * INS_COLS) < 0) {
				/* A lost link or a deadlock: the batch runs
				 * again.  Anything else (no table yet, a
				 * partition missing) loses these rows only:
				 * the statement alone was rolled back. */
				if (db_conn_lost(b->db) ||
				    db_errno_transient(b->db->last_errno))
					return H_DB_ERROR;
				if (!k->failed)
					log_warn("ocppd: message log: %s",
					         db_error(b->db));
				k->failed += n;
			}
			i += n;
		}
	}
	return H_OK;
}

static void job_done(struct job *j, enum hres r)
{
	struct oplog_job *k = (struct oplog_job *)j;
	if (r == H_OK || r == H_BAD_VALUE) {
		o.written += k->n - k->failed;
		o.failed += k->failed;
	} else {
		o.failed += k->n;
	}
}

static void job_fail(struct job *j)
{
	o.failed += ((struct oplog_job *)j)->n;
}

/* ---- per charge point levels -------------------------------------------- */

struct over_job {
	struct job job;
	struct strmap map; /* filled by the worker */
	int oom;
};

static enum hres over_run(struct job *j, struct batch *b)
{
	struct over_job *k = (struct over_job *)j;
	strmap_free(&k->map);
	strmap_init(&k->map);
	struct db_rows rows;
	if (db_query(b->db, &rows,
	             "SELECT id, log_level FROM charge_points "
	             "WHERE log_level IS NOT NULL",
	             ""))
		return H_DB_ERROR;
	int rc;
	while ((rc = db_next(&rows)) == 1) {
		int lv = oplog_level_parse(db_str(&rows, 1));
		const char *id = db_str(&rows, 0);
		if (lv >= 0 && id &&
		    strmap_put(&k->map, id, (void *)(intptr_t)(lv + 1)))
			k->oom = 1;
	}
	db_rows_end(&rows);
	return rc < 0 ? H_DB_ERROR : H_OK;
}

static void over_done(struct job *j, enum hres r)
{
	struct over_job *k = (struct over_job *)j;
	o.reloading = 0;
	if (r != H_OK || k->oom)
		return;
	strmap_free(&o.over);
	o.over = k->map;
	strmap_init(&k->map);
}

static void over_fail(struct job *j)
{
	(void)j;
	o.reloading = 0;
}

static void over_free(struct job *j)
{
	struct over_job *k = (struct over_job *)j;
	strmap_free(&k->map);
	free(k);
}

static const struct job_ops over_ops = {
    .run = over_run, .done = over_done, .fail = over_fail, .free = over_free};

static void reload_overrides(void)
{
	struct over_job *k = calloc(1, sizeof *k);
	if (!k)
		return;
	k->job.ops = &over_ops;
	k->job.who = "";
	k->job.what = "message log levels";
	strmap_init(&k->map);
	if (dbq_submit(&k->job, NULL, 1)) {
		over_free(&k->job);
		return;
	}
	o.reloading = 1;
}

struct set_job {
	struct job job;
	uint64_t client;
	int level; /* -1: NULL, the default */
	int found;
	char cp_id[CONTROL_CP_ID_MAX + 1];
};

static enum hres set_run(struct job *j, struct batch *b)
{
	struct set_job *k = (struct set_job *)j;
	long long n = db_exec(
	    b->db, "UPDATE charge_points SET log_level = ? WHERE id = ?", "ss",
	    k->level < 0 ? NULL : oplog_level_name(k->level), k->cp_id);
	if (n < 0)
		return H_DB_ERROR;
	k->found = n > 0;
	return H_OK;
}

static void set_done(struct job *j, enum hres r)
{
	struct set_job *k = (struct set_job *)j;
	if (r != H_OK) {
		control_fail(k->client, "db_error", NULL,
		             "the level was not saved");
		return;
	}
	if (!k->found) {
		control_fail(k->client, "not_found", NULL, "no charge point %s",
		             k->cp_id);
		return;
	}
	if (k->level < 0)
		strmap_del(&o.over, k->cp_id);
	else
		strmap_put(&o.over, k->cp_id, (void *)(intptr_t)(k->level + 1));
	log_info("ocppd: %s | message log level %s", k->cp_id,
	         k->level < 0 ? "default" : oplog_level_name(k->level));
	cJSON *res = cJSON_CreateObject();
	if (res) {
		cJSON_AddStringToObject(res, "cp_id", k->cp_id);
		if (k->level < 0)
			cJSON_AddNullToObject(res, "level");
		else
			cJSON_AddStringToObject(res, "level",
			                        oplog_level_name(k->level));
		cJSON_AddStringToObject(res, "effective",
		                        oplog_level_name(level_of(k->cp_id)));
	}
	control_ok(k->client, res);
}

static void set_fail(struct job *j)
{
	control_fail(((struct set_job *)j)->client, "db_unavailable", NULL,
	             "database unavailable");
}

static void set_free(struct job *j)
{
	free(j);
}

static const struct job_ops set_ops = {
    .run = set_run, .done = set_done, .fail = set_fail, .free = set_free};

void oplog_set_request(const struct control_req *r)
{
	if (!r->cp_id[0]) {
		control_fail(r->client, "invalid_params", NULL,
		             "cp_id: required");
		return;
	}
	const cJSON *lv = cJSON_GetObjectItemCaseSensitive(r->params, "level");
	int level = -1;
	if (!cJSON_IsNull(lv) &&
	    (!cJSON_IsString(lv) ||
	     (level = oplog_level_parse(lv->valuestring)) < 0)) {
		control_fail(r->client, "invalid_params", NULL,
		             "level: required, \"all\", \"errors\", \"off\" "
		             "or null (the default, ocpp_log)");
		return;
	}
	struct set_job *k = calloc(1, sizeof *k);
	if (!k) {
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	k->job.ops = &set_ops;
	k->job.what = "message log level";
	k->client = r->client;
	k->level = level;
	snprintf(k->cp_id, sizeof k->cp_id, "%s", r->cp_id);
	k->job.who = k->cp_id;
	if (dbq_submit(&k->job, k->cp_id, 0)) {
		free(k);
		control_fail(r->client, "busy", NULL, "database queue full");
	}
}

int oplog_status_add(cJSON *obj)
{
	cJSON *s = cJSON_CreateObject();
	if (!s ||
	    json_add_str(s, "level",
	                 o.auto_level ? "auto" : oplog_level_name(o.level)) ||
	    json_add_str(s, "effective", oplog_level_name(global_level())) ||
	    json_add_int(s, "overrides", (long long)o.over.len) ||
	    json_add_int(s, "queued", o.held) ||
	    json_add_int(s, "queue_max", o.cap) ||
	    json_add_int(s, "recorded", (long long)o.recorded) ||
	    json_add_int(s, "dropped", (long long)o.dropped) ||
	    json_add_int(s, "written", (long long)o.written) ||
	    json_add_int(s, "failed", (long long)o.failed) ||
	    !cJSON_AddItemToObject(obj, "ocpp_log", s)) {
		cJSON_Delete(s);
		return -1;
	}
	return 0;
}

/* ---- life --------------------------------------------------------------- */

int oplog_init(const struct csms_config *cfg, char *err, size_t errlen)
{
	memset(&o, 0, sizeof o);
	o.cfg = cfg;
	o.auto_level = !strcmp(cfg->ocpp_log, "auto");
	o.level = oplog_level_parse(cfg->ocpp_log);
	if (o.level < 0)
		o.level = OPLOG_ALL;
	o.cap = (unsigned)cfg->ocpp_log_queue;
	o.batch_rows = o.cap / 4;
	if (o.batch_rows > OPLOG_BATCH_MAX)
		o.batch_rows = OPLOG_BATCH_MAX;
	if (o.batch_rows < 1)
		o.batch_rows = 1;
	strmap_init(&o.over);
	/* Row ids: a random prefix of 12 bits for this start-up, then a
	 * counter — unique with the charge point and the millisecond
	 * (the key), in order within one run, and below 2^53, so a
	 * JavaScript client reads them exactly. */
	uint16_t prefix = 0;
	if (getrandom(&prefix, sizeof prefix, 0) != sizeof prefix)
		prefix = (uint16_t)time_now_ms();
	o.next_id = ((uint64_t)(prefix % 4095) + 1) << 40;
	for (size_t c = 0; c < NCHUNKS; c++)
		if (!(ins_sql[c] = ins_text(chunk_rows[c]))) {
			oplog_cleanup();
			snprintf(err, errlen, "message log: out of memory");
			return -1;
		}
	return 0;
}

void oplog_tick(int64_t now_ms)
{
	submit_cur();
	if (now_ms >= o.next_reload_ms && !o.reloading) {
		o.next_reload_ms = now_ms + OVERRIDES_RELOAD_MS;
		reload_overrides();
	}
}

void oplog_flush(void)
{
	submit_cur();
}

void oplog_cleanup(void)
{
	if (o.cur) {
		job_free(&o.cur->job);
		o.cur = NULL;
	}
	strmap_free(&o.over);
	for (size_t c = 0; c < NCHUNKS; c++) {
		free(ins_sql[c]);
		ins_sql[c] = NULL;
	}
}
