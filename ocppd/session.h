/*
 * session.h — what the OCPP layer keeps per charge point link, beside the
 * transport's struct conn (conn->up): its boot state, its commands
 * (calls.c), the sign-of-life times not yet written (dispatch.c) and a
 * newcomer's probation (takeover.c).  ws.c never looks inside.
 */
#ifndef OCPPD_SESSION_H
#define OCPPD_SESSION_H

#include <stdint.h>

struct call;
struct conn;

struct session {
	struct call *call_head, *call_tail; /* commands to it (calls.c) */
	int64_t seen_ms;                    /* newest frame (dispatch.c) */
	int64_t seen_written_ms; /* newest one queued for the database */
	int64_t hb_seen_ms;      /* newest Heartbeat */
	int64_t hb_written_ms;   /* newest one queued for the database */
	int64_t up_ms; /* connected flag written: connected_since, its epoch */
	int64_t probe_ms; /* probation: since when, and whom it probes */
	uint64_t probe_ref;
	struct conn *probe_next; /* on takeover.c's probation list */
	uint8_t boot_status;     /* enum boot_status (handlers.h) */
	unsigned boot_seen : 1, preboot_logged : 1, probation : 1;
};

#endif
