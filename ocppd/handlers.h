/*
 * handlers.h — one function per OCPP action the charge point sends.
 *
 * A handler runs on a database worker thread inside the worker's open
 * transaction.  It gets the payload already validated against the action's
 * schema (it never re-validates), fills the confirmation object and
 * returns an enum hres (rpc.h); dispatch turns failures into CALLERRORs.
 * Handlers never build SQL from strings and never touch the WebSocket.
 * Anything that must only happen once the transaction is committed (the
 * audit line) goes into the context and is done by the worker afterwards.
 * Writes nothing in the batch reads back (connector status, meter values)
 * go through c->co and reach the database just before the COMMIT.
 */
#ifndef OCPPD_HANDLERS_H
#define OCPPD_HANDLERS_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "db.h"
#include "rpc.h"

enum boot_status { BOOT_NONE = 0, BOOT_ACCEPTED, BOOT_PENDING, BOOT_REJECTED };

struct txcache;
struct coalesce;
struct prefetch;

struct hctx {
	struct db *db;       /* NULL for handlers run on the event loop */
	struct txcache *txc; /* the worker's transaction owners (or NULL) */
	struct coalesce *co; /* the batch's deferred multi-row writes */
	struct prefetch *pf; /* the batch's reads done up front (or NULL) */
	const struct csms_config *cfg;
	const char *cp_id;
	int64_t now_ms;
	char audit[512]; /* "connector=1 idTag=ABC tx=42", logged on commit */
	char err[256];   /* CALLERROR description on failure */
	int boot_status; /* set by BootNotification */
};

typedef enum hres (*handler_fn)(struct hctx *c, const cJSON *req, cJSON *conf);

/* Formats the audit detail (printf-style). */
void hctx_audit(struct hctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Records a database failure in c->err and returns H_DB_ERROR. */
enum hres hctx_db_error(struct hctx *c);

enum hres handle_authorize(struct hctx *c, const cJSON *req, cJSON *conf);
enum hres handle_boot_notification(struct hctx *c, const cJSON *req,
                                   cJSON *conf);
enum hres handle_data_transfer(struct hctx *c, const cJSON *req, cJSON *conf);
enum hres handle_diagnostics_status(struct hctx *c, const cJSON *req,
                                    cJSON *conf);
enum hres handle_firmware_status(struct hctx *c, const cJSON *req, cJSON *conf);
enum hres handle_heartbeat(struct hctx *c, const cJSON *req, cJSON *conf);
enum hres handle_meter_values(struct hctx *c, const cJSON *req, cJSON *conf);
enum hres handle_start_transaction(struct hctx *c, const cJSON *req,
                                   cJSON *conf);
enum hres handle_status_notification(struct hctx *c, const cJSON *req,
                                     cJSON *conf);
enum hres handle_stop_transaction(struct hctx *c, const cJSON *req,
                                  cJSON *conf);

/*
 * Stores an array of OCPP MeterValue objects (MeterValues.meterValue or
 * StopTransaction.transactionData) for one connector and transaction
 * (tx_id <= 0: none).  Returns the number of sampled values stored, or -1
 * on a database error.
 */
int meter_values_store(struct hctx *c, int connector_id, long long tx_id,
                       const cJSON *meter_values);

/*
 * Connection state, written through the same worker queue as the
 * messages so a charge point's rows change in order.  (last_heartbeat is
 * a coalesced write: coalesce_seen.  Connecting is a sign of life:
 * last_seen moves to the connect time.)
 */
int cp_state_connected(struct db *db, const struct csms_config *cfg,
                       const char *cp_id, int64_t since_ms,
                       const char *remote_addr);
int cp_state_disconnected(struct db *db, const char *cp_id);
/* At start-up and shutdown: nobody is connected. */
int cp_state_all_disconnected(struct db *db);

#endif
