/*
 * load_mix201.c — load mode's frames for an OCPP 2.0.1 charge point: the
 * same 20-message cycle as 1.6 (load_mix.h), with 2.0.1's messages.
 * Authorize, StatusNotification Occupied (Preparing, Charging, Finishing
 * in 1.6) and Available, TransactionEvent Started, ten Updated with the
 * energy register (MeterValues when no transaction runs), Ended, and
 * Heartbeats.  The payloads come from messages201.c, as in session mode.
 */
#include "load_mix.h"

#include <stdio.h>
#include <string.h>

#include "messages.h"
#include "messages201.h"

static int in_tx(const struct lcp_view *cp)
{
	return cp->tx_id >= 0;
}

const char *load_mix_action201(enum lmsg m, int tx)
{
	switch (m) {
	case LM_START:
	case LM_STOP:
		return "TransactionEvent";
	case LM_METER:
		return tx ? "TransactionEvent" : "MeterValues";
	default:
		return load_mix_action(m);
	}
}

static int tx_event(char *out, size_t n, enum lmsg m, const struct lcp_view *cp,
                    const char *tag, const char *ts, uint32_t run, int seq)
{
	struct tx201_event e;
	char txid[40];

	snprintf(txid, sizeof txid, "%u-%x-%d", cp->idx + 1, run, cp->tx_id);
	memset(&e, 0, sizeof e);
	e.ts = ts;
	e.seq_no = seq;
	e.tx_id = txid;
	e.remote_start_id = -1;
	e.energy_wh = cp->meter_wh;
	e.power_w = 11000;
	if (m == LM_START) {
		e.type = "Started";
		e.trigger = "Authorized";
		e.charging_state = "Charging";
		e.id_token = tag;
		e.evse = 1;
		e.context = "Transaction.Begin";
	} else if (m == LM_STOP) {
		e.type = "Ended";
		e.trigger = "StopAuthorized";
		e.charging_state = "Idle";
		e.stopped_reason = "Local";
		e.power_w = 0;
		e.context = "Transaction.End";
	} else {
		e.type = "Updated";
		e.trigger = "MeterValuePeriodic";
		e.context = "Sample.Periodic";
	}
	return msg201_tx_event(out, n, &e);
}

int load_mix_build201(char *buf, size_t n, enum lmsg m, uint32_t id,
                      const struct lcp_view *cp, const char *ts, uint32_t run,
                      int seq)
{
	char tag[24];
	int h, p;
	size_t room;

	h = snprintf(buf, n, "[2,\"%u\",\"%s\",", id,
	             load_mix_action201(m, in_tx(cp)));
	if (h < 0 || (size_t)h >= n)
		return -1;
	room = n - (size_t)h - 1; /* keep one byte for ']' */
	snprintf(tag, sizeof tag, "LT%07u", cp->idx + 1);
	switch (m) {
	case LM_BOOT: {
		struct boot_info b = {"cpsim", "cpsim-load", "cpsim-1.0", NULL};

		p = msg201_boot(buf + h, room, &b, "PowerUp");
		break;
	}
	case LM_HEARTBEAT:
		p = msg_heartbeat(buf + h, room);
		break;
	case LM_AUTHORIZE:
		p = msg201_authorize(buf + h, room, tag);
		break;
	case LM_STATUS_PREPARING:
	case LM_STATUS_CHARGING:
	case LM_STATUS_FINISHING:
		p = msg201_status(buf + h, room, ts, "Occupied", 1, 1);
		break;
	case LM_STATUS_AVAILABLE:
		p = msg201_status(buf + h, room, ts, "Available", 1, 1);
		break;
	case LM_START:
	case LM_STOP:
		p = in_tx(cp)
		        ? tx_event(buf + h, room, m, cp, tag, ts, run, seq)
		        : -1;
		break;
	case LM_METER:
		p = in_tx(cp)
		        ? tx_event(buf + h, room, m, cp, tag, ts, run, seq)
		        : msg201_meter(buf + h, room, 1, ts, cp->meter_wh, 0,
		                       "Sample.Periodic");
		break;
	default:
		return -1;
	}
	if (p < 0)
		return -1;
	buf[h + p] = ']';
	buf[h + p + 1] = '\0';
	return h + p + 1;
}
