/*
 * load_mix.c — the load generator's message cycle and frame templates.
 * Payload shapes come from messages.c so load and session modes send the
 * same, schema-valid, messages.
 */
#include "load_mix.h"

#include <stdio.h>
#include <string.h>

#include "messages.h"

static const enum lmsg realistic[LOAD_MIX_CYCLE] = {
    LM_AUTHORIZE,
    LM_STATUS_PREPARING,
    LM_START,
    LM_STATUS_CHARGING,
    LM_METER,
    LM_METER,
    LM_METER,
    LM_METER,
    LM_METER,
    LM_METER,
    LM_METER,
    LM_METER,
    LM_METER,
    LM_METER,
    LM_STOP,
    LM_STATUS_FINISHING,
    LM_STATUS_AVAILABLE,
    LM_HEARTBEAT,
    LM_HEARTBEAT,
    LM_HEARTBEAT,
};

static const char *const actions[LM_COUNT] = {
    [LM_BOOT] = "BootNotification",
    [LM_HEARTBEAT] = "Heartbeat",
    [LM_AUTHORIZE] = "Authorize",
    [LM_STATUS_PREPARING] = "StatusNotification",
    [LM_START] = "StartTransaction",
    [LM_STATUS_CHARGING] = "StatusNotification",
    [LM_METER] = "MeterValues",
    [LM_STOP] = "StopTransaction",
    [LM_STATUS_FINISHING] = "StatusNotification",
    [LM_STATUS_AVAILABLE] = "StatusNotification",
    [LM_STATUS_CONNECTOR] = "StatusNotification",
};

enum lmsg load_mix_at(enum load_mix mix, unsigned pos)
{
	switch (mix) {
	case MIX_REALISTIC:
		return realistic[pos % LOAD_MIX_CYCLE];
	case MIX_METER:
		return LM_METER;
	case MIX_HEARTBEAT:
	case MIX_HOLD:
	case MIX_STORM:
	default:
		return LM_HEARTBEAT;
	}
}

unsigned load_mix_start(uint32_t idx)
{
	return idx % LOAD_MIX_CYCLE;
}

const char *load_mix_action(enum lmsg m)
{
	return (unsigned)m < LM_COUNT ? actions[m] : "?";
}

int load_mix_build(char *buf, size_t n, enum lmsg m, uint32_t id,
                   const struct lcp_view *cp, const char *ts)
{
	char tag[24];
	int h, p;
	size_t room;

	h = snprintf(buf, n, "[2,\"%u\",\"%s\",", id, load_mix_action(m));
	if (h < 0 || (size_t)h >= n)
		return -1;
	room = n - (size_t)h - 1; /* keep one byte for ']' */
	snprintf(tag, sizeof tag, "LT%07u", cp->idx + 1);
	switch (m) {
	case LM_BOOT: {
		struct boot_info b = {"cpsim", "cpsim-load", "cpsim-1.0", NULL};

		p = msg_boot(buf + h, room, &b);
		break;
	}
	case LM_HEARTBEAT:
		p = msg_heartbeat(buf + h, room);
		break;
	case LM_AUTHORIZE:
		p = msg_authorize(buf + h, room, tag);
		break;
	case LM_STATUS_PREPARING:
		p = msg_status(buf + h, room, 1, "Preparing", NULL, NULL, ts);
		break;
	case LM_STATUS_CHARGING:
		p = msg_status(buf + h, room, 1, "Charging", NULL, NULL, ts);
		break;
	case LM_STATUS_FINISHING:
		p = msg_status(buf + h, room, 1, "Finishing", NULL, NULL, ts);
		break;
	case LM_STATUS_AVAILABLE:
		p = msg_status(buf + h, room, 1, "Available", NULL, NULL, ts);
		break;
	case LM_STATUS_CONNECTOR:
		p = msg_status(buf + h, room, cp->connector, "Available", NULL,
		               NULL, ts);
		break;
	case LM_START:
		p = msg_start(buf + h, room, 1, tag, cp->meter_wh, ts);
		break;
	case LM_METER:
		p = msg_meter(buf + h, room, 1, cp->tx_id, ts, cp->meter_wh,
		              cp->tx_id >= 0 ? 11000 : 0, "Sample.Periodic");
		break;
	case LM_STOP:
		p = msg_stop(buf + h, room, cp->tx_id, tag, cp->meter_wh, ts,
		             "Local");
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
