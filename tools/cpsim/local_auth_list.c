/*
 * local_auth_list.c — see local_auth_list.h.  The list is small (at most
 * LOCAL_LIST_CAP entries) and changes rarely, so it is a plain array
 * searched linearly; an update works on a copy and replaces the list only
 * when it succeeded.
 */
#include "local_auth_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void local_auth_list_init(struct local_auth_list *l, int max)
{
	l->version = 0;
	l->n = 0;
	l->max = max < 0 ? 0 : max > LOCAL_LIST_CAP ? LOCAL_LIST_CAP : max;
}

static int entry_index(const struct local_auth_list *l, const char *id_tag)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (!strcasecmp(l->e[i].id_tag, id_tag))
			return i;
	return -1;
}

const struct local_auth_entry *
local_auth_list_find(const struct local_auth_list *l, const char *id_tag)
{
	int i = entry_index(l, id_tag);

	return i < 0 ? NULL : &l->e[i];
}

static void set_entry(struct local_auth_entry *e,
                      const struct local_auth_update *u)
{
	snprintf(e->id_tag, sizeof e->id_tag, "%s", u->id_tag);
	snprintf(e->status, sizeof e->status, "%s",
	         u->status ? u->status : "Accepted");
	snprintf(e->parent, sizeof e->parent, "%s", u->parent ? u->parent : "");
}

enum local_list_result local_auth_list_apply(struct local_auth_list *l,
                                             int version, int full,
                                             const struct local_auth_update *u,
                                             int n)
{
	struct local_auth_list *t;
	int i, k;

	if (!full && version <= l->version)
		return LL_VERSION_MISMATCH;
	if (n < 0 || (full && n > l->max))
		return LL_FAILED;
	/* Work on a copy: a Failed update leaves the list as it was. */
	t = malloc(sizeof *t);
	if (!t)
		return LL_FAILED;
	t->max = l->max;
	t->version = l->version;
	t->n = 0;
	if (!full) {
		t->n = l->n;
		memcpy(t->e, l->e, sizeof t->e[0] * (size_t)l->n);
	}
	for (i = 0; i < n; i++) {
		if (!u[i].id_tag || strlen(u[i].id_tag) > 20) {
			free(t);
			return LL_FAILED;
		}
		k = entry_index(t, u[i].id_tag);
		if (!u[i].info) {
			/* A removal; in a Full list an entry without
			 * idTagInfo means nothing. */
			if (k >= 0)
				t->e[k] = t->e[--t->n];
			continue;
		}
		if (k < 0) {
			if (t->n >= t->max) {
				free(t);
				return LL_FAILED;
			}
			k = t->n++;
		}
		set_entry(&t->e[k], &u[i]);
	}
	t->version = version;
	l->version = t->version;
	l->n = t->n;
	memcpy(l->e, t->e, sizeof t->e[0] * (size_t)t->n);
	free(t);
	return LL_ACCEPTED;
}

const char *local_list_result_name(enum local_list_result r)
{
	switch (r) {
	case LL_ACCEPTED:
		return "Accepted";
	case LL_VERSION_MISMATCH:
		return "VersionMismatch";
	default:
		return "Failed";
	}
}
