/*
 * nodetag.h — what makes one ocppd node's writes distinct from another's
 * on a shared database (docs/scale-out.md), derived from node_id alone so
 * a cluster needs no extra numbering: the tx_daily shard of each database
 * worker, and the tag in the uniqueIds of the calls a node sends.
 */
#ifndef CSMS_NODETAG_H
#define CSMS_NODETAG_H

#include <stddef.h>
#include <stdint.h>

#define NODETAG_MAX     8  /* characters of a uniqueId tag */
#define NODETAG_WORKERS 64 /* db_workers' upper bound */

/*
 * The value of @csms_shard for worker `worker` (0..63) of node `node_id`
 * ("" for a single node): 8 + (24 bits of FNV-1a of node_id << 6 | worker).
 * Distinct for the workers of one node; across nodes unless two node ids
 * hash alike in 24 bits (1 in 16 million per pair: a shared row, not a
 * wrong sum).  Never 0..7, the CONNECTION_ID() % 8 of other writers.
 */
uint32_t nodetag_shard(const char *node_id, int worker);

/*
 * The node's tag in uniqueIds: "" for a single node, node_id itself when
 * it has at most NODETAG_MAX characters out of [A-Za-z0-9._-], else "~"
 * and 7 hex digits of its hash (a literal tag never has a '~', so the
 * two forms never meet).
 */
void nodetag_uid_tag(const char *node_id, char out[NODETAG_MAX + 1]);

/*
 * A uniqueId: "cs-<epoch hex>-<seq>" without a tag (what single nodes
 * always sent), "cs-<tag>-<epoch hex>-<seq>" with one; epoch_ms is the
 * node's start time, so ids differ across restarts, seq counts calls.
 * With a tag and a start time before 2527 an id has at most 24 + the
 * digits of seq characters: 36 (OCPP-J's limit) for 10^12 calls per run.
 * -1 when it would not fit outlen (nothing sensible to send then).
 */
int nodetag_uid(char *out, size_t outlen, const char *tag, int64_t epoch_ms,
                uint64_t seq);

#endif
