/*
 * nodetag.c — node-distinct shards and uniqueId tags; see nodetag.h.
 */
#include "nodetag.h"

#include <stdio.h>
#include <string.h>

#include "hash.h"

uint32_t nodetag_shard(const char *node_id, int worker)
{
	uint32_t h = fnv1a32_str(FNV1A32_INIT, node_id ? node_id : "");
	uint32_t w = (uint32_t)worker & (NODETAG_WORKERS - 1);
	return 8u + ((h & 0xffffffu) << 6 | w);
}

static int tag_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

void nodetag_uid_tag(const char *node_id, char out[NODETAG_MAX + 1])
{
	size_t n = node_id ? strlen(node_id) : 0;
	int literal = n <= NODETAG_MAX;
	for (size_t i = 0; literal && i < n; i++)
		literal = tag_char(node_id[i]);
	if (literal) {
		memcpy(out, node_id ? node_id : "", n + 1);
		return;
	}
	snprintf(out, NODETAG_MAX + 1, "~%07x",
	         (unsigned)(fnv1a32_str(FNV1A32_INIT, node_id) & 0xfffffffu));
}

int nodetag_uid(char *out, size_t outlen, const char *tag, int64_t epoch_ms,
                uint64_t seq)
{
	int n = tag && *tag ? snprintf(out, outlen, "cs-%s-%llx-%llu", tag,
	                               (unsigned long long)epoch_ms,
	                               (unsigned long long)seq)
	                    : snprintf(out, outlen, "cs-%llx-%llu",
	                               (unsigned long long)epoch_ms,
	                               (unsigned long long)seq);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}
