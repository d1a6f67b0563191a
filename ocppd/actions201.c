/*
 * actions201.c — the OCPP 2.0.1 action table; see actions201.h.
 *
 * Heartbeat and DataTransfer have the same shape in both protocols and
 * share the 1.6 handlers.  A 2.0.1 action a charging station may send
 * but that is not in this table is answered NotSupported (its schema is
 * known), anything else NotImplemented (docs/ocpp201.md lists them).
 */
#include "actions201.h"

#include <stdio.h>
#include <string.h>

#include "handlers201.h"

/* Sorted by name (actions201_find bisects). */
static struct action table[] = {
    {"Authorize", handle201_authorize, NULL, NULL, 0},
    {"BootNotification", handle201_boot_notification, NULL, NULL, 0},
    {"DataTransfer", handle_data_transfer, NULL, NULL, ACT_INLINE},
    {"Heartbeat", handle_heartbeat, NULL, NULL, ACT_INLINE | ACT_BEAT},
    {"MeterValues", handle201_meter_values, NULL, NULL, 0},
    {"NotifyReport", handle201_notify_report, NULL, NULL, 0},
    {"StatusNotification", handle201_status_notification, NULL, NULL, 0},
    {"TransactionEvent", handle201_transaction_event, NULL, NULL, 0},
};

#define NTABLE (sizeof table / sizeof table[0])

int actions201_init(const ocpp_schemas *schemas201, char *err, size_t errlen)
{
	for (size_t i = 0; i < NTABLE; i++) {
		if (i && strcmp(table[i - 1].name, table[i].name) >= 0) {
			snprintf(err, errlen, "2.0.1 actions not sorted at %s",
			         table[i].name);
			return -1;
		}
		table[i].schema =
		    ocpp_schema_find(schemas201, table[i].name, 0);
		if (!table[i].schema) {
			snprintf(err, errlen, "no 2.0.1 schema for %s.req",
			         table[i].name);
			return -1;
		}
	}
	return 0;
}

const struct action *actions201_find(const char *name)
{
	size_t lo = 0, hi = NTABLE;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, table[mid].name);
		if (!c)
			return &table[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}
