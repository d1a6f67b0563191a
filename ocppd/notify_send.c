/*
 * notify_send.c — see notify_send.h.
 */
#include "notify_send.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "db.h"
#include "log.h"
#include "notify_sign.h"
#include "timeutil.h"

#ifndef CSMS_VERSION
#define CSMS_VERSION "0.1.0"
#endif

#define FANOUT_MAX 200 /* events per fan-out transaction */
#define CLAIM_MAX  8   /* deliveries per claim */
#define IDLE_MS    1000
#define CLEAN_MS   (3600 * 1000)

static struct {
	const struct csms_config *cfg;
	pthread_t th;
	int running;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	unsigned long long claims;
	char me[96]; /* node/host and pid: who claims */
} S = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static int stopping(void)
{
	pthread_mutex_lock(&S.mu);
	int s = S.stop;
	pthread_mutex_unlock(&S.mu);
	return s;
}

/* Sleeps ms, or until asked to stop. */
static void nap(int ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&S.mu);
	while (!S.stop &&
	       pthread_cond_timedwait(&S.cv, &S.mu, &ts) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&S.mu);
}

/* ---- fan-out ------------------------------------------------------------ */

/* New events become deliveries, for the subscriptions that are enabled
 * and existed when the event happened (a new subscription gets no
 * backlog); how many events, -1 on error.  The read takes no lock: a
 * locking read of the fanned_out = 0 range also locked the gap where the
 * next event goes, so every StartTransaction and StopTransaction batch
 * writing an event waited for this transaction — for the length of a
 * database failover when its connection hung.  The delivery key
 * (webhook, event) makes a second fan-out of one event (another node, or
 * this one again) a no-op, and the UPDATE by primary key locks only the
 * event's own row. */
static int fan_out(struct db *db)
{
	long long ids[FANOUT_MAX];
	int n = 0, rc;
	struct db_rows r;
	if (db_begin(db))
		return -1;
	if (db_query(db, &r,
	             "SELECT id FROM webhook_events WHERE fanned_out = 0 "
	             "ORDER BY id LIMIT ?",
	             "i", FANOUT_MAX))
		goto fail;
	while (n < FANOUT_MAX && (rc = db_next(&r)) > 0)
		ids[n++] = db_int(&r, 0);
	db_rows_end(&r);
	if (n == 0) {
		db_rollback(db);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		if (db_exec(
		        db,
		        "INSERT IGNORE INTO webhook_deliveries (webhook_id, "
		        "event_id, status, next_attempt_at, created_at) "
		        "SELECT w.id, e.id, 'pending', UTC_TIMESTAMP(3), "
		        "UTC_TIMESTAMP(3) FROM webhook_events e "
		        "JOIN webhooks w ON w.enabled = 1 "
		        "AND w.created_at <= e.created_at "
		        "AND (w.events = '*' OR FIND_IN_SET(e.type, w.events)) "
		        "WHERE e.id = ?",
		        "l", ids[i]) < 0 ||
		    db_exec(
		        db,
		        "UPDATE webhook_events SET fanned_out = 1 WHERE id = ?",
		        "l", ids[i]) < 0)
			goto fail;
	}
	if (db_commit(db))
		goto fail;
	return n;
fail:
	log_warn("ocppd: webhooks: fan-out: %s", db_error(db));
	db_rollback(db);
	return -1;
}

/* ---- claim and send ----------------------------------------------------- */

struct delivery {
	long long id, event_id;
	int attempts, enabled;
	char *url, *secret, *body;
	char type[41];
};

static void delivery_free(struct delivery *d)
{
	free(d->url);
	free(d->secret);
	free(d->body);
}

/* The body the receiver gets: the event's envelope around its data. */
static char *event_body(long long id, const char *type, const char *cp_id,
                        int64_t created_ms, const char *data)
{
	char ts[32], idtext[24];
	time_format_iso8601(created_ms, ts);
	snprintf(idtext, sizeof idtext, "%lld", id);
	cJSON *o = cJSON_CreateObject();
	cJSON *d = data ? cJSON_Parse(data) : NULL;
	if (!o || !cJSON_AddStringToObject(o, "id", idtext) ||
	    !cJSON_AddStringToObject(o, "type", type) ||
	    !cJSON_AddStringToObject(o, "created_at", ts) ||
	    !cJSON_AddStringToObject(o, "cp_id", cp_id)) {
		cJSON_Delete(o);
		cJSON_Delete(d);
		return NULL;
	}
	cJSON_AddItemToObject(o, "data", d ? d : cJSON_CreateObject());
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

/* Claims due rows for a lease and reads them; how many, -1 on error. */
static int claim(struct db *db, struct delivery *out, char *token,
                 size_t toklen)
{
	snprintf(token, toklen, "%s/%llu", S.me, ++S.claims);
	/* Long enough for every row of the claim to be tried in turn; each
	 * row's own lease is renewed just before its attempt (renew). */
	int lease = S.cfg->webhook_timeout * CLAIM_MAX + 30;
	long long n = db_exec(
	    db,
	    "UPDATE webhook_deliveries SET claimed_by = ?, "
	    "claimed_until = UTC_TIMESTAMP(3) + INTERVAL ? SECOND "
	    "WHERE status = 'pending' AND next_attempt_at <= UTC_TIMESTAMP(3) "
	    "AND (claimed_until IS NULL OR claimed_until < UTC_TIMESTAMP(3)) "
	    "ORDER BY next_attempt_at, id LIMIT ?",
	    "sii", token, lease, CLAIM_MAX);
	if (n <= 0)
		return n < 0 ? -1 : 0;
	struct db_rows r;
	if (db_query(db, &r,
	             "SELECT d.id, d.attempts, e.id, e.type, e.cp_id, e.data, "
	             "e.created_at, w.url, w.secret, w.enabled "
	             "FROM webhook_deliveries d "
	             "JOIN webhook_events e ON e.id = d.event_id "
	             "JOIN webhooks w ON w.id = d.webhook_id "
	             "WHERE d.claimed_by = ? AND d.status = 'pending' "
	             "ORDER BY d.next_attempt_at, d.id",
	             "s", token))
		return -1;
	int k = 0, rc;
	while (k < CLAIM_MAX && (rc = db_next(&r)) > 0) {
		struct delivery *d = &out[k];
		memset(d, 0, sizeof *d);
		d->id = db_int(&r, 0);
		d->attempts = (int)db_int(&r, 1);
		d->event_id = db_int(&r, 2);
		snprintf(d->type, sizeof d->type, "%s",
		         db_str(&r, 3) ? db_str(&r, 3) : "");
		d->body = event_body(d->event_id, d->type,
		                     db_str(&r, 4) ? db_str(&r, 4) : "",
		                     db_time_ms(&r, 6), db_str(&r, 5));
		d->url = dup_or_empty(db_str(&r, 7));
		d->secret = dup_or_empty(db_str(&r, 8));
		d->enabled = db_int(&r, 9) == 1;
		if (!d->body || !d->url || !d->secret) {
			delivery_free(d);
			continue; /* stays claimed: retried after the lease */
		}
		k++;
	}
	db_rows_end(&r);
	return k;
}

struct attempt {
	long http_status; /* 0: no answer */
	char error[256];
	int refused; /* the address was not allowed */
};

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/* Refuses, before connecting, an address webhooks may not reach: the
 * check is on the address resolved, so a name that resolves to a private
 * address (or is rebound to one) is refused too. */
static curl_socket_t open_socket(void *arg, curlsocktype purpose,
                                 struct curl_sockaddr *a)
{
	struct attempt *at = arg;
	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKET_BAD;
	if (!S.cfg->webhook_allow_private && notify_addr_private(&a->addr)) {
		at->refused = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

static void post(const struct delivery *d, struct attempt *at)
{
	memset(at, 0, sizeof *at);
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(at->error, sizeof at->error, "out of memory");
		return;
	}
	long long now_s = time_now_ms() / 1000;
	char sig[NOTIFY_SIG_LEN], h[5][160];
	size_t blen = strlen(d->body);
	if (notify_sign(d->secret, now_s, d->body, blen, sig)) {
		snprintf(at->error, sizeof at->error, "signing failed");
		curl_easy_cleanup(c);
		return;
	}
	snprintf(h[0], sizeof h[0], "X-CSMS-Event: %s", d->type);
	snprintf(h[1], sizeof h[1], "X-CSMS-Event-Id: %lld", d->event_id);
	snprintf(h[2], sizeof h[2], "X-CSMS-Delivery: %lld", d->id);
	snprintf(h[3], sizeof h[3], "X-CSMS-Timestamp: %lld", now_s);
	snprintf(h[4], sizeof h[4], "X-CSMS-Signature: %s", sig);
	struct curl_slist *hl =
	    curl_slist_append(NULL, "Content-Type: application/json");
	for (int i = 0; hl && i < 5; i++) {
		struct curl_slist *n = curl_slist_append(hl, h[i]);
		if (!n) {
			curl_slist_free_all(hl);
			hl = NULL;
		} else
			hl = n;
	}
	/* An Expect: 100-continue round trip buys nothing for small bodies. */
	struct curl_slist *n2 = hl ? curl_slist_append(hl, "Expect:") : NULL;
	if (!n2) {
		curl_slist_free_all(hl);
		curl_easy_cleanup(c);
		snprintf(at->error, sizeof at->error, "out of memory");
		return;
	}
	hl = n2;
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, d->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROXY, ""); /* never an env proxy */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)S.cfg->webhook_timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
	                 (long)S.cfg->webhook_timeout);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, d->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)blen);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "csms-c/" CSMS_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, at);
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &at->http_status);
	else if (at->refused)
		snprintf(at->error, sizeof at->error,
		         "address not allowed (webhook_allow_private = no)");
	else
		snprintf(at->error, sizeof at->error, "%s",
		         errbuf[0] ? errbuf : curl_easy_strerror(rc));
	if (rc == CURLE_OK && (at->http_status < 200 || at->http_status > 299))
		snprintf(at->error, sizeof at->error, "HTTP %ld",
		         at->http_status);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
}

/* Writes an attempt's outcome, only while the claim is still ours. */
static void record(struct db *db, const struct delivery *d,
                   const struct attempt *at, const char *token)
{
	long long n;
	int ok = at->http_status >= 200 && at->http_status <= 299;
	int tries = d->attempts + 1;
	if (ok)
		n = db_exec(
		    db,
		    "UPDATE webhook_deliveries SET status = 'delivered', "
		    "attempts = ?, last_attempt_at = UTC_TIMESTAMP(3), "
		    "delivered_at = UTC_TIMESTAMP(3), "
		    "last_http_status = ?, last_error = NULL, "
		    "claimed_by = NULL, claimed_until = NULL "
		    "WHERE id = ? AND claimed_by = ?",
		    "iils", tries, (int)at->http_status, d->id, token);
	else {
		int give_up = tries >= S.cfg->webhook_max_attempts;
		long long wait = notify_backoff_spread(
		    notify_backoff_s(tries, S.cfg->webhook_backoff_base,
		                     S.cfg->webhook_backoff_max),
		    d->id, tries);
		n = db_exec(
		    db,
		    "UPDATE webhook_deliveries SET "
		    "status = IF(?, 'failed', 'pending'), attempts = ?, "
		    "last_attempt_at = UTC_TIMESTAMP(3), "
		    "next_attempt_at = UTC_TIMESTAMP(3) + "
		    "INTERVAL ? SECOND, last_http_status = NULLIF(?, 0), "
		    "last_error = LEFT(?, 255), claimed_by = NULL, "
		    "claimed_until = NULL WHERE id = ? AND claimed_by = ?",
		    "iiiisls", give_up, tries, (int)wait, (int)at->http_status,
		    at->error, d->id, token);
		log_warn("ocppd: webhooks | delivery %lld (event %lld %s) "
		         "attempt %d: %s%s",
		         d->id, d->event_id, d->type, tries, at->error,
		         give_up ? "; given up" : "");
	}
	if (n < 0)
		log_warn("ocppd: webhooks: recording delivery %lld: %s", d->id,
		         db_error(db));
}

/* The row's lease from now for one attempt; 0 when the claim is no longer
 * ours (it ran out and another sender took the row). */
static int renew(struct db *db, const struct delivery *d, const char *token)
{
	long long n = db_exec(db,
	                      "UPDATE webhook_deliveries SET claimed_until = "
	                      "UTC_TIMESTAMP(3) + INTERVAL ? SECOND "
	                      "WHERE id = ? AND claimed_by = ? "
	                      "AND status = 'pending'",
	                      "ils", S.cfg->webhook_timeout + 15, d->id, token);
	return n > 0;
}

/*
 * At start: the claims this node's previous run left (killed between its
 * claim and the outcome) are released, so their rows go out now rather
 * than when the lease ends.  A node is its node_id, or the host for a
 * single node; only one ocppd runs as a node at a time.
 */
static void release_own(struct db *db)
{
	char prefix[100];
	snprintf(prefix, sizeof prefix, "%s", S.me);
	char *slash = strrchr(prefix, '/');
	if (slash)
		slash[1] = '\0';
	long long n =
	    db_exec(db,
	            "UPDATE webhook_deliveries SET claimed_by = NULL, "
	            "claimed_until = NULL WHERE status = 'pending' "
	            "AND LEFT(claimed_by, CHAR_LENGTH(?)) = ? "
	            "AND LEFT(claimed_by, CHAR_LENGTH(?) + 1) <> "
	            "CONCAT(?, '/')",
	            "ssss", prefix, prefix, S.me, S.me);
	if (n > 0)
		log_info("ocppd: webhooks | %lld deliver%s claimed by an "
		         "earlier run released",
		         n, n == 1 ? "y" : "ies");
}

/* A disabled subscription's deliveries wait, untried, until it is
 * enabled again. */
static void hold(struct db *db, const struct delivery *d, const char *token)
{
	if (db_exec(db,
	            "UPDATE webhook_deliveries SET next_attempt_at = "
	            "UTC_TIMESTAMP(3) + INTERVAL 30 SECOND, claimed_by = NULL, "
	            "claimed_until = NULL WHERE id = ? AND claimed_by = ?",
	            "ls", d->id, token) < 0)
		log_warn("ocppd: webhooks: %s", db_error(db));
}

/* Finished deliveries and their events after webhook_retention_days. */
static void clean(struct db *db)
{
	int days = S.cfg->webhook_retention_days;
	if (db_exec(db,
	            "DELETE FROM webhook_deliveries WHERE status <> 'pending' "
	            "AND COALESCE(delivered_at, last_attempt_at, created_at) < "
	            "UTC_TIMESTAMP(3) - INTERVAL ? DAY LIMIT 5000",
	            "i", days) < 0 ||
	    db_exec(db,
	            "DELETE FROM webhook_events WHERE fanned_out = 1 "
	            "AND created_at < UTC_TIMESTAMP(3) - INTERVAL ? DAY "
	            "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d "
	            "WHERE d.event_id = webhook_events.id) LIMIT 5000",
	            "i", days) < 0)
		log_warn("ocppd: webhooks: clean-up: %s", db_error(db));
}

static void *sender(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "webhooks");
	struct db db;
	memset(&db, 0, sizeof db);
	int connected = 0;
	int64_t next_clean = 0;
	while (!stopping()) {
		if (!connected) {
			if (db_connect(&db, S.cfg, 0)) {
				nap(2000);
				continue;
			}
			connected = 1;
			release_own(&db);
		} else if (db_ensure(&db)) {
			nap(2000);
			continue;
		}
		int work = fan_out(&db) > 0;
		struct delivery ds[CLAIM_MAX];
		char token[128];
		int n = claim(&db, ds, token, sizeof token);
		for (int i = 0; i < n; i++) {
			if (!ds[i].enabled)
				hold(&db, &ds[i], token);
			else if (!stopping() && renew(&db, &ds[i], token)) {
				struct attempt at;
				post(&ds[i], &at);
				record(&db, &ds[i], &at, token);
			}
			/* Not tried (stopping): claimed until the lease ends,
			 * then another sender, or this one restarted, sends
			 * it. */
			delivery_free(&ds[i]);
		}
		if (n < 0)
			log_warn("ocppd: webhooks: claim: %s", db_error(&db));
		work |= n > 0;
		int64_t now = time_now_ms();
		if (now >= next_clean) {
			next_clean = now + CLEAN_MS;
			clean(&db);
		}
		if (!work)
			nap(IDLE_MS);
	}
	if (connected)
		db_close(&db);
	return NULL;
}

int notify_send_start(const struct csms_config *cfg, char *err, size_t errlen)
{
	if (!cfg->webhook_sender)
		return 0;
	S.cfg = cfg;
	S.stop = 0;
	char host[64] = "";
	gethostname(host, sizeof host - 1);
	snprintf(S.me, sizeof S.me, "%.40s/%d",
	         cfg->node_id[0] ? cfg->node_id : host, (int)getpid());
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		snprintf(err, errlen, "webhooks: libcurl did not initialise");
		return -1;
	}
	if (pthread_create(&S.th, NULL, sender, NULL)) {
		curl_global_cleanup();
		snprintf(err, errlen, "webhooks: no sender thread");
		return -1;
	}
	S.running = 1;
	return 0;
}

void notify_send_stop(void)
{
	if (!S.running)
		return;
	pthread_mutex_lock(&S.mu);
	S.stop = 1;
	pthread_cond_broadcast(&S.cv);
	pthread_mutex_unlock(&S.mu);
	pthread_join(S.th, NULL);
	S.running = 0;
	curl_global_cleanup();
}
