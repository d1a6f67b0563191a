/*
 * ws.h — the WebSocket transport (libwebsockets server): handshake checks,
 * frame reassembly, per-connection outgoing queues, takeover of a
 * duplicate identity, ping/pong.  Complete text frames go to dispatch;
 * nothing here knows OCPP beyond the subprotocol name.
 */
#ifndef OCPPD_WS_H
#define OCPPD_WS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "frame.h"
#include "strmap.h"

struct lws;
struct call;
struct cp_sec;

/* One charge point link: lws's per-session data, kept small (15,000 of
 * them must fit in a few KB each); buffers grow only when used. */
struct conn {
	struct lws *wsi;
	char *cp_id;  /* owned */
	uint64_t ref; /* slot + generation: survives in queued jobs */
	struct frame *out_head, *out_tail;
	struct call *call_head, *call_tail; /* commands to it (calls.c) */
	char *rx; /* reassembly of a fragmented message */
	size_t rx_len, rx_cap;
	unsigned out_count;
	size_t out_bytes;        /* text bytes queued in out_head..out_tail */
	uint32_t rate_tokens;    /* message rate bucket, in 1/1000 messages */
	int64_t rate_ms;         /* when it was last filled */
	int64_t seen_ms;         /* newest frame (dispatch.c) */
	int64_t seen_written_ms; /* newest one queued for the database */
	int64_t hb_seen_ms;      /* newest Heartbeat */
	int64_t hb_written_ms;   /* newest one queued for the database */
	uint16_t close_code;
	uint16_t peer_close_code;
	const char *close_why; /* static */
	uint8_t boot_status;   /* enum boot_status */
	int64_t heard_ms;      /* newest frame or pong from the peer */
	int64_t probe_ms;      /* probation: since when, and whom it probes */
	uint64_t probe_ref;
	unsigned boot_seen : 1, preboot_logged : 1, replaced : 1, closing : 1,
	    live : 1, probation : 1, ping_due : 1, refused : 1;
};

/*
 * Binds the listening socket and serves until ws_stop() and the drain are
 * done.  known: the registered charge points, id -> struct cp_sec *
 * (ownership passes).
 * Returns 0 after a clean shutdown, -1 with err set when it could not
 * start (err is the whole "cannot listen on ...: ..." line).
 */
int ws_run(const struct csms_config *cfg, struct strmap *known, char *err,
           size_t errlen);
/* Can the listening address be bound?  Checked before the database is
 * touched, so a second ocppd on a busy port changes nothing. */
int ws_probe(const struct csms_config *cfg, char *err, size_t errlen);
/* Async-signal-safe: begin the graceful shutdown / reopen the log. */
void ws_request_stop(void);
void ws_request_reopen(void);
/* Queues a frame on a connection (takes ownership). */
void ws_send(struct conn *c, struct frame *f);

/* For the control socket's ops (event loop thread only). */
struct conn *ws_conn_find(const char *cp_id); /* the live link, or NULL */
unsigned ws_conn_count(void);
/* Calls fn for every live link (in no particular order). */
void ws_conn_each(void (*fn)(struct conn *c, void *arg), void *arg);
/* Replaces (or adds) a charge point's entry in the handshake's map
 * (ownership of sec passes on success); 0 ok, -1 out of memory. */
int ws_known_set(const char *cp_id, struct cp_sec *sec);
/* 0 once shutdown began: no new commands. */
int ws_accepting(void);

#endif
