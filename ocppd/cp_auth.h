/*
 * cp_auth.h — charge point credentials (OCPP 1.6 security profiles 1-3):
 * the in-memory map of registered charge points with their security
 * profile and password hash, HTTP Basic parsing, salted password hashing
 * and the verification the handshake runs.
 *
 * Passwords are stored as crypt(3) SHA-512 hashes ("$6$", 16 random salt
 * characters).  A full crypt costs milliseconds of CPU on the event loop,
 * so a successful verification is remembered per charge point as an
 * HMAC-SHA1 of the password under a per-process random key, tied to the
 * hash it was checked against: a reconnect storm of correct passwords
 * costs one HMAC each, and a password change (a new hash) invalidates the
 * entry by itself.  The clear password is never kept.
 */
#ifndef OCPPD_CP_AUTH_H
#define OCPPD_CP_AUTH_H

#include <stddef.h>

#include "config.h"
#include "db.h"
#include "handshake.h"
#include "strmap.h"

#define CP_PASSWORD_MIN 8
#define CP_PASSWORD_MAX 64  /* bytes; AuthorizationKey is up to 40 hex */
#define CP_HASH_MAX     127 /* "$6$" + salt + 86 characters fits */

/* A registered charge point's security settings: the value of the known
 * map (cp_id -> struct cp_sec *).  hash is "" when no password is set. */
struct cp_sec {
	int profile; /* 0..3 */
	/* A raised profile the charge point accepted but has not connected
	 * with yet (sql/031): both are let in until it does; 0 none. */
	int pending;
	int retired; /* charge_points.retired: refused at the handshake */
	char hash[];
};

struct cp_sec *cp_sec_new(int profile, const char *hash);
/* Frees the map's values and keys, and the map itself (may be NULL). */
void cp_secmap_free(struct strmap *m);

/*
 * Decodes an "Authorization: Basic ..." header value into user and
 * password (NUL-terminated).  -1 when it is not Basic, not base64, has
 * no ':' or a part does not fit.
 */
int cp_auth_parse_basic(const char *header, char *user, size_t userlen,
                        char *pass, size_t passlen);

/* A new salted hash of password in out (at least CP_HASH_MAX + 1 bytes).
 * Thread-safe (the database workers hash). */
int cp_auth_hash(const char *password, char *out, size_t outlen, char *err,
                 size_t errlen);

/* 1 when password matches hash (cached per cp_id as described above),
 * 0 when not.  Event loop thread only. */
int cp_auth_verify(const char *cp_id, const char *hash, const char *password);

/*
 * The registered charge points: the map the handshake reads (ownership of
 * known passes; NULL: none yet).  It is refreshed from the database every
 * few seconds (cp_auth_refresh, a job on a database worker: the rows
 * changed since the last one, and now and then all of them; cp_auth.c)
 * and changed at once by the credential ops (cp_auth_known_set).
 */
void cp_auth_start(const struct csms_config *cfg, struct strmap *known);
size_t cp_auth_known_count(void);
/* Replaces (or adds) a charge point's entry (ownership of sec passes on
 * success); 0 ok, -1 out of memory. */
int cp_auth_known_set(const char *cp_id, struct cp_sec *sec);
/* Makes profile cp_id's profile when it is the pending one (the charge
 * point connected with it: profile_pending.h). */
void cp_auth_profile_final(const char *cp_id, int profile);
/* Marks a registered charge point retired (or not) at once, before the
 * next reload reads it (sites_op.c); no-op for an unknown one. */
void cp_auth_set_retired(const char *cp_id, int retired);
/* 1 when the map has cp_id retired. */
int cp_auth_is_retired(const char *cp_id);
/* Queues a reload of the map (best effort). */
void cp_auth_refresh(void);
/* Fills set (initialised, empty) with every registered charge point:
 * id -> struct cp_sec *.  0 ok, -1 on a database error (set then holds
 * part of them: free it with cp_secmap_free). */
int cp_sec_load(struct db *db, struct strmap *set);
/* The same for the charge points whose credentials (or existence) changed
 * at or after since_ms, by the database's clock (sql/009). */
int cp_sec_load_changed(struct db *db, int64_t since_ms, struct strmap *set);

/* ws_ops.admit: may this client be this charge point?  0 yes; -1 with
 * the refusal in v (404 unknown, 401 credentials, 403 TLS/certificate,
 * 429 throttled).  Event loop thread only. */
int cp_auth_admit(const struct handshake_hello *h, struct handshake_verdict *v);

/* Frees the map and the verification cache (at shutdown). */
void cp_auth_cleanup(void);

#endif
