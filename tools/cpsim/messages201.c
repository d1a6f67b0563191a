/*
 * messages201.c — station-to-CSMS payloads of OCPP 2.0.1 (messages201.h).
 * No JSON tree, as messages.c: the load generator shares these.
 */
#include "messages201.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "frame.h"
#include "messages.h"

static int m201_fit(int r, size_t n)
{
	return r < 0 || (size_t)r >= n ? -1 : r;
}

/* Escape into a small buffer; an over-long value is cut, never overrun. */
static const char *m201_esc(const char *in, char *buf, size_t n)
{
	if (!in)
		in = "";
	if (frame_json_escape(in, strlen(in), buf, n) < 0)
		buf[0] = '\0';
	return buf;
}

/* Append to out at *r; -1 once it no longer fits. */
static int m201_add(char *out, size_t n, int *r, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int m201_add(char *out, size_t n, int *r, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*r < 0 || (size_t)*r >= n)
		return *r = -1;
	va_start(ap, fmt);
	k = vsnprintf(out + *r, n - (size_t)*r, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)(*r + k) >= n)
		return *r = -1;
	*r += k;
	return 0;
}

int msg201_boot(char *out, size_t n, const struct boot_info *b,
                const char *reason)
{
	char v[128], m[128], f[256], s[128];
	int r = 0;

	m201_add(out, n, &r,
	         "{\"reason\":\"%s\",\"chargingStation\":{\"model\":\"%s\","
	         "\"vendorName\":\"%s\"",
	         reason, m201_esc(b->model, m, sizeof m),
	         m201_esc(b->vendor, v, sizeof v));
	if (b->firmware && *b->firmware)
		m201_add(out, n, &r, ",\"firmwareVersion\":\"%s\"",
		         m201_esc(b->firmware, f, sizeof f));
	if (b->serial && *b->serial)
		m201_add(out, n, &r, ",\"serialNumber\":\"%s\"",
		         m201_esc(b->serial, s, sizeof s));
	m201_add(out, n, &r, "}}");
	return r;
}

int msg201_status(char *out, size_t n, const char *ts, const char *status,
                  int evse, int connector)
{
	return m201_fit(
	    snprintf(out, n,
	             "{\"timestamp\":\"%s\",\"connectorStatus\":\"%s\","
	             "\"evseId\":%d,\"connectorId\":%d}",
	             ts, status, evse, connector),
	    n);
}

int msg201_authorize(char *out, size_t n, const char *id_token)
{
	char t[128];

	return m201_fit(snprintf(out, n,
	                         "{\"idToken\":{\"idToken\":\"%s\","
	                         "\"type\":\"ISO14443\"}}",
	                         m201_esc(id_token, t, sizeof t)),
	                n);
}

/* One MeterValueType: the energy register and the power drawn. */
static void meter_value(char *out, size_t n, int *r, const char *ts,
                        long long energy_wh, long long power_w,
                        const char *context)
{
	m201_add(out, n, r,
	         "[{\"timestamp\":\"%s\",\"sampledValue\":["
	         "{\"value\":%lld,\"context\":\"%s\","
	         "\"measurand\":\"Energy.Active.Import.Register\","
	         "\"unitOfMeasure\":{\"unit\":\"Wh\"}},"
	         "{\"value\":%lld,\"context\":\"%s\","
	         "\"measurand\":\"Power.Active.Import\","
	         "\"unitOfMeasure\":{\"unit\":\"W\"}}]}]",
	         ts, energy_wh, context, power_w, context);
}

int msg201_tx_event(char *out, size_t n, const struct tx201_event *e)
{
	char t[128], x[128];
	int r = 0;

	m201_add(out, n, &r,
	         "{\"eventType\":\"%s\",\"timestamp\":\"%s\","
	         "\"triggerReason\":\"%s\",\"seqNo\":%d,"
	         "\"transactionInfo\":{\"transactionId\":\"%s\"",
	         e->type, e->ts, e->trigger, e->seq_no,
	         m201_esc(e->tx_id, x, sizeof x));
	if (e->charging_state)
		m201_add(out, n, &r, ",\"chargingState\":\"%s\"",
		         e->charging_state);
	if (e->stopped_reason)
		m201_add(out, n, &r, ",\"stoppedReason\":\"%s\"",
		         e->stopped_reason);
	if (e->remote_start_id >= 0)
		m201_add(out, n, &r, ",\"remoteStartId\":%d",
		         e->remote_start_id);
	m201_add(out, n, &r, "}");
	if (e->id_token)
		m201_add(
		    out, n, &r,
		    ",\"idToken\":{\"idToken\":\"%s\",\"type\":\"ISO14443\"}",
		    m201_esc(e->id_token, t, sizeof t));
	if (e->evse > 0)
		m201_add(out, n, &r, ",\"evse\":{\"id\":%d,\"connectorId\":1}",
		         e->evse);
	if (e->energy_wh >= 0) {
		m201_add(out, n, &r, ",\"meterValue\":");
		meter_value(out, n, &r, e->ts, e->energy_wh, e->power_w,
		            e->context ? e->context : "Sample.Periodic");
	}
	m201_add(out, n, &r, "}");
	return r;
}

int msg201_meter(char *out, size_t n, int evse, const char *ts,
                 long long energy_wh, long long power_w, const char *context)
{
	int r = 0;

	m201_add(out, n, &r, "{\"evseId\":%d,\"meterValue\":", evse);
	meter_value(out, n, &r, ts, energy_wh, power_w, context);
	m201_add(out, n, &r, "}");
	return r;
}
