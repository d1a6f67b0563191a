/*
 * messages.c — CP-to-central-system payloads.  No JSON tree: the load
 * generator builds the same shapes at high rate, and both modes stay in
 * agreement by sharing these functions.
 */
#include "messages.h"

#include <stdio.h>
#include <string.h>

#include "frame.h"

static int msg_fit(int r, size_t n)
{
	return r < 0 || (size_t)r >= n ? -1 : r;
}

/* Escape into a small buffer; an over-long value is cut, never overrun. */
static const char *msg_esc(const char *in, char *buf, size_t n)
{
	if (!in)
		in = "";
	if (frame_json_escape(in, strlen(in), buf, n) < 0)
		buf[0] = '\0';
	return buf;
}

int msg_boot(char *out, size_t n, const struct boot_info *b)
{
	char v[128], m[128], f[256], s[128];
	int r;

	r = snprintf(
	    out, n, "{\"chargePointVendor\":\"%s\",\"chargePointModel\":\"%s\"",
	    msg_esc(b->vendor, v, sizeof v), msg_esc(b->model, m, sizeof m));
	if (msg_fit(r, n) < 0)
		return -1;
	if (b->firmware && *b->firmware)
		r += snprintf(out + r, n - (size_t)r,
		              ",\"firmwareVersion\":\"%s\"",
		              msg_esc(b->firmware, f, sizeof f));
	if (msg_fit(r, n) < 0)
		return -1;
	if (b->serial && *b->serial)
		r += snprintf(out + r, n - (size_t)r,
		              ",\"chargePointSerialNumber\":\"%s\"",
		              msg_esc(b->serial, s, sizeof s));
	if (msg_fit(r, n) < 0)
		return -1;
	r += snprintf(out + r, n - (size_t)r, "}");
	return msg_fit(r, n);
}

int msg_heartbeat(char *out, size_t n)
{
	return msg_fit(snprintf(out, n, "{}"), n);
}

int msg_authorize(char *out, size_t n, const char *id_tag)
{
	char t[128];

	return msg_fit(snprintf(out, n, "{\"idTag\":\"%s\"}",
	                        msg_esc(id_tag, t, sizeof t)),
	               n);
}

int msg_status(char *out, size_t n, int connector, const char *status,
               const char *error_code, const char *info, const char *ts)
{
	char i[256];
	int r;

	r = snprintf(
	    out, n,
	    "{\"connectorId\":%d,\"errorCode\":\"%s\",\"status\":\"%s\"",
	    connector, error_code ? error_code : "NoError", status);
	if (msg_fit(r, n) < 0)
		return -1;
	if (info && *info)
		r += snprintf(out + r, n - (size_t)r, ",\"info\":\"%s\"",
		              msg_esc(info, i, sizeof i));
	if (msg_fit(r, n) < 0)
		return -1;
	r += snprintf(out + r, n - (size_t)r, ",\"timestamp\":\"%s\"}", ts);
	return msg_fit(r, n);
}

int msg_start(char *out, size_t n, int connector, const char *id_tag,
              long long meter_start, const char *ts)
{
	return msg_start_reserved(out, n, connector, id_tag, meter_start, ts,
	                          -1);
}

int msg_start_reserved(char *out, size_t n, int connector, const char *id_tag,
                       long long meter_start, const char *ts,
                       long long reservation_id)
{
	char t[128], res[48] = "";

	if (reservation_id >= 0)
		snprintf(res, sizeof res, ",\"reservationId\":%lld",
		         reservation_id);
	return msg_fit(snprintf(out, n,
	                        "{\"connectorId\":%d,\"idTag\":\"%s\","
	                        "\"meterStart\":%lld%s,\"timestamp\":\"%s\"}",
	                        connector, msg_esc(id_tag, t, sizeof t),
	                        meter_start, res, ts),
	               n);
}

int msg_stop(char *out, size_t n, int tx_id, const char *id_tag,
             long long meter_stop, const char *ts, const char *reason)
{
	char t[128], tag[160] = "";

	if (id_tag && *id_tag)
		snprintf(tag, sizeof tag, "\"idTag\":\"%s\",",
		         msg_esc(id_tag, t, sizeof t));
	return msg_fit(
	    snprintf(out, n,
	             "{\"transactionId\":%d,%s\"meterStop\":%lld,"
	             "\"timestamp\":\"%s\",\"reason\":\"%s\","
	             "\"transactionData\":[{\"timestamp\":\"%s\","
	             "\"sampledValue\":[{\"value\":\"%lld\","
	             "\"context\":\"Transaction.End\","
	             "\"measurand\":\"Energy.Active.Import.Register\","
	             "\"location\":\"Outlet\",\"unit\":\"Wh\"}]}]}",
	             tx_id, tag, meter_stop, ts, reason, ts, meter_stop),
	    n);
}

int msg_meter(char *out, size_t n, int connector, int tx_id, const char *ts,
              long long energy_wh, long long power_w, const char *context)
{
	char tx[32] = "";

	if (tx_id >= 0)
		snprintf(tx, sizeof tx, "\"transactionId\":%d,", tx_id);
	return msg_fit(
	    snprintf(out, n,
	             "{\"connectorId\":%d,%s\"meterValue\":[{"
	             "\"timestamp\":\"%s\",\"sampledValue\":["
	             "{\"value\":\"%lld\",\"context\":\"%s\","
	             "\"measurand\":\"Energy.Active.Import.Register\","
	             "\"location\":\"Outlet\",\"unit\":\"Wh\"},"
	             "{\"value\":\"%lld\",\"context\":\"%s\","
	             "\"measurand\":\"Power.Active.Import\","
	             "\"location\":\"Outlet\",\"unit\":\"W\"}]}]}",
	             connector, tx, ts, energy_wh, context, power_w, context),
	    n);
}

int msg_diag_status(char *out, size_t n, const char *status)
{
	return msg_fit(snprintf(out, n, "{\"status\":\"%s\"}", status), n);
}

int msg_fw_status(char *out, size_t n, const char *status)
{
	return msg_fit(snprintf(out, n, "{\"status\":\"%s\"}", status), n);
}

int msg_meter_phases(char *out, size_t n, int connector, int tx_id,
                     const char *ts, long long energy_wh, long long power_w,
                     double amps, const char *context)
{
	char tx[32] = "";

	if (tx_id >= 0)
		snprintf(tx, sizeof tx, "\"transactionId\":%d,", tx_id);
	return msg_fit(
	    snprintf(out, n,
	             "{\"connectorId\":%d,%s\"meterValue\":[{"
	             "\"timestamp\":\"%s\",\"sampledValue\":["
	             "{\"value\":\"%lld\",\"context\":\"%s\","
	             "\"measurand\":\"Energy.Active.Import.Register\","
	             "\"location\":\"Outlet\",\"unit\":\"Wh\"},"
	             "{\"value\":\"%lld\",\"context\":\"%s\","
	             "\"measurand\":\"Power.Active.Import\","
	             "\"location\":\"Outlet\",\"unit\":\"W\"},"
	             "{\"value\":\"%.1f\",\"context\":\"%s\","
	             "\"measurand\":\"Current.Import\",\"phase\":\"L1\","
	             "\"location\":\"Outlet\",\"unit\":\"A\"},"
	             "{\"value\":\"%.1f\",\"context\":\"%s\","
	             "\"measurand\":\"Current.Import\",\"phase\":\"L2\","
	             "\"location\":\"Outlet\",\"unit\":\"A\"},"
	             "{\"value\":\"%.1f\",\"context\":\"%s\","
	             "\"measurand\":\"Current.Import\",\"phase\":\"L3\","
	             "\"location\":\"Outlet\",\"unit\":\"A\"}]}]}",
	             connector, tx, ts, energy_wh, context, power_w, context,
	             amps, context, amps, context, amps, context),
	    n);
}
