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
#include "ocpp_schema.h"
#include "rpc.h"

/* What BootNotification answered (struct session.boot_status). */
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
	char audit[512];   /* "connector=1 idTag=ABC tx=42", logged on commit */
	char err[256];     /* CALLERROR description on failure */
	int boot_status;   /* set by BootNotification */
	int session_moved; /* a session started or stopped: load management
	                      plans again once it is committed */
	int cert_requested; /* a CSR was accepted: the certificate thread
	                       signs it once it is committed */
};

typedef enum hres (*handler_fn)(struct hctx *c, const cJSON *req, cJSON *conf);
/* Notes what a call will read (prefetch.h), before its batch runs. */
typedef void (*prefetch_fn)(struct prefetch *pf, const char *cp_id,
                            const cJSON *req);

#define ACT_INLINE 1u /* answered on the event loop, no database */
#define ACT_BEAT   2u /* a Heartbeat: last_heartbeat moves too */

/* One row of the action table (actions.c). */
struct action {
	const char *name;
	handler_fn handler;
	prefetch_fn prefetch;      /* NULL: reads nothing up front */
	const ocpp_schema *schema; /* the .req schema, resolved at start */
	unsigned flags;            /* ACT_* */
};

/* Formats the audit detail (printf-style). */
void hctx_audit(struct hctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Records a database failure in c->err and returns H_DB_ERROR. */
enum hres hctx_db_error(struct hctx *c);

enum hres handle_authorize(struct hctx *c, const cJSON *req, cJSON *conf);
void handle_authorize_prefetch(struct prefetch *pf, const char *cp_id,
                               const cJSON *req);
enum hres handle_boot_notification(struct hctx *c, const cJSON *req,
                                   cJSON *conf);
enum hres handle_data_transfer(struct hctx *c, const cJSON *req, cJSON *conf);
enum hres handle_diagnostics_status(struct hctx *c, const cJSON *req,
                                    cJSON *conf);
enum hres handle_firmware_status(struct hctx *c, const cJSON *req, cJSON *conf);
/* The Security Whitepaper's notifications. */
enum hres handle_security_event(struct hctx *c, const cJSON *req, cJSON *conf);
enum hres handle_log_status(struct hctx *c, const cJSON *req, cJSON *conf);
enum hres handle_signed_firmware_status(struct hctx *c, const cJSON *req,
                                        cJSON *conf);
enum hres handle_sign_certificate(struct hctx *c, const cJSON *req,
                                  cJSON *conf);
/* SignCertificate of either protocol: csr checked and kept as a requested
 * row of cp_certificates (Accepted), or refused (Rejected) with a
 * security event of type refused_event; refuse_why (not NULL) refuses it
 * for that reason before any check. */
enum hres sign_certificate_csr(struct hctx *c, const char *csr,
                               const char *refused_event,
                               const char *refuse_why, cJSON *conf);
enum hres handle_heartbeat(struct hctx *c, const cJSON *req, cJSON *conf);
enum hres handle_meter_values(struct hctx *c, const cJSON *req, cJSON *conf);
enum hres handle_start_transaction(struct hctx *c, const cJSON *req,
                                   cJSON *conf);
void handle_start_transaction_prefetch(struct prefetch *pf, const char *cp_id,
                                       const cJSON *req);
enum hres handle_status_notification(struct hctx *c, const cJSON *req,
                                     cJSON *conf);
enum hres handle_stop_transaction(struct hctx *c, const cJSON *req,
                                  cJSON *conf);
void handle_stop_transaction_prefetch(struct prefetch *pf, const char *cp_id,
                                      const cJSON *req);

/*
 * Stores an array of OCPP MeterValue objects (MeterValues.meterValue or
 * StopTransaction.transactionData) for one connector and transaction
 * (tx_id <= 0: none).  Returns the number of sampled values stored, or -1
 * on a database error.
 */
int meter_values_store(struct hctx *c, int connector_id, long long tx_id,
                       const cJSON *meter_values);

#endif
