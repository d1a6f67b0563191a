/*
 * json_strict.c — see json_strict.h.
 *
 * Strings appear in the raw text in the same order as a depth-first walk
 * of the tree meets them (each member's name, then its value), so the raw
 * scan only has to count strings: the walk then finds the n-th one and
 * names its path.  Nothing is allocated on the common path; duplicate
 * names are found by comparing each name with its later siblings, which
 * a sort replaces for objects with many members (a 64 KB frame can hold
 * ten thousand names).
 */
#include "json_strict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMALL_OBJECT 16 /* members compared pairwise up to this many */

struct seg {
	const struct seg *up;
	const char *key; /* member name, or NULL: array index */
	int idx;
};

static const char *const what[] = {
    [JSON_STRICT_OK] = "",
    [JSON_STRICT_SYNTAX] = "not valid JSON",
    [JSON_STRICT_TRAILING] = "data after the JSON text",
    [JSON_STRICT_NUL] = "a string contains U+0000 (NUL)",
    [JSON_STRICT_NUL_KEY] = "a member name contains U+0000 (NUL)",
    [JSON_STRICT_DUP_KEY] = "a member name appears twice in one object",
};

const char *json_strict_what(enum json_strict kind)
{
	if ((unsigned)kind >= sizeof what / sizeof what[0])
		return "invalid";
	return what[kind];
}

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A name into out, control characters as '?', cut to fit. */
static void put_clean(char *out, size_t cap, size_t *n, const char *s)
{
	for (; *s && *n + 1 < cap; s++)
		out[(*n)++] = (unsigned char)*s < 0x20 || *s == 0x7F ? '?' : *s;
	out[*n] = '\0';
}

/*
 * Fills e->top and e->path for the node whose segment is s: when the
 * value is an array, its element holding the node is e->top and the path
 * starts below it; otherwise the path starts at the value.
 */
static void render(const struct seg *s, struct json_strict_err *e)
{
	const struct seg *chain[64];
	int depth = 0;
	/* The root's own segment (up == NULL) is not part of a path.
	 * Past 64 levels the innermost are dropped: the outer ones say
	 * where, and the message has no room for more anyway. */
	for (const struct seg *p = s; p && p->up; p = p->up) {
		if (depth == (int)(sizeof chain / sizeof chain[0])) {
			memmove(chain, chain + 1, sizeof chain - sizeof *chain);
			depth--;
		}
		chain[depth++] = p;
	}
	e->top = -1;
	if (depth && !chain[depth - 1]->key)
		e->top = chain[--depth]->idx;
	size_t n = 0;
	e->path[0] = '\0';
	for (int i = depth - 1; i >= 0; i--) {
		char tmp[24];
		if (chain[i]->key) {
			if (n)
				put_clean(e->path, sizeof e->path, &n, ".");
			put_clean(e->path, sizeof e->path, &n, chain[i]->key);
		} else {
			snprintf(tmp, sizeof tmp, "[%d]", chain[i]->idx);
			put_clean(e->path, sizeof e->path, &n, tmp);
		}
	}
}

/*
 * Finds the string numbered *left (counting down) in document order;
 * 1 when found (e filled).  up: the segment of node itself.
 */
static int find_string(const cJSON *node, const struct seg *up, long *left,
                       struct json_strict_err *e)
{
	if (cJSON_IsString(node)) {
		if ((*left)-- == 0) {
			e->kind = JSON_STRICT_NUL;
			render(up, e);
			return 1;
		}
		return 0;
	}
	if (!cJSON_IsArray(node) && !cJSON_IsObject(node))
		return 0;
	int i = 0;
	for (const cJSON *c = node->child; c; c = c->next, i++) {
		struct seg s = {up, NULL, i};
		if (cJSON_IsObject(node)) {
			s.key = c->string ? c->string : "";
			if ((*left)-- == 0) {
				e->kind = JSON_STRICT_NUL_KEY;
				render(up, e);
				return 1;
			}
		}
		if (find_string(c, &s, left, e))
			return 1;
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The first name that appears twice among obj's members, or NULL. */
static const char *dup_name(const cJSON *obj)
{
	size_t n = 0;
	for (const cJSON *c = obj->child; c; c = c->next)
		n++;
	if (n <= SMALL_OBJECT) {
		for (const cJSON *a = obj->child; a; a = a->next)
			for (const cJSON *b = a->next; b; b = b->next)
				if (a->string && b->string &&
				    !strcmp(a->string, b->string))
					return a->string;
		return NULL;
	}
	const char **names = malloc(n * sizeof *names);
	if (!names)
		return NULL; /* out of memory: the lookups still work */
	size_t k = 0;
	for (const cJSON *c = obj->child; c; c = c->next)
		names[k++] = c->string ? c->string : "";
	qsort(names, k, sizeof *names, cmp_names);
	const char *found = NULL;
	for (size_t i = 1; i < k && !found; i++)
		if (!strcmp(names[i - 1], names[i]))
			found = names[i];
	free(names);
	return found;
}

static int find_dup(const cJSON *node, const struct seg *up,
                    struct json_strict_err *e)
{
	if (!cJSON_IsArray(node) && !cJSON_IsObject(node))
		return 0;
	if (cJSON_IsObject(node)) {
		const char *name = dup_name(node);
		if (name) {
			e->kind = JSON_STRICT_DUP_KEY;
			render(up, e);
			size_t n = 0;
			put_clean(e->key, sizeof e->key, &n, name);
			return 1;
		}
	}
	int i = 0;
	for (const cJSON *c = node->child; c; c = c->next, i++) {
		struct seg s = {up, NULL, i};
		if (cJSON_IsObject(node))
			s.key = c->string ? c->string : "";
		if (find_dup(c, &s, e))
			return 1;
	}
	return 0;
}

/*
 * One pass over the text of the value: control bytes outside JSON's own
 * whitespace (between tokens or raw inside a string) make it invalid;
 * returns the number of the first string holding \u0000, or -1.
 */
static long scan(const unsigned char *s, size_t len, int *bad)
{
	long k = -1, nul = -1;
	*bad = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		if (c != '"') {
			if (c < 0x20 && !is_ws(c)) {
				*bad = 1;
				return -1;
			}
			continue;
		}
		k++;
		for (i++; i < len && s[i] != '"'; i++) {
			if (s[i] < 0x20) {
				*bad = 1;
				return -1;
			}
			if (s[i] != '\\' || i + 1 >= len)
				continue;
			i++;
			if (s[i] == 'u' && nul < 0 && i + 4 < len &&
			    !memcmp(s + i + 1, "0000", 4))
				nul = k;
		}
	}
	return nul;
}

cJSON *json_parse_strict(const char *buf, size_t len, struct json_strict_err *e)
{
	memset(e, 0, sizeof *e);
	e->top = -1;
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (!root) {
		e->kind = JSON_STRICT_SYNTAX;
		return NULL;
	}
	size_t used =
	    end && end >= buf && end <= buf + len ? (size_t)(end - buf) : len;
	int bad;
	long nul = scan((const unsigned char *)buf, used, &bad);
	if (bad) {
		cJSON_Delete(root);
		e->kind = JSON_STRICT_SYNTAX;
		return NULL;
	}
	if (nul >= 0) {
		long left = nul;
		struct seg top = {NULL, NULL, 0};
		/* The walk's segment for root has no parent: render() then
		 * treats the first level below as "top". */
		if (!find_string(root, &top, &left, e))
			e->kind = JSON_STRICT_NUL; /* cannot happen */
		return root;
	}
	for (size_t i = used; i < len; i++)
		if (!is_ws((unsigned char)buf[i])) {
			e->kind = JSON_STRICT_TRAILING;
			return root;
		}
	struct seg top = {NULL, NULL, 0};
	find_dup(root, &top, e);
	return root;
}
