/*
 * actions.c — the action table; see actions.h.
 */
#include "actions.h"

#include <stdio.h>
#include <string.h>

/* Sorted by name (actions_find bisects); the charge point -> central
 * system actions of the Core and Firmware Management profiles, and the
 * Security Whitepaper's notifications. */
static struct action table[] = {
    {"Authorize", handle_authorize, handle_authorize_prefetch, NULL, 0},
    {"BootNotification", handle_boot_notification, NULL, NULL, 0},
    {"DataTransfer", handle_data_transfer, NULL, NULL, ACT_INLINE},
    {"DiagnosticsStatusNotification", handle_diagnostics_status, NULL, NULL, 0},
    {"FirmwareStatusNotification", handle_firmware_status, NULL, NULL, 0},
    {"Heartbeat", handle_heartbeat, NULL, NULL, ACT_INLINE | ACT_BEAT},
    {"LogStatusNotification", handle_log_status, NULL, NULL, 0},
    {"MeterValues", handle_meter_values, NULL, NULL, 0},
    {"SecurityEventNotification", handle_security_event, NULL, NULL, 0},
    {"SignCertificate", handle_sign_certificate, NULL, NULL, 0},
    {"SignedFirmwareStatusNotification", handle_signed_firmware_status, NULL,
     NULL, 0},
    {"StartTransaction", handle_start_transaction,
     handle_start_transaction_prefetch, NULL, 0},
    {"StatusNotification", handle_status_notification, NULL, NULL, 0},
    {"StopTransaction", handle_stop_transaction,
     handle_stop_transaction_prefetch, NULL, 0},
};

#define NTABLE (sizeof table / sizeof table[0])

int action_table_init(struct action *t, size_t n, const ocpp_schemas *schemas,
                      const char *proto, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		if (i && strcmp(t[i - 1].name, t[i].name) >= 0) {
			snprintf(err, errlen, "%sactions not sorted at %s",
			         proto, t[i].name);
			return -1;
		}
		t[i].schema = ocpp_schema_find(schemas, t[i].name, 0);
		if (!t[i].schema) {
			snprintf(err, errlen, "no %sschema for %s.req", proto,
			         t[i].name);
			return -1;
		}
	}
	return 0;
}

const struct action *action_table_find(const struct action *t, size_t n,
                                       const char *name)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, t[mid].name);
		if (!c)
			return &t[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int actions_init(const ocpp_schemas *schemas, char *err, size_t errlen)
{
	return action_table_init(table, NTABLE, schemas, "", err, errlen);
}

const struct action *actions_find(const char *name)
{
	return action_table_find(table, NTABLE, name);
}
