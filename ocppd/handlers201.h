/*
 * handlers201.h — the handlers of OCPP 2.0.1 actions (actions201.c), with
 * the same contract as handlers.h: on a database worker inside its
 * transaction (unless ACT_INLINE), the payload already validated against
 * the 2.0.1 schema, the confirmation filled in conf.
 *
 * How 2.0.1's EVSEs and connectors map onto the connectors table's one
 * number (docs/ocpp201.md): a 1.6 connector is what 2.0.1 calls an EVSE
 * (one session at a time), so EVSE n's connector 1 (or an EVSE named
 * without a connector) is connector n, and a second or further connector
 * c of EVSE n is n * 100 + c.  One-connector EVSEs, nearly all of them,
 * look exactly like 1.6 connectors; transactions keep the EVSE and
 * connector as sent beside it.
 */
#ifndef OCPPD_HANDLERS201_H
#define OCPPD_HANDLERS201_H

#include <cjson/cJSON.h>

#include "handlers.h"

/* The connectors-table number of EVSE evse's connector conn (0 or less:
 * none given); -1 when it does not fit (EVSE ids beyond 21,000,000). */
static inline long long evse201_connector(long long evse, long long conn)
{
	if (evse < 0 || evse > 21000000 || conn > 99)
		return -1;
	return conn <= 1 ? evse : evse * 100 + conn;
}

/*
 * idToken (IdTokenType) looked up in the same id-tag store as a 1.6
 * idTag; "idTokenInfo" added to conf.  exclude_tx as id_tag_lookup's;
 * status (at least 16 bytes) gets the status answered.  0, or -1 on a
 * database error (c->err set) / -2 out of memory.
 */
int id_token201_info(struct hctx *c, const cJSON *id_token,
                     int check_concurrent, long long exclude_tx, cJSON *conf,
                     char *status);

/*
 * Stores 2.0.1 MeterValueType objects (numeric values, unitOfMeasure
 * with multiplier) for a connector and transaction (tx <= 0: none), like
 * meter_values_store.  *energy_wh gets the last
 * Energy.Active.Import.Register in Wh (untouched when none; may be NULL).
 * Returns the number of sampled values stored, or -1 on a database error.
 */
int meter_values201_store(struct hctx *c, int connector_id, long long tx,
                          cJSON *meter_values, double *energy_wh);

enum hres handle201_authorize(struct hctx *c, const cJSON *req, cJSON *conf);
enum hres handle201_boot_notification(struct hctx *c, const cJSON *req,
                                      cJSON *conf);
enum hres handle201_firmware_status(struct hctx *c, const cJSON *req,
                                    cJSON *conf);
enum hres handle201_meter_values(struct hctx *c, const cJSON *req, cJSON *conf);
enum hres handle201_notify_display_messages(struct hctx *c, const cJSON *req,
                                            cJSON *conf);
enum hres handle201_notify_event(struct hctx *c, const cJSON *req, cJSON *conf);
enum hres handle201_notify_monitoring_report(struct hctx *c, const cJSON *req,
                                             cJSON *conf);
enum hres handle201_notify_report(struct hctx *c, const cJSON *req,
                                  cJSON *conf);
enum hres handle201_report_charging_profiles(struct hctx *c, const cJSON *req,
                                             cJSON *conf);
enum hres handle201_reservation_status_update(struct hctx *c, const cJSON *req,
                                              cJSON *conf);
enum hres handle201_sign_certificate(struct hctx *c, const cJSON *req,
                                     cJSON *conf);
enum hres handle201_status_notification(struct hctx *c, const cJSON *req,
                                        cJSON *conf);
enum hres handle201_transaction_event(struct hctx *c, const cJSON *req,
                                      cJSON *conf);

#endif
