/*
 * ws_int.h — what ws.c and ws_upgrade.c share: the transport's state and
 * the handshake's entry points.  Nothing outside the transport includes
 * it.
 */
#ifndef OCPPD_WS_INT_H
#define OCPPD_WS_INT_H

#include <libwebsockets.h>
#include <stdint.h>

#include "ws.h"

struct slot {
	struct conn *c;
	uint32_t gen;
	uint32_t next_free;
};

struct ws_state {
	const struct csms_config *cfg;
	const struct ws_ops *ops;
	struct lws_context *ctx;
	void *evloop; /* libev loop, or NULL: lws's poll() loop */
	int tls, client_certs;
	struct slot *slots;
	uint32_t nslots, cap, free_head;
	unsigned nconns;
	size_t out_bytes;       /* queued on every link together */
	int refusing;           /* ws_stop_accepting ran */
	int draining;           /* ws_set_draining(1) */
	unsigned drain_refused; /* handshakes refused while draining */
	int broken;             /* ws_break ran */
	void (*timer_fn)(void);
	lws_sorted_usec_list_t timer;
	lws_sorted_usec_list_t idle_timer; /* pings of silent links */
	unsigned churn;  /* links opened and closed since the last trim */
	unsigned opened; /* links opened since the last idle walk */
};

extern struct ws_state ws_st;

/* LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: 0 to go on, 1 refused (the answer
 * is written), -1 to hang up. */
int ws_confirm_upgrade(struct lws *wsi, const char *upgrade);
/* A plain HTTP request (no upgrade): GET /healthz, else 400. */
int ws_plain_http(struct lws *wsi, const char *uri);
/* The percent-decoded request path: 0, -1 unreadable, -2 a literal ';'
 * or '&' in it. */
int ws_path_of(struct lws *wsi, char *buf, size_t size);

#endif
