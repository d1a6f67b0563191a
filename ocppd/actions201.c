/*
 * actions201.c — the OCPP 2.0.1 action table; see actions201.h.
 *
 * Heartbeat and DataTransfer have the same shape in both protocols and
 * share the 1.6 handlers.  A 2.0.1 action a charging station may send
 * but that is not in this table is answered NotSupported (its schema is
 * known), anything else NotImplemented (docs/ocpp201.md lists them).
 */
#include "actions201.h"

#include "actions.h"
#include "handlers201.h"

/* Sorted by name (actions201_find bisects). */
static struct action table[] = {
    {"Authorize", handle201_authorize, NULL, NULL, 0},
    {"BootNotification", handle201_boot_notification, NULL, NULL, 0},
    {"DataTransfer", handle_data_transfer, NULL, NULL, ACT_INLINE},
    {"FirmwareStatusNotification", handle201_firmware_status, NULL, NULL, 0},
    {"Heartbeat", handle_heartbeat, NULL, NULL, ACT_INLINE | ACT_BEAT},
    {"LogStatusNotification", handle_log_status, NULL, NULL, 0},
    {"MeterValues", handle201_meter_values, NULL, NULL, 0},
    {"NotifyDisplayMessages", handle201_notify_display_messages, NULL, NULL, 0},
    {"NotifyEvent", handle201_notify_event, NULL, NULL, 0},
    {"NotifyMonitoringReport", handle201_notify_monitoring_report, NULL, NULL,
     0},
    {"NotifyReport", handle201_notify_report, NULL, NULL, 0},
    {"ReportChargingProfiles", handle201_report_charging_profiles, NULL, NULL,
     0},
    {"ReservationStatusUpdate", handle201_reservation_status_update, NULL, NULL,
     0},
    {"SecurityEventNotification", handle_security_event, NULL, NULL, 0},
    {"SignCertificate", handle201_sign_certificate, NULL, NULL, 0},
    {"StatusNotification", handle201_status_notification, NULL, NULL, 0},
    {"TransactionEvent", handle201_transaction_event, NULL, NULL, 0},
};

#define NTABLE (sizeof table / sizeof table[0])

int actions201_init(const ocpp_schemas *schemas201, char *err, size_t errlen)
{
	return action_table_init(table, NTABLE, schemas201, "2.0.1 ", err,
	                         errlen);
}

const struct action *actions201_find(const char *name)
{
	return action_table_find(table, NTABLE, name);
}
