/*
 * ws.h — the WebSocket transport (libwebsockets server): the listening
 * socket, the handshake's HTTP-level checks, connection slots, frame
 * reassembly, the per-link limits (frame size, message rate), the
 * outgoing queues and their bounds, pings and closing.  It knows nothing
 * of OCPP but the subprotocol name: the layer above hands it a struct
 * ws_ops and gets complete text frames.
 *
 * It also runs the event loop (lws on libev, or lws's poll()): the layer
 * above gets a wake-up hook (ws_wake from any thread) and one timer.
 */
#ifndef OCPPD_WS_H
#define OCPPD_WS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "frame.h"
#include "handshake.h"

struct lws;
struct lws_context;
struct session;

/* One charge point link: lws's per-session data, kept small (15,000 of
 * them must fit in a few KB each); buffers grow only when used. */
struct conn {
	struct lws *wsi;
	char *cp_id;        /* owned: the identity from the request path */
	uint64_t ref;       /* slot + generation: survives in queued jobs */
	struct session *up; /* the layer above's (ws_ops), opaque here */
	struct frame *out_head, *out_tail;
	char *rx; /* reassembly of a fragmented message */
	size_t rx_len, rx_cap;
	unsigned out_count;
	size_t out_bytes;     /* text bytes queued in out_head..out_tail */
	uint32_t rate_tokens; /* message rate bucket, in 1/1000 messages */
	int64_t rate_ms;      /* when it was last filled */
	int64_t heard_ms;     /* newest frame or pong from the peer */
	int64_t pinged_ms;    /* the idle ping last sent */
	uint16_t close_code;
	uint16_t peer_close_code;
	uint8_t proto; /* enum ocpp_proto (handshake.h): the subprotocol */
	const char *close_why; /* static */
	const char *gone_why;  /* static: the disconnect line's reason */
	unsigned closing : 1, live : 1, paused : 1, ping_due : 1;
	unsigned leaving : 1; /* drain.c decided to close it */
};

/* What the layer above does with links (all on the event loop). */
struct ws_ops {
	/* The handshake passed the HTTP-level checks: may this client be
	 * this charge point?  0 yes; else v says the refusal. */
	int (*admit)(const struct handshake_hello *h,
	             struct handshake_verdict *v);
	/* A link is up (c->cp_id set); -1 closes it. */
	int (*on_open)(struct conn *c);
	/* A complete text message. */
	void (*on_frame)(struct conn *c, const char *text, size_t len);
	/* The link is gone; c->up is the caller's to free. */
	void (*on_close)(struct conn *c);
	/* A handshake naming cp_id was refused (status: HTTP), before any
	 * link existed; optional. */
	void (*on_refused)(const char *cp_id, unsigned status, const char *why,
	                   const char *peer);
	/* ws_wake() was called (from any thread), or the loop woke. */
	void (*on_wake)(void);
	/* Bytes the layer above keeps per link (c->up), allocated with the
	 * link: no allocation of its own per connection. */
	size_t up_size;
};

/* Can the listening address be bound?  Checked before the database is
 * touched, so a second ocppd on a busy port changes nothing. */
int ws_probe(const struct csms_config *cfg, char *err, size_t errlen);
/* Binds the listening socket and creates the loop; -1 with err set (the
 * whole "cannot listen on ...: ..." line). */
int ws_start(const struct csms_config *cfg, const struct ws_ops *ops, char *err,
             size_t errlen);
/* For other sockets on the same loop (the control socket). */
struct lws_context *ws_context(void);
/* Announces the listening socket and serves until ws_break(). */
void ws_run(void);
void ws_break(void);
/* Closes every link and the loop. */
void ws_destroy(void);
/* Thread-safe and async-signal-safe: on_wake runs soon on the loop. */
void ws_wake(void);
/* Calls fn once, ms from now, on the loop (one timer; re-arm in fn). */
void ws_timer(void (*fn)(void), unsigned ms);

/* New handshakes get 503 "shutting down" from now on. */
void ws_stop_accepting(void);
/* 0 once ws_stop_accepting ran. */
int ws_accepting(void);

/* A drain (drain.c): while on, new handshakes get 503 "draining" and
 * GET /healthz 503; off, both are as before.  Counts the refusals. */
void ws_set_draining(int on);
int ws_draining(void);
unsigned ws_drain_refused(void);
/* The next link at or after slot *cursor (which moves past it), or
 * NULL at the end: for walking the links a few at a time. */
struct conn *ws_conn_next(uint32_t *cursor);

/* Queues a frame on a link (takes ownership). */
void ws_send(struct conn *c, struct frame *f);
/* Sends the close frame after what is queued (code: RFC 6455). */
void ws_close(struct conn *c, uint16_t code, const char *why);
/* Sends a ping now-ish (a pong moves c->heard_ms). */
void ws_ping(struct conn *c);
/* Stops (1) or resumes (0) reading from the link; what arrives in
 * between waits in the socket. */
void ws_pause(struct conn *c, int paused);
/* Why a link closed, as the disconnect log line says it. */
void ws_gone_reason(const struct conn *c, char *out, size_t outlen);
/* The peer's address, for log lines. */
void ws_peer(const struct conn *c, char *out, size_t outlen);
/* The link of a reference (NULL: closed meanwhile). */
struct conn *ws_conn_by_ref(uint64_t ref);
/* Live links, all of them. */
unsigned ws_conn_count(void);
/* Closes every link (1001); 1 when none has frames still queued. */
void ws_close_all(void);
int ws_all_flushed(void);

#endif
