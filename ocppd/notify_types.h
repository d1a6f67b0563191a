/*
 * notify_types.h — the webhook event types (docs/notifications.md): their
 * names, as events carry them and a subscription's filter lists them.
 */
#ifndef OCPPD_NOTIFY_TYPES_H
#define OCPPD_NOTIFY_TYPES_H

/* The event types (a subscription's filter names them). */
#define NOTIFY_CP_OFFLINE         "cp.offline"
#define NOTIFY_CP_ONLINE          "cp.online"
#define NOTIFY_CONNECTOR_FAULTED  "connector.faulted"
#define NOTIFY_SESSION_STARTED    "session.started"
#define NOTIFY_SESSION_FINISHED   "session.finished"
#define NOTIFY_FIRMWARE_STATUS    "firmware.status"
#define NOTIFY_DIAGNOSTICS_STATUS "diagnostics.status"
/* Reserved: security events (SecurityEventNotification, OCPP 1.6
 * security whitepaper) are written under this type once ocppd takes
 * them. */
#define NOTIFY_SECURITY_EVENT "security.event"

/* 1 when name is one of the types above. */
int notify_type_known(const char *name);
/* The types, NULL-terminated (for error messages and the docs). */
extern const char *const notify_types[];

#endif
