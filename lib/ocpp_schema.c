/*
 * ocpp_schema.c — finding a compiled schema by action name: a binary search
 * over the set's entries, which loading (ocpp_schema_compile.c) sorted by
 * action.  Validation is in ocpp_schema_validate.c.
 */
#include "ocpp_schema_int.h"

#include <stdlib.h>
#include <string.h>

static int entry_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const struct entry *)e)->action);
}

size_t ocpp_schemas_count(const ocpp_schemas *schemas)
{
	return schemas ? schemas->nschemas : 0;
}

static const struct entry *find_entry(const ocpp_schemas *schemas,
                                      const char *action)
{
	if (!schemas || !action || !schemas->nentries ||
	    strnlen(action, OCPP_ACTION_MAX + 1) > OCPP_ACTION_MAX)
		return NULL;
	return bsearch(action, schemas->entries, schemas->nentries,
	               sizeof *schemas->entries, entry_cmp);
}

const ocpp_schema *ocpp_schema_find(const ocpp_schemas *schemas,
                                    const char *action, int is_conf)
{
	const struct entry *e = find_entry(schemas, action);

	if (!e)
		return NULL;
	return is_conf ? e->conf : e->req;
}

int ocpp_action_known(const ocpp_schemas *schemas, const char *action)
{
	const struct entry *e = find_entry(schemas, action);

	return e && e->req;
}

const char *ocpp_schema_name(const ocpp_schema *schema)
{
	return schema ? schema->name : "";
}
