/*
 * profiles.c — see profiles.h.
 */
#include "profiles.h"

#include <string.h>

static void remove_at(struct profiles *ps, int i)
{
	memmove(&ps->p[i], &ps->p[i + 1],
	        sizeof ps->p[0] * (size_t)(ps->n - i - 1));
	ps->n--;
}

int profiles_set(struct profiles *ps, const struct profile *p)
{
	int i;

	for (i = ps->n - 1; i >= 0; i--) {
		const struct profile *o = &ps->p[i];

		if (o->id == p->id ||
		    (o->connector == p->connector && o->stack == p->stack &&
		     o->purpose == p->purpose))
			remove_at(ps, i);
	}
	if (ps->n >= PROFILES_MAX)
		return -1;
	ps->p[ps->n++] = *p;
	return 0;
}

int profiles_clear(struct profiles *ps, int id, int connector, int purpose,
                   int stack)
{
	int i, n = 0;

	for (i = ps->n - 1; i >= 0; i--) {
		const struct profile *o = &ps->p[i];

		if (id >= 0
		        ? o->id != id
		        : (connector >= 0 && o->connector != connector) ||
		              (purpose >= 0 && (int)o->purpose != purpose) ||
		              (stack >= 0 && o->stack != stack))
			continue;
		remove_at(ps, i);
		n++;
	}
	return n;
}

void profiles_tx_ended(struct profiles *ps, int connector)
{
	int i;

	for (i = ps->n - 1; i >= 0; i--)
		if (ps->p[i].purpose == PP_TX &&
		    ps->p[i].connector == connector)
			remove_at(ps, i);
}

int profile_purpose_parse(const char *s)
{
	if (!strcmp(s, "ChargePointMaxProfile"))
		return PP_CP_MAX;
	if (!strcmp(s, "TxDefaultProfile"))
		return PP_TX_DEFAULT;
	if (!strcmp(s, "TxProfile"))
		return PP_TX;
	return -1;
}

int profile_kind_parse(const char *s)
{
	if (!strcmp(s, "Absolute"))
		return PK_ABSOLUTE;
	if (!strcmp(s, "Recurring"))
		return PK_RECURRING;
	if (!strcmp(s, "Relative"))
		return PK_RELATIVE;
	return -1;
}
