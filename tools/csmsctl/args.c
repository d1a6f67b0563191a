/*
 * args.c — see args.h.
 */
#include "args.h"

#include <stdio.h>
#include <string.h>

int csmsctl_op_without_cp(const char *op)
{
	static const char *const names[] = {
	    "status", "cps", "tag_add", "tag_update", "tag_delete", "drain",
	    "undrain", "tag_import", "connection_attempts",
	    /* sites and groups (docs/sites.md) */
	    "site_add", "site_update", "site_delete", "group_add",
	    "group_update", "group_delete",
	    /* commands to a site or group (docs/bulk-commands.md) */
	    "bulk_start", "bulk_cancel", "bulk_resume",
	    /* web accounts (docs/security.md, "Accounts and roles") */
	    "account_set", "account_delete"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(op, names[i]))
			return 1;
	return 0;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?: "007" and "1e3" stay strings. */
static int is_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return 0;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return !*s;
}

static cJSON *guess(const char *v)
{
	if (is_number(v) || !strcmp(v, "true") || !strcmp(v, "false") ||
	    !strcmp(v, "null") || v[0] == '{' || v[0] == '[') {
		cJSON *j = cJSON_Parse(v);
		if (j)
			return j;
	}
	return cJSON_CreateString(v);
}

static int put(cJSON *obj, const char *key, size_t klen, cJSON *v)
{
	char name[256];
	if (!v)
		return -1;
	snprintf(name, sizeof name, "%.*s", (int)klen, key);
	if (cJSON_GetObjectItemCaseSensitive(obj, name))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, name, v);
	else
		cJSON_AddItemToObject(obj, name, v);
	return 0;
}

int csmsctl_params(int argc, char **argv, cJSON **out, char *err, size_t errlen)
{
	cJSON *obj = cJSON_CreateObject();
	*out = NULL;
	if (!obj) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] == '{') {
			cJSON *j = cJSON_Parse(a);
			if (!cJSON_IsObject(j)) {
				cJSON_Delete(j);
				snprintf(err, errlen,
				         "%.80s: not a JSON object", a);
				goto fail;
			}
			cJSON *m;
			while ((m = j->child) != NULL) {
				cJSON_DetachItemViaPointer(j, m);
				char *k = m->string;
				if (put(obj, k, strlen(k), m)) {
					cJSON_Delete(j);
					goto oom;
				}
			}
			cJSON_Delete(j);
			continue;
		}
		const char *eq = strchr(a, '=');
		if (!eq || eq == a || (eq == a + 1 && a[0] == ':')) {
			snprintf(err, errlen,
			         "%.80s: expected key=value, key:=JSON or a "
			         "JSON object",
			         a);
			goto fail;
		}
		if (eq[-1] == ':') {
			cJSON *j = cJSON_Parse(eq + 1);
			if (!j) {
				snprintf(err, errlen, "%.80s: not valid JSON",
				         a);
				goto fail;
			}
			if (put(obj, a, (size_t)(eq - 1 - a), j))
				goto oom;
		} else if (put(obj, a, (size_t)(eq - a), guess(eq + 1))) {
			goto oom;
		}
	}
	*out = obj;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	cJSON_Delete(obj);
	return -1;
}
