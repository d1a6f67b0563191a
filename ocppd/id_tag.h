/*
 * id_tag.h — the idTagInfo the central system answers for an id tag
 * (Authorize, StartTransaction, StopTransaction), from the users table.
 *
 * IdToken is case-insensitive (the users.id_tag collation is _ci).  The
 * status is Invalid for an unknown tag, Blocked, Expired (also when
 * expiry_date has passed), ConcurrentTx when the tag's own limit
 * (users.max_concurrent_tx) or, without one, max_concurrent_tx_per_tag is
 * set and reached, else Accepted.
 */
#ifndef OCPPD_ID_TAG_H
#define OCPPD_ID_TAG_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "handlers.h"

/* How long a charger may cache an Accepted tag that has no expiry date of
 * its own: a deliberate expiryDate makes caches refresh. */
#define ID_TAG_CACHE_MS (24LL * 3600 * 1000)

struct id_tag_info {
	char status[16];    /* Accepted, Blocked, Expired, Invalid,
	                       ConcurrentTx */
	int64_t expiry_ms;  /* DB_NULL_TIME: none */
	char parent[21];    /* "" when none */
	char canonical[21]; /* the tag as stored ("" when unknown) */
	int max_tx;         /* users.max_concurrent_tx; -1: the global one */
};

/*
 * Looks the tag up.  check_concurrent: count the tag's open transactions
 * (Authorize, StartTransaction).  exclude_tx: a transaction not to count.
 * 0 ok, -1 database error.
 */
int id_tag_lookup(struct hctx *c, const char *tag, int check_concurrent,
                  long long exclude_tx, struct id_tag_info *out);

/*
 * The idTagInfo of a users row read elsewhere (joined into another query):
 * canonical NULL means no such user.  Does not check concurrency.
 */
void id_tag_info_from(struct hctx *c, const char *canonical, const char *status,
                      int64_t expiry_ms, const char *parent,
                      struct id_tag_info *out);

/* An Accepted info becomes ConcurrentTx when its limit (info->max_tx, or
 * max_concurrent_tx_per_tag when that is -1) is set and the tag has that
 * many open transactions besides exclude_tx.
 * 0 ok, -1 database error. */
int id_tag_check_concurrent(struct hctx *c, const char *tag,
                            long long exclude_tx, struct id_tag_info *info);

/* Adds "idTagInfo": {status, expiryDate?, parentIdTag?} to obj. */
int id_tag_info_json(const struct id_tag_info *info, cJSON *obj);

/* Same parent group (or the same tag, case-insensitively)?  -1 on error. */
int id_tag_same_group(struct hctx *c, const char *a, const char *b);

#endif
