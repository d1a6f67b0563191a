/*
 * test_nodetag.c — lib/nodetag.c: the tx_daily shard of a node's worker
 * and the node's tag in command uniqueIds.
 */
#include "check.h"

#include <string.h>

#include "nodetag.h"
#include "../../ocppd/rpc.h"

static void test_shards(void)
{
	/* Shards: never the 0..7 of CONNECTION_ID() % 8, distinct per
	 * worker, distinct across nodes, stable. */
	CHECK(nodetag_shard("", 0) >= 8);
	CHECK(nodetag_shard("ocppd-1", 0) != nodetag_shard("ocppd-1", 1));
	CHECK(nodetag_shard("ocppd-1", 0) != nodetag_shard("ocppd-2", 0));
	CHECK(nodetag_shard("ocppd-1", 5) == nodetag_shard("ocppd-1", 5));
	CHECK(nodetag_shard("ocppd-1", 63) - nodetag_shard("ocppd-1", 0) == 63);
	/* 8 + (24 bits << 6 | 6 bits) fits INT UNSIGNED with room. */
	CHECK(nodetag_shard("zzzzzzzzzzzzzzzz", 63) < (1u << 31));
	unsigned seen[3 * 64];
	int n = 0, dup = 0;
	const char *nodes[] = {"ocppd-1", "ocppd-2", "ocppd-3"};
	for (int i = 0; i < 3; i++)
		for (int w = 0; w < 64; w++) {
			unsigned s = nodetag_shard(nodes[i], w);
			for (int k = 0; k < n; k++)
				dup |= seen[k] == s;
			seen[n++] = s;
		}
	CHECK(!dup);
}

static void test_uid_tags(void)
{
	char t[NODETAG_MAX + 1];
	nodetag_uid_tag("", t);
	CHECK_STR(t, "");
	nodetag_uid_tag("ocppd-1", t);
	CHECK_STR(t, "ocppd-1");
	nodetag_uid_tag("n.2_x-y8", t);
	CHECK_STR(t, "n.2_x-y8");
	nodetag_uid_tag("ocppd-10a", t); /* 9 characters: hashed */
	CHECK(t[0] == '~' && strlen(t) == 8);
	char t2[NODETAG_MAX + 1];
	nodetag_uid_tag("ocppd-10b", t2);
	CHECK(strcmp(t, t2));
	nodetag_uid_tag("a b", t); /* a space: hashed */
	CHECK(t[0] == '~');
}

static void test_uids(void)
{
	/* The single-node form is what it always was. */
	char uid[RPC_ID_MAX + 1];
	CHECK(nodetag_uid(uid, sizeof uid, "", 0x18f0a1b2c3dLL, 7) == 0);
	CHECK_STR(uid, "cs-18f0a1b2c3d-7");
	CHECK(nodetag_uid(uid, sizeof uid, "ocppd-1", 0x18f0a1b2c3dLL, 42) ==
	      0);
	CHECK_STR(uid, "cs-ocppd-1-18f0a1b2c3d-42");
	/* The longest tag, a start time in 2500, 10^12 - 1 calls: 36. */
	CHECK(nodetag_uid(uid, sizeof uid, "~1234567", 16725225600000LL,
	                  999999999999ULL) == 0);
	CHECK_INT(strlen(uid), 36);
	/* One more digit does not fit: refused, never cut. */
	CHECK(nodetag_uid(uid, sizeof uid, "~1234567", 16725225600000LL,
	                  1000000000000ULL) == -1);
}

int main(void)
{
	RUN(test_shards);
	RUN(test_uid_tags);
	RUN(test_uids);
	CHECK_EXIT();
}
