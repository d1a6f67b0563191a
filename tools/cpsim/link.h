/*
 * link.h — one WebSocket client connection for the session and scenario
 * modes: an lws transport adapter and nothing more.
 *
 * It connects (ws:// or wss://, optional HTTP Basic auth, the subprotocol
 * list to offer), reassembles incoming text messages, queues outgoing ones
 * and reports what happened through four callbacks.  It knows nothing
 * about OCPP.  Everything runs on the caller's thread inside link_run().
 */
#ifndef CPSIM_LINK_H
#define CPSIM_LINK_H

#include <stddef.h>

#include "url.h"

struct link;

struct link_opts {
	const struct cp_url *url;
	const char *path;         /* request path with the encoded identity */
	const char *subprotocols; /* "ocpp1.6" or a list; NULL: no header */
	const char *basic_auth;   /* "user:pass" or NULL */
	const char *ca_file;      /* wss: CA bundle, NULL for the system's */
	int insecure;             /* wss: accept any certificate */
	const char *cert_file;    /* wss: client certificate (PEM) or NULL */
	const char *key_file;     /* its key */
	int verbose;              /* print every frame on stderr */
	const char *tag;          /* prefix for verbose lines (identity) */
};

struct link_ops {
	/* The handshake succeeded; subprotocol is the server's choice ("" if
	 * it named none). */
	void (*connected)(void *ud, const char *subprotocol);
	/* One complete text message, NUL-terminated. */
	void (*message)(void *ud, char *text, size_t len);
	/*
	 * The connection is gone.  was_open: it had been established.
	 * http_status: the refused handshake's status, or 0.  why: a short
	 * human-readable reason.
	 */
	void (*closed)(void *ud, int was_open, int http_status,
	               const char *why);
	/* Every 100 ms, connected or not. */
	void (*tick)(void *ud);
};

struct link *link_new(const struct link_opts *o, const struct link_ops *ops,
                      void *ud, char *err, size_t errlen);
void link_free(struct link *l);

/* Start connecting; the result arrives as connected() or closed(). */
int link_connect(struct link *l);
int link_is_open(const struct link *l);
int link_is_busy(const struct link *l); /* connecting or open */

/* Queue one text message (copied); -1 when not connected. */
int link_send(struct link *l, const char *text, size_t len);

/* Close with a close frame carrying code (1000 normal). */
void link_close(struct link *l, int code);
/* Drop the TCP connection without a close frame (a lost link). */
void link_drop(struct link *l);

/* Service until link_stop(); returns 0, or -1 if lws failed. */
int link_run(struct link *l);
void link_stop(struct link *l);

#endif
