/*
 * messages.h — the payloads a charge point sends, written with snprintf.
 *
 * Every function writes one JSON object into out and returns its length,
 * or -1 if it did not fit.  Strings from the command line (vendor, idTag)
 * are escaped.  Timestamps are "YYYY-MM-DDTHH:MM:SS.sssZ" and meter values
 * are strings, as the OCPP 1.6 schemas require.
 */
#ifndef CPSIM_MESSAGES_H
#define CPSIM_MESSAGES_H

#include <stddef.h>

struct boot_info {
	const char *vendor;   /* <= 20 */
	const char *model;    /* <= 20 */
	const char *firmware; /* <= 50, may be NULL */
	const char *serial;   /* chargePointSerialNumber <= 25, may be NULL */
};

int msg_boot(char *out, size_t n, const struct boot_info *b);
int msg_heartbeat(char *out, size_t n);
int msg_authorize(char *out, size_t n, const char *id_tag);
/* error_code NULL means "NoError"; info may be NULL. */
int msg_status(char *out, size_t n, int connector, const char *status,
               const char *error_code, const char *info, const char *ts);
int msg_start(char *out, size_t n, int connector, const char *id_tag,
              long long meter_start, const char *ts);
/* With the reservationId the start consumes (< 0: none). */
int msg_start_reserved(char *out, size_t n, int connector, const char *id_tag,
                       long long meter_start, const char *ts,
                       long long reservation_id);
/* id_tag may be NULL (remote or deauthorised stops). */
int msg_stop(char *out, size_t n, int tx_id, const char *id_tag,
             long long meter_stop, const char *ts, const char *reason);
/* tx_id < 0: no transactionId.  context e.g. "Sample.Periodic". */
int msg_meter(char *out, size_t n, int connector, int tx_id, const char *ts,
              long long energy_wh, long long power_w, const char *context);
/* As msg_meter, plus Current.Import on L1, L2 and L3 (--obey-profiles:
 * the current each phase draws). */
int msg_meter_phases(char *out, size_t n, int connector, int tx_id,
                     const char *ts, long long energy_wh, long long power_w,
                     double amps, const char *context);
int msg_diag_status(char *out, size_t n, const char *status);
int msg_fw_status(char *out, size_t n, const char *status);

#endif
