/*
 * conn_attempts.c — the ring of refused and unknown connection attempts;
 * see conn_attempts.h.
 *
 * A linear scan of CONN_ATTEMPTS_MAX entries on a refusal costs less
 * than the refusal's own log line; the loop is never held for longer.
 */
#include "conn_attempts.h"

#include <stdio.h>
#include <string.h>

#include "control.h"
#include "jsonutil.h"
#include "timeutil.h"

struct attempt {
	char identity[65]; /* cut; what the path said, not trusted */
	char address[96];
	char reason[96];
	unsigned code;
	long long count;
	int64_t first_ms, last_ms; /* 0: a free slot */
};

static struct attempt ring[CONN_ATTEMPTS_MAX];

/* Control characters out: the text came from the network. */
static void copy_clean(char *dst, size_t size, const char *src)
{
	size_t i = 0;
	for (; src && src[i] && i + 1 < size; i++)
		dst[i] = (unsigned char)src[i] < 0x20 || src[i] == 0x7f
		             ? '?'
		             : src[i];
	dst[i] = '\0';
}

void conn_attempts_note(const char *identity, const char *address,
                        unsigned code, const char *reason, int64_t now_ms)
{
	char id[sizeof ring[0].identity], addr[sizeof ring[0].address],
	    why[sizeof ring[0].reason];
	copy_clean(id, sizeof id, identity);
	copy_clean(addr, sizeof addr, address);
	copy_clean(why, sizeof why, reason);
	struct attempt *oldest = &ring[0];
	for (int i = 0; i < CONN_ATTEMPTS_MAX; i++) {
		struct attempt *a = &ring[i];
		if (a->last_ms && a->code == code && !strcmp(a->identity, id) &&
		    !strcmp(a->address, addr) && !strcmp(a->reason, why)) {
			a->count++;
			a->last_ms = now_ms;
			return;
		}
		if (a->last_ms < oldest->last_ms)
			oldest = a;
	}
	memset(oldest, 0, sizeof *oldest);
	memcpy(oldest->identity, id, sizeof id);
	memcpy(oldest->address, addr, sizeof addr);
	memcpy(oldest->reason, why, sizeof why);
	oldest->code = code;
	oldest->count = 1;
	oldest->first_ms = oldest->last_ms = now_ms ? now_ms : 1;
}

cJSON *conn_attempts_json(void)
{
	const struct attempt *v[CONN_ATTEMPTS_MAX];
	int n = 0;
	for (int i = 0; i < CONN_ATTEMPTS_MAX; i++)
		if (ring[i].last_ms) {
			/* Insertion into the sorted prefix, newest first. */
			int j = n++;
			for (; j > 0 && v[j - 1]->last_ms < ring[i].last_ms;
			     j--)
				v[j] = v[j - 1];
			v[j] = &ring[i];
		}
	cJSON *o = cJSON_CreateObject();
	cJSON *items = o ? cJSON_AddArrayToObject(o, "items") : NULL;
	for (int i = 0; items && i < n; i++) {
		char first[32], last[32];
		time_format_iso8601(v[i]->first_ms, first);
		time_format_iso8601(v[i]->last_ms, last);
		cJSON *e = cJSON_CreateObject();
		if (!e || !cJSON_AddItemToArray(items, e) ||
		    !(v[i]->identity[0]
		          ? cJSON_AddStringToObject(e, "identity",
		                                    v[i]->identity)
		          : cJSON_AddNullToObject(e, "identity")) ||
		    json_add_str(e, "address", v[i]->address) ||
		    json_add_int(e, "code", v[i]->code) ||
		    json_add_str(e, "reason", v[i]->reason) ||
		    json_add_int(e, "count", v[i]->count) ||
		    json_add_str(e, "first_at", first) ||
		    json_add_str(e, "last_at", last))
			items = NULL;
	}
	if (!items || json_add_int(o, "capacity", CONN_ATTEMPTS_MAX)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

void conn_attempts_reset(void)
{
	memset(ring, 0, sizeof ring);
}

void conn_attempts_request(const struct control_req *r)
{
	if (r->params && r->params->child) {
		control_fail(r->client, "invalid_params", NULL,
		             "connection_attempts takes no params");
		return;
	}
	cJSON *o = conn_attempts_json();
	if (o)
		control_ok(r->client, o);
	else
		control_fail(r->client, "internal", NULL, "out of memory");
}
