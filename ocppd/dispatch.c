/*
 * dispatch.c — the OCPP action table and the path of a frame through it.
 *
 * Runs on the WebSocket service thread, so nothing here blocks: calls that
 * touch the database become jobs for dbq, whose replies come back through
 * ws.c.  Errors become CALLERRORs in exactly one way (rpc.c).
 */
#include "dispatch.h"

#include <stdio.h>
#include <string.h>

#include "calls.h"
#include "dbq.h"
#include "handlers.h"
#include "log.h"
#include "log_frame.h"
#include "rpc.h"
#include "timeutil.h"
#include "ws.h"

#define DF_INLINE 1u /* answered on the event loop, no database */
#define DF_BEAT   2u /* a Heartbeat: last_heartbeat moves too */

#define H(fn) ((void (*)(void))(fn))

/*
 * last_seen (any frame) and last_heartbeat (a Heartbeat) are written at
 * most this often per link, the newest times again when the link closes.
 * A busy charge point may never send a Heartbeat (its interval counts
 * inactivity), so "seen" is what says a charger is alive; writing it for
 * every frame would cost a row update per message for a column that says
 * "seen recently".
 */
#define SEEN_WRITE_MS 10000

/* Sorted by name; the charge point -> central system actions of the Core
 * and Firmware Management profiles. */
static struct rpc_action table[] = {
    {"Authorize", H(handle_authorize), 0, NULL},
    {"BootNotification", H(handle_boot_notification), 0, NULL},
    {"DataTransfer", H(handle_data_transfer), DF_INLINE, NULL},
    {"DiagnosticsStatusNotification", H(handle_diagnostics_status), 0, NULL},
    {"FirmwareStatusNotification", H(handle_firmware_status), 0, NULL},
    {"Heartbeat", H(handle_heartbeat), DF_INLINE | DF_BEAT, NULL},
    {"MeterValues", H(handle_meter_values), 0, NULL},
    {"StartTransaction", H(handle_start_transaction), 0, NULL},
    {"StatusNotification", H(handle_status_notification), 0, NULL},
    {"StopTransaction", H(handle_stop_transaction), 0, NULL},
};

#define NTABLE (sizeof table / sizeof table[0])

static struct {
	const struct csms_config *cfg;
	const ocpp_schemas *schemas;
	unsigned vflags;
	int shutting_down;
} d;

int dispatch_init(const struct csms_config *cfg, const ocpp_schemas *schemas,
                  char *err, size_t errlen)
{
	d.cfg = cfg;
	d.schemas = schemas;
	d.vflags = cfg->lenient_unknown_properties ? OCPP_V_LENIENT_UNKNOWN : 0;
	for (size_t i = 0; i < NTABLE; i++) {
		table[i].schema = ocpp_schema_find(schemas, table[i].name, 0);
		if (!table[i].schema) {
			snprintf(err, errlen, "no schema for %s.req",
			         table[i].name);
			return -1;
		}
	}
	return 0;
}

void dispatch_shutdown(void)
{
	d.shutting_down = 1;
}

static void send_text(struct conn *c, char *text, size_t len)
{
	if (!text) {
		log_error("ocpp: %s | out of memory building a reply",
		          c->cp_id);
		return;
	}
	struct frame *f = frame_take(text, len);
	if (!f)
		return;
	log_frame(c->cp_id, "->", frame_text(f), len);
	ws_send(c, f);
}

static void send_error(struct conn *c, const char *id, enum rpc_error e,
                       const char *desc)
{
	size_t len = 0;
	char *text = rpc_error_text(id, e, desc, &len);
	send_text(c, text, len);
}

static void run_inline(struct conn *c, struct rpc_msg *m,
                       const struct rpc_action *row, int64_t now)
{
	struct hctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.cfg = d.cfg;
	ctx.cp_id = c->cp_id;
	ctx.now_ms = now;
	cJSON *conf = cJSON_CreateObject();
	enum hres r = conf ? ((handler_fn)row->handler)(&ctx, m->payload, conf)
	                   : H_INTERNAL;
	if (r != H_OK) {
		cJSON_Delete(conf);
		enum rpc_error e = rpc_error_for_handler(r);
		log_warn("ocpp: %s | %s | %s: %s", c->cp_id, m->action,
		         rpc_error_code(e), ctx.err);
		send_error(c, m->id, e, ctx.err);
		return;
	}
	if (ctx.audit[0])
		log_info("ocpp: %s | %s | %s", c->cp_id, m->action, ctx.audit);
	size_t len = 0;
	char *text = rpc_result_text(m->id, conf, &len);
	send_text(c, text, len);
}

/* Queues the best-effort write of the newest frame and beat times. */
static void touch(struct conn *c)
{
	struct job *j = job_new(JOB_SEEN, c->cp_id);
	if (!j)
		return;
	j->now_ms = c->seen_ms;
	j->beat_ms =
	    c->hb_seen_ms > c->hb_written_ms ? c->hb_seen_ms : DB_NULL_TIME;
	if (dbq_submit(j, 1)) {
		job_free(j);
		return;
	}
	c->seen_written_ms = c->seen_ms;
	c->hb_written_ms = c->hb_seen_ms;
}

void dispatch_conn_closed(struct conn *c)
{
	if (c->seen_ms > c->seen_written_ms)
		touch(c);
}

/* Every frame is a sign of life (a Heartbeat set hb_seen_ms already);
 * a beat not yet written has its own 10 s, so the first Heartbeat after a
 * boot shows at once. */
static void seen(struct conn *c, int64_t now)
{
	c->seen_ms = now;
	if (now - c->seen_written_ms >= SEEN_WRITE_MS ||
	    (c->hb_seen_ms > c->hb_written_ms &&
	     now - c->hb_written_ms >= SEEN_WRITE_MS))
		touch(c);
}

static void dispatch_call(struct conn *c, struct rpc_msg *m)
{
	const struct rpc_action *row;
	char msg[256];
	enum rpc_error e =
	    rpc_check_call(d.schemas, table, NTABLE, m->action, m->payload,
	                   d.vflags, &row, msg, sizeof msg);
	if (e != RPC_OK) {
		log_warn("ocpp: %s | %.64s | %s: %s", c->cp_id, m->action,
		         rpc_error_code(e), msg);
		send_error(c, m->id, e, msg);
		return;
	}
	if (d.shutting_down) {
		send_error(c, m->id, RPC_INTERNAL_ERROR, "shutting down");
		return;
	}
	if (!strcmp(row->name, "BootNotification")) {
		c->boot_seen = 1;
	} else if (!c->boot_seen && !c->preboot_logged) {
		/* Normal after a server restart: the charge point keeps its
		 * session.  Processed; noted once per connection. */
		log_info("ocpp: %s | %s before BootNotification on this "
		         "connection (processed)",
		         c->cp_id, row->name);
		c->preboot_logged = 1;
	}
	int64_t now = time_now_ms();
	if (row->flags & DF_BEAT)
		c->hb_seen_ms = now;
	if (row->flags & DF_INLINE) {
		run_inline(c, m, row, now);
		return;
	}
	struct job *j = job_new(JOB_CALL, c->cp_id);
	if (!j) {
		send_error(c, m->id, RPC_INTERNAL_ERROR, "out of memory");
		return;
	}
	j->conn = c->ref;
	j->fn = (handler_fn)row->handler;
	j->action = row->name;
	j->now_ms = now;
	snprintf(j->uid, sizeof j->uid, "%s", m->id);
	/* The payload moves to the job: no copy. */
	int idx = 3;
	j->payload = cJSON_DetachItemFromArray(m->root, idx);
	if (dbq_submit(j, 0)) {
		job_free(j);
		log_warn("ocpp: %s | %s | InternalError: database queue full",
		         c->cp_id, row->name);
		send_error(c, m->id, RPC_INTERNAL_ERROR, "server busy");
	}
}

void dispatch_frame(struct conn *c, const char *text, size_t len)
{
	log_frame(c->cp_id, "<-", text, len);
	int64_t now = time_now_ms();
	struct rpc_msg m;
	switch (rpc_parse(text, len, &m)) {
	case RPC_CALL:
		dispatch_call(c, &m);
		break;
	case RPC_REJECT:
		if (m.has_id) {
			log_warn("ocpp: %s | %s: %s", c->cp_id,
			         rpc_error_code(m.error), m.why);
			send_error(c, m.id, m.error, m.why);
		} else {
			log_warn("ocpp: %s | %s (no uniqueId to answer to)",
			         c->cp_id, m.why);
		}
		break;
	case RPC_IGNORE:
		log_info("ocpp: %s | ignored: %s", c->cp_id, m.why);
		break;
	case RPC_CALLRESULT:
	case RPC_CALLERROR:
		/* The answer to a command from the control socket. */
		calls_reply(c, &m);
		break;
	}
	seen(c, now);
	rpc_msg_free(&m);
}
