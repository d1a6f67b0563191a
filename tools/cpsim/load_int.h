/*
 * load_int.h — load mode's shared state, between load.c (phases, pacing,
 * setup) and load_conn.c (one connection's protocol work).  Internal to
 * load mode; nothing else includes it.
 */
#ifndef CPSIM_LOAD_INT_H
#define CPSIM_LOAD_INT_H

#include <libwebsockets.h>
#include <stdint.h>

#include "load_mix.h"
#include "load_report.h"
#include "opts.h"
#include "url.h"

#define LOAD_TX_BUF           4096
#define LOAD_RX_BUF           1024
#define LOAD_SRC_ADDRS        200
#define LOAD_REPLY_TIMEOUT_US (30 * 1000000LL)
#define LOAD_CONNECT_GRACE_US (60 * 1000000LL)
#define LOAD_DRAIN_US         (3 * 1000000LL)
#define LOAD_CLOSE_US         (5 * 1000000LL)
/* --reconnect: how long the drain phase waits for charge points that are
 * still reconnecting and for their resent calls. */
#define LOAD_RECONNECT_DRAIN_US (45 * 1000000LL)

enum lstate {
	LS_WAITING,
	LS_CONNECTING,
	LS_BOOTING,
	LS_READY,
	LS_REJECTED,
	LS_FAILED,
	LS_CLOSED,
	LS_RECONNECTING /* --reconnect: link lost, next try at reconnect_us */
};
enum phase { P_CONNECT, P_TRAFFIC, P_DRAIN, P_CLOSE, P_DONE };
enum txs { TXS_NONE, TXS_STARTING, TXS_RUNNING };

/*
 * One call in flight.  What went into the frame is kept (timestamp,
 * transaction, register) so that --reconnect can build the same frame
 * again, id included, and --journal can record what was acknowledged.
 */
struct slot {
	int64_t sent_us; /* first send: latency includes any failover */
	int64_t due_us;  /* last send: the reply timeout counts from here */
	int64_t ts_ms;   /* the message's timestamp */
	uint32_t id;
	int32_t tx_id;
	uint32_t meter_wh;
	uint8_t kind;
	uint8_t used;
	uint8_t counted; /* sent in the traffic phase */
	uint8_t seq;     /* 2.0.1: the TransactionEvent's seqNo */
};

struct lconn {
	struct lws *wsi;
	uint32_t idx;
	uint32_t next_id;
	int32_t tx_id;
	uint32_t meter_wh;
	uint8_t state;
	uint8_t inflight;
	uint8_t cycle;
	uint8_t tx;
	uint8_t credits;
	uint8_t in_ring;
	uint8_t need_boot;
	uint8_t want_close;
	uint8_t was_ready; /* --reconnect: booted before the link dropped */
	uint8_t resend;    /* --reconnect: resend the slots when writable */
	uint8_t retries;   /* --reconnect: failed tries since the drop */
	uint8_t v201;      /* speaks OCPP 2.0.1 (load_mix201.c) */
	uint8_t seq;       /* 2.0.1: the next TransactionEvent's seqNo */
	uint32_t seed;     /* --reconnect: jitter */
	int64_t down_us;   /* --reconnect: when the link dropped */
	int64_t reconnect_us;
	int64_t reboot_us; /* storm: BootNotification again (Pending) */
	char *reply;       /* answer to a server CALL, rare */
	char *rx;          /* a message split over several reads, rare */
	uint32_t rx_len;
};

struct load {
	const struct cpsim_opts *o;
	const struct cp_url *u;
	struct lws_context *ctx;
	struct lconn *conns;
	struct slot *slots; /* K per connection */
	int n, k;
	enum phase phase;
	int64_t start_us, phase_us, traffic_end_us;
	int next_open, connecting, settled;
	int bind_src;
	char src[LOAD_SRC_ADDRS][16];
	char address[256];
	char host_hdr[300];
	char auth_hdr[512];
	/* rate mode */
	double rate;
	double granted;
	uint32_t *ring;
	int ring_head, ring_count;
	/* output */
	struct load_stats st;
	uint64_t last_sent, last_answered;
	int64_t last_status_us;
	int tty;
	char ts[32];
	int64_t ts_ms;
	unsigned char *txbuf;
	lws_sorted_usec_list_t sul;
	int done;
	int use_ev;
	int handled_signals;
	int reconnecting; /* charge points in LS_RECONNECTING */
	struct journal *journal;
	/* --mix storm */
	int storm_waiting; /* charge points told Pending, waiting to boot */
	FILE *curve;
	int64_t curve_us;
	uint32_t run; /* 2.0.1 transactionIds: the run's start (s) */
};

/* load_conn.c */
extern const struct lws_protocols load_protocols[];
extern const lws_retry_bo_t load_no_validity;
void load_open(struct load *L, struct lconn *c);
void load_release(struct load *L, struct lconn *c);
void load_boot_done(struct load *L, struct lconn *c, int accepted);
void load_ring_push(struct load *L, struct lconn *c);
struct lconn *load_ring_pop(struct load *L);
struct slot *load_slots_of(struct load *L, struct lconn *c);
void load_ident(struct load *L, const struct lconn *c, char *buf, size_t n);
/* Sends message m now (from a callback of c's link); -1 closes it. */
int load_send(struct load *L, struct lconn *c, enum lmsg m);

/* load_reconnect.c */
/* The link of a charge point dropped: 1 if it will reconnect. */
int load_reconnect_drop(struct load *L, struct lconn *c);
/* A reconnect attempt failed before the link was up. */
void load_reconnect_failed(struct load *L, struct lconn *c);
/* A reconnect attempt succeeded (the handshake is done). */
void load_reconnect_up(struct load *L, struct lconn *c);
/* Open the links that are due (from the tick). */
void load_reconnect_tick(struct load *L, int64_t now);
/* Write the unanswered calls again (from the writeable callback). */
int load_resend(struct load *L, struct lconn *c);
/* Calls still unanswered, for the end of the run. */
int load_unanswered(struct load *L);
/* Journal an answered Start/StopTransaction. */
void load_journal(struct load *L, struct lconn *c, const struct slot *s,
                  long long tx_id);

/* load_storm.c: --mix storm, a reconnect wave */
struct frame;
/* The answer to a BootNotification: Accepted goes on to the statuses,
 * Pending waits its interval and boots again. */
int load_storm_boot(struct load *L, struct lconn *c, const struct frame *f);
/* The answer to a connector's StatusNotification. */
int load_storm_status(struct load *L, struct lconn *c, const struct frame *f);
/* From the tick: Pending charge points due, the curve; 1 once every
 * charge point is online or out (or the deadline passed). */
int load_storm_tick(struct load *L, int64_t now);
int load_storm_open_curve(struct load *L, char *err, size_t errlen);
void load_storm_close_curve(struct load *L);

#endif
