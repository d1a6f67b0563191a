/*
 * load_mix.h — what each simulated charge point sends in load mode, and
 * the frames for it, built with snprintf into a caller's buffer (no JSON
 * tree, no allocation: this runs tens of thousands of times a second).
 *
 * The "realistic" mix is a 20-message cycle per charge point:
 *   Authorize, StatusNotification Preparing, StartTransaction,
 *   StatusNotification Charging, 10 x MeterValues, StopTransaction,
 *   StatusNotification Finishing, StatusNotification Available,
 *   3 x Heartbeat
 * i.e. 50% MeterValues, 20% StatusNotification, 15% Heartbeat and 5% each
 * Authorize, StartTransaction and StopTransaction.  Each charge point
 * starts at a different point of the cycle so the aggregate mix is even
 * from the first second.
 */
#ifndef CPSIM_LOAD_MIX_H
#define CPSIM_LOAD_MIX_H

#include <stddef.h>
#include <stdint.h>

#include "opts.h"

enum lmsg {
	LM_BOOT,
	LM_HEARTBEAT,
	LM_AUTHORIZE,
	LM_STATUS_PREPARING,
	LM_START,
	LM_STATUS_CHARGING,
	LM_METER,
	LM_STOP,
	LM_STATUS_FINISHING,
	LM_STATUS_AVAILABLE,
	LM_STATUS_CONNECTOR, /* storm: Available for cp->connector (0..N) */
	LM_COUNT
};

#define LOAD_MIX_CYCLE 20

/* What the builder needs to know about one charge point. */
struct lcp_view {
	uint32_t idx;      /* 0-based; identity PREFIX%07u is idx + 1 */
	int32_t tx_id;     /* -1: no transaction */
	uint32_t meter_wh; /* energy register */
	int connector;     /* LM_STATUS_CONNECTOR */
};

/* The message at cycle position pos (0..LOAD_MIX_CYCLE-1). */
enum lmsg load_mix_at(enum load_mix mix, unsigned pos);
/* The start position for charge point idx, spreading the cycle. */
unsigned load_mix_start(uint32_t idx);

const char *load_mix_action(enum lmsg m);

/*
 * Build the CALL frame for message m with id into buf.  ts is the
 * timestamp to use.  Returns the length, or -1 if it does not fit.
 */
int load_mix_build(char *buf, size_t n, enum lmsg m, uint32_t id,
                   const struct lcp_view *cp, const char *ts);

/* The 2.0.1 action of message m (TransactionEvent for Start, Stop and a
 * meter sample in a transaction; MeterValues outside one). */
const char *load_mix_action201(enum lmsg m, int in_tx);
/*
 * load_mix_build for a 2.0.1 charge point (load_mix201.c): the same cycle
 * as TransactionEvents.  cp->tx_id is then the charge point's transaction
 * counter, made into its own string transactionId with run (the run's
 * start, so a new run's ids are new); seq is the event's seqNo.
 */
int load_mix_build201(char *buf, size_t n, enum lmsg m, uint32_t id,
                      const struct lcp_view *cp, const char *ts, uint32_t run,
                      int seq);

#endif
