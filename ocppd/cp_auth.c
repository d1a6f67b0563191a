/*
 * cp_auth.c — charge point passwords; see cp_auth.h.
 */
#include "cp_auth.h"
#include "conn_attempts.h"

#include <crypt.h>
#include <errno.h>
#include <stdarg.h>
#include <libwebsockets.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "auth_throttle.h"
#include "batch.h"
#include "log.h"

#define SHA1_LEN  20
#define HMAC_BLK  64
#define SALT_RAND 16

struct cp_sec *cp_sec_new(int profile, const char *hash)
{
	size_t n = hash ? strlen(hash) : 0;
	struct cp_sec *s = malloc(sizeof *s + n + 1);
	if (!s)
		return NULL;
	s->profile = profile;
	s->pending = 0;
	s->retired = 0;
	memcpy(s->hash, hash ? hash : "", n + 1);
	return s;
}

void cp_secmap_free(struct strmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			free(m->slots[i].val);
	strmap_free(m);
	free(m);
}

int cp_auth_parse_basic(const char *header, char *user, size_t userlen,
                        char *pass, size_t passlen)
{
	if (!header || strncasecmp(header, "Basic ", 6))
		return -1;
	const char *b64 = header + 6;
	while (*b64 == ' ')
		b64++;
	char buf[512];
	size_t in = strlen(b64);
	if (!in || in > (sizeof buf - 1) / 3 * 4)
		return -1;
	int n = lws_b64_decode_string(b64, buf, (int)sizeof buf - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (memchr(buf, '\0', (size_t)n))
		return -1; /* a NUL would let "a\0b" pass as "a" */
	char *colon = strchr(buf, ':');
	if (!colon)
		return -1;
	size_t ul = (size_t)(colon - buf), pl = (size_t)n - ul - 1;
	if (ul >= userlen || pl >= passlen) {
		explicit_bzero(buf, sizeof buf);
		return -1;
	}
	memcpy(user, buf, ul);
	user[ul] = '\0';
	memcpy(pass, colon + 1, pl);
	pass[pl] = '\0';
	explicit_bzero(buf, sizeof buf);
	return 0;
}

int cp_auth_hash(const char *password, char *out, size_t outlen, char *err,
                 size_t errlen)
{
	unsigned char rnd[SALT_RAND];
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
		snprintf(err, errlen, "no random bytes: %s", strerror(errno));
		return -1;
	}
	/* count 0: libcrypt's default rounds for SHA-512 (5000). */
	if (!crypt_gensalt_rn("$6$", 0, (const char *)rnd, sizeof rnd, salt,
	                      sizeof salt)) {
		snprintf(err, errlen, "crypt_gensalt: %s", strerror(errno));
		return -1;
	}
	struct crypt_data *cd = calloc(1, sizeof *cd);
	if (!cd) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	const char *h = crypt_r(password, salt, cd);
	int rc = -1;
	if (!h || h[0] == '*')
		snprintf(err, errlen, "crypt failed");
	else if (strlen(h) >= outlen || strlen(h) > CP_HASH_MAX)
		snprintf(err, errlen, "hash too long");
	else {
		strcpy(out, h);
		rc = 0;
	}
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return rc;
}

/* ---- the verification cache (event loop thread) --------------------- */

struct cached {
	unsigned char mac[SHA1_LEN];
	char hash[]; /* the hash the password was verified against */
};

static struct {
	struct strmap map; /* cp_id -> struct cached * */
	unsigned char key[HMAC_BLK];
	int keyed;
	struct crypt_data cd;
} cache;

/* HMAC-SHA1 (RFC 2104) over lws's SHA-1: enough to recognise a password
 * seen before without keeping it. */
static void hmac(const char *msg, unsigned char out[SHA1_LEN])
{
	unsigned char buf[HMAC_BLK + CP_PASSWORD_MAX + SHA1_LEN];
	size_t n = strlen(msg);
	if (n > CP_PASSWORD_MAX)
		n = CP_PASSWORD_MAX; /* longer ones never verify anyway */
	for (int i = 0; i < HMAC_BLK; i++)
		buf[i] = cache.key[i] ^ 0x36;
	memcpy(buf + HMAC_BLK, msg, n);
	unsigned char inner[SHA1_LEN];
	lws_SHA1(buf, HMAC_BLK + n, inner);
	for (int i = 0; i < HMAC_BLK; i++)
		buf[i] = cache.key[i] ^ 0x5c;
	memcpy(buf + HMAC_BLK, inner, SHA1_LEN);
	lws_SHA1(buf, HMAC_BLK + SHA1_LEN, out);
	explicit_bzero(buf, sizeof buf);
}

static int ct_equal(const unsigned char *a, const unsigned char *b, size_t n)
{
	unsigned char d = 0;
	for (size_t i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

int cp_auth_verify(const char *cp_id, const char *hash, const char *password)
{
	if (!hash || !*hash || strlen(password) > CP_PASSWORD_MAX)
		return 0;
	if (!cache.keyed) {
		if (getrandom(cache.key, sizeof cache.key, 0) !=
		    (ssize_t)sizeof cache.key)
			return 0;
		cache.keyed = 1;
	}
	unsigned char mac[SHA1_LEN];
	hmac(password, mac);
	struct cached *c = strmap_get(&cache.map, cp_id);
	if (c && !strcmp(c->hash, hash))
		/* Same hash as last time: the password must be the same.  A
		 * different one still gets the full check below. */
		if (ct_equal(c->mac, mac, SHA1_LEN))
			return 1;
	const char *h = crypt_r(password, hash, &cache.cd);
	int ok = h && h[0] != '*' && strlen(h) == strlen(hash) &&
	         ct_equal((const unsigned char *)h, (const unsigned char *)hash,
	                  strlen(hash));
	if (!ok)
		return 0;
	size_t hl = strlen(hash);
	struct cached *n = malloc(sizeof *n + hl + 1);
	if (!n)
		return 1; /* verified; just not cached */
	memcpy(n->mac, mac, SHA1_LEN);
	memcpy(n->hash, hash, hl + 1);
	if (strmap_put(&cache.map, cp_id, n)) {
		free(n);
		return 1;
	}
	free(c);
	return 1;
}

/* ---- the registered charge points --------------------------------- */

static struct {
	const struct csms_config *cfg;
	struct strmap *known; /* cp_id -> struct cp_sec * */
} reg;

/* The rows of (id, security_profile, auth_hash, retired,
 * security_profile_pending) into set; ends rows. */
static int read_secs(struct db_rows *rows, struct strmap *set)
{
	int rc, fail = 0;
	while ((rc = db_next(rows)) > 0) {
		struct cp_sec *s =
		    cp_sec_new((int)db_int(rows, 1), db_str(rows, 2));
		if (s) {
			s->retired = db_int(rows, 3) == 1;
			s->pending = (int)db_int(rows, 4);
		}
		if (!s || strmap_put(set, db_str(rows, 0), s)) {
			free(s);
			fail = 1;
			break;
		}
	}
	db_rows_end(rows);
	return rc < 0 || fail ? -1 : 0;
}

int cp_sec_load(struct db *db, struct strmap *set)
{
	struct db_rows rows;
	if (db_query(db, &rows,
	             "SELECT id, security_profile, auth_hash, retired, "
	             "COALESCE(security_profile_pending, 0) FROM "
	             "charge_points",
	             ""))
		return -1;
	return read_secs(&rows, set);
}

void cp_auth_start(const struct csms_config *cfg, struct strmap *known)
{
	reg.cfg = cfg;
	cp_secmap_free(reg.known);
	reg.known = known;
}

void cp_auth_profile_final(const char *cp_id, int profile)
{
	struct cp_sec *s = reg.known ? strmap_get(reg.known, cp_id) : NULL;
	if (s && s->pending == profile) {
		s->profile = profile;
		s->pending = 0;
	}
}

void cp_auth_set_retired(const char *cp_id, int retired)
{
	struct cp_sec *s = reg.known ? strmap_get(reg.known, cp_id) : NULL;
	if (s)
		s->retired = retired;
}

int cp_auth_is_retired(const char *cp_id)
{
	const struct cp_sec *s =
	    reg.known ? strmap_get(reg.known, cp_id) : NULL;
	return s && s->retired;
}

size_t cp_auth_known_count(void)
{
	return reg.known ? reg.known->len : 0;
}

int cp_auth_known_set(const char *cp_id, struct cp_sec *sec)
{
	if (!reg.known) {
		reg.known = calloc(1, sizeof *reg.known);
		if (!reg.known)
			return -1;
		strmap_init(reg.known);
	}
	struct cp_sec *old = strmap_get(reg.known, cp_id);
	if (strmap_put(reg.known, cp_id, sec))
		return -1;
	free(old);
	return 0;
}

/*
 * The reload: a job on worker 0, where credential changes run too, so a
 * reload never overtakes a change and brings back the old hash.
 *
 * With 100,000 charge points a full read every 10 s is a full scan every
 * 10 s, so most reloads read only what changed (sql/009_multiwriter.sql):
 *  - rows whose sec_changed_at (set by triggers on INSERT and on an UPDATE
 *    of security_profile, auth_hash or id, whoever writes: ocppd or an
 *    admin's SQL) is at or after the last reload's start, by the
 *    database's clock;
 *  - tombstones in cp_sec_gone (a DELETE trigger) from the same time:
 *    those ids leave the map, before the changed rows are applied, so a
 *    charge point deleted and registered again stays.
 * The window reaches RELOAD_OVERLAP_MS further back than the last start:
 * a stamp is taken when the writer's statement runs, not when it commits,
 * and after a Galera failover the new writer's clock may differ a little.
 * Re-reading a row twice is harmless.  What the window can still miss (a
 * transaction held open longer than that, a renamed charge point's old
 * id) is caught by a full read every RELOAD_FULL_EVERY reloads (10 min),
 * which also prunes tombstones older than a day.  The first reload after
 * start is a full one.
 */
#define RELOAD_OVERLAP_MS 60000
#define RELOAD_FULL_EVERY 60

static struct {
	int64_t since_ms; /* the last reload's start; DB_NULL_TIME: none */
	int rounds;       /* incremental reloads since the last full one */
	int inflight;     /* a reload job is queued or running */
} rl = {DB_NULL_TIME, 0, 0};

struct gone {
	struct gone *next;
	char id[];
};

struct reload_job {
	struct job job;
	int full;
	int64_t since_ms, now_ms;
	struct strmap *set; /* NULL: the read failed, keep the old map */
	struct gone *gone;  /* incremental: ids deleted meanwhile */
};

static void gone_free(struct gone *g)
{
	while (g) {
		struct gone *n = g->next;
		free(g);
		g = n;
	}
}

/* The database's clock: the stamps are the writer's UTC_TIMESTAMP(3). */
static int db_now(struct db *db, int64_t *now_ms)
{
	struct db_rows rows;
	if (db_query(db, &rows, "SELECT UTC_TIMESTAMP(3)", ""))
		return -1;
	int rc = db_next(&rows);
	if (rc > 0)
		*now_ms = db_time_ms(&rows, 0);
	db_rows_end(&rows);
	return rc > 0 && *now_ms != DB_NULL_TIME ? 0 : -1;
}

int cp_sec_load_changed(struct db *db, int64_t since_ms, struct strmap *set)
{
	struct db_rows rows;
	if (db_query(db, &rows,
	             "SELECT id, security_profile, auth_hash, retired, "
	             "COALESCE(security_profile_pending, 0) FROM "
	             "charge_points WHERE sec_changed_at >= ?",
	             "t", since_ms))
		return -1;
	return read_secs(&rows, set);
}

static int load_gone(struct db *db, int64_t since_ms, struct gone **out)
{
	struct db_rows rows;
	if (db_query(db, &rows,
	             "SELECT cp_id FROM cp_sec_gone WHERE gone_at >= ?", "t",
	             since_ms))
		return -1;
	int rc, fail = 0;
	while ((rc = db_next(&rows)) > 0) {
		const char *id = db_str(&rows, 0);
		size_t n = strlen(id ? id : "");
		struct gone *g = malloc(sizeof *g + n + 1);
		if (!g) {
			fail = 1;
			break;
		}
		memcpy(g->id, id ? id : "", n + 1);
		g->next = *out;
		*out = g;
	}
	db_rows_end(&rows);
	return rc < 0 || fail ? -1 : 0;
}

static enum hres reload_run(struct job *j, struct batch *b)
{
	struct reload_job *r = (struct reload_job *)j;
	/* A retried batch starts over. */
	cp_secmap_free(r->set);
	r->set = NULL;
	gone_free(r->gone);
	r->gone = NULL;
	r->set = calloc(1, sizeof *r->set);
	if (!r->set)
		return H_OK;
	strmap_init(r->set);
	int bad = db_now(b->db, &r->now_ms);
	if (!bad && r->full) {
		bad = cp_sec_load(b->db, r->set);
		/* Every node prunes; deleting what another just deleted is
		 * nothing.  A write shares the batch's transaction: if it
		 * fails the batch must be retried, not committed. */
		if (!bad && db_exec(b->db,
		                    "DELETE FROM cp_sec_gone WHERE gone_at < "
		                    "UTC_TIMESTAMP(3) - INTERVAL 1 DAY",
		                    "") < 0) {
			cp_secmap_free(r->set);
			r->set = NULL;
			return H_DB_ERROR;
		}
	} else if (!bad) {
		int64_t from = r->since_ms - RELOAD_OVERLAP_MS;
		bad = load_gone(b->db, from, &r->gone) ||
		      cp_sec_load_changed(b->db, from, r->set);
	}
	if (bad) {
		cp_secmap_free(r->set);
		r->set = NULL;
	}
	/* Best effort: a failed read does not fail the batch. */
	return H_OK;
}

/* Applies an incremental reload's ids gone and rows changed. */
static void apply_delta(struct reload_job *r)
{
	for (struct gone *g = r->gone; g; g = g->next)
		if (reg.known)
			free(strmap_del(reg.known, g->id));
	for (size_t i = 0; i < r->set->cap; i++) {
		struct strmap_slot *sl = &r->set->slots[i];
		if (!sl->key)
			continue;
		if (cp_auth_known_set(sl->key, sl->val))
			free(sl->val);
		sl->val = NULL;
	}
}

static void reload_done(struct job *j, enum hres res)
{
	struct reload_job *r = (struct reload_job *)j;
	rl.inflight = 0;
	if (res != H_OK || !r->set)
		return; /* the next reload reads from the same point again */
	if (r->full) {
		cp_secmap_free(reg.known);
		reg.known = r->set;
		r->set = NULL;
		rl.rounds = 0;
		log_debug("ocppd: credentials reload: all, %zu charge points",
		          reg.known->len);
	} else {
		size_t gone = 0;
		for (struct gone *g = r->gone; g; g = g->next)
			gone++;
		log_debug("ocppd: credentials reload: %zu changed, %zu gone",
		          r->set->len, gone);
		apply_delta(r);
		rl.rounds++;
	}
	rl.since_ms = r->now_ms;
}

static void reload_fail(struct job *j)
{
	(void)j;
	rl.inflight = 0;
}

static void reload_free(struct job *j)
{
	struct reload_job *r = (struct reload_job *)j;
	cp_secmap_free(r->set);
	gone_free(r->gone);
	free(r);
}

static const struct job_ops reload_ops = {.run = reload_run,
                                          .done = reload_done,
                                          .fail = reload_fail,
                                          .free = reload_free};

void cp_auth_refresh(void)
{
	/* One at a time: with the database down they would pile up. */
	if (rl.inflight)
		return;
	struct reload_job *r = calloc(1, sizeof *r);
	if (!r)
		return;
	r->job.ops = &reload_ops;
	r->job.who = "";
	r->full =
	    rl.since_ms == DB_NULL_TIME || rl.rounds + 1 >= RELOAD_FULL_EVERY;
	r->since_ms = rl.since_ms;
	r->job.what =
	    r->full ? "charge point reload" : "charge point reload (changes)";
	if (dbq_submit(&r->job, NULL, 1))
		reload_free(&r->job);
	else
		rl.inflight = 1;
}

/* ---- the handshake's verdict ---------------------------------------- */

__attribute__((format(printf, 4, 5))) static int
refuse(struct handshake_verdict *v, unsigned status, const char *why,
       const char *fmt, ...)
{
	v->status = status;
	v->why = why;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->detail, sizeof v->detail, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Can this connection meet the pending profile?  TLS for 2 and 3, a
 * verified certificate for 3, credentials sent for 1 and 2.  If not, it
 * is judged by the old profile: the whitepaper's fallback.
 */
static int meets_pending(const struct handshake_hello *h, int pending)
{
	if (pending >= 2 && !h->tls)
		return 0;
	if (pending == 3)
		return h->cert_cn != NULL;
	return h->auth_sent;
}

/*
 * The security profile checks (docs/security.md).  Unknown charge points
 * are refused unless allow_unknown_cps.  Profile 1 and 2: HTTP Basic,
 * user = identity, password against the stored hash; 2 and 3 only over
 * TLS; 3: a client certificate (verified against tls_ca by OpenSSL, or
 * by a trusted TLS proxy: handshake_forwarded_tls) instead of a
 * password.  The certificate is the profile's, not the port's: with
 * tls_ca set a profile 1/2 charge point without one still logs in with
 * its password.  Any verified certificate's CN must equal the identity,
 * whatever the profile.  A pending profile (profile_pending.h) is tried
 * first, then the charge point's profile.
 */
static int judge(const struct handshake_hello *h, const struct cp_sec *sec,
                 int profile, struct handshake_verdict *v);

int cp_auth_admit(const struct handshake_hello *h, struct handshake_verdict *v)
{
	const char *id = h->cp_id;
	const struct cp_sec *sec = reg.known ? strmap_get(reg.known, id) : NULL;
	memset(v, 0, sizeof *v);
	if (!reg.cfg->allow_unknown_cps && !sec)
		return refuse(v, 404, "unknown charge point", "%s", id);
	/* Let in, but worth an installer's look (conn_attempts.h). */
	if (!sec)
		conn_attempts_note(id, h->client, 0,
		                   "unknown charge point, let in "
		                   "(allow_unknown_cps)",
		                   h->now_ms);
	/* Retired (docs/sites.md): its history stays, its link does not. */
	if (sec && sec->retired)
		return refuse(v, 403, "charge point retired", "%s", id);
	int profile = sec ? sec->profile : 0;
	if (profile < reg.cfg->security_profile_min)
		profile = reg.cfg->security_profile_min;
	int pending = sec && sec->pending > profile ? sec->pending : 0;
	int used = pending && meets_pending(h, pending) ? pending : profile;
	if (judge(h, sec, used, v))
		return -1;
	/* The caller makes it final or records the fallback
	 * (profile_pending.h). */
	v->profile = used;
	v->pending = pending;
	return 0;
}

/* The checks of one profile; 0 let in, -1 refused (in v). */
static int judge(const struct handshake_hello *h, const struct cp_sec *sec,
                 int profile, struct handshake_verdict *v)
{
	const char *id = h->cp_id;
	/* Any verified certificate must be the charge point's own, whatever
	 * its profile: ours (tls_ca) or one a trusted proxy verified. */
	if (h->cert_cn && strcmp(h->cert_cn, id))
		return refuse(v, 403,
		              "client certificate is not the charge point's",
		              "%s presented CN \"%.200s\"%s", id, h->cert_cn,
		              h->proxied ? " (via the TLS proxy)" : "");
	if (profile >= 2 && !h->tls)
		return refuse(v, 403, "TLS required (security profile 2/3)",
		              "%s", id);
	if (profile == 3) {
		if (!h->cert_cn)
			return refuse(v, 403,
			              h->proxied || h->client_certs
			                  ? "client certificate required"
			                  : "client certificate required (set "
			                    "tls_ca for security profile 3)",
			              "%s", id);
		return 0;
	}
	if (profile == 0)
		return 0;

	/* Counted per (client, identity): see auth_throttle.h. */
	int wait = throttle_wait_s(h->client, id, h->now_ms);
	if (wait) {
		v->retry_s = wait;
		return refuse(v, 429, "too many failed logins", "%s", id);
	}
	char user[CP_ID_BYTES + 1], pass[CP_PASSWORD_MAX + 2];
	const char *why = NULL;
	if (!h->auth_sent)
		why = "no credentials";
	else if (!h->auth || cp_auth_parse_basic(h->auth, user, sizeof user,
	                                         pass, sizeof pass))
		why = "malformed Basic credentials";
	else if (strcmp(user, id))
		why = "Basic user is not the charge point identity";
	else if (!sec || !sec->hash[0])
		why = "no password set for this charge point";
	else if (!cp_auth_verify(id, sec->hash, pass))
		why = "wrong password";
	explicit_bzero(pass, sizeof pass);
	if (!why) {
		throttle_ok(h->client, id);
		return 0;
	}
	/* A missing header is a client's first try, not a guess. */
	int block = h->auth_sent ? throttle_fail(h->client, id, h->now_ms,
	                                         reg.cfg->auth_fail_limit,
	                                         reg.cfg->auth_block_max)
	                         : 0;
	v->challenge = 1;
	return refuse(v, 401, why, "%s%s", id,
	              block ? " (blocked from this address)" : "");
}

void cp_auth_cleanup(void)
{
	cp_secmap_free(reg.known);
	reg.known = NULL;
	for (size_t i = 0; i < cache.map.cap; i++)
		if (cache.map.slots[i].key)
			free(cache.map.slots[i].val);
	strmap_free(&cache.map);
	explicit_bzero(&cache.cd, sizeof cache.cd);
}
