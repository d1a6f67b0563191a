/*
 * ui-format.h — the dashboard's pure helpers: how times, energy, money and
 * statuses read on a page, and the query strings of its links (parameters
 * are read by param.h).
 *
 * Nothing here touches the database, the request or the clock (callers
 * pass "now"), so every function is unit-tested on its own
 * (tests/unit/test_ui_format.c).  Output buffers are always NUL-terminated
 * and truncated rather than overrun.
 */
#ifndef CSMS_UI_FORMAT_H
#define CSMS_UI_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* "just now", "12 s ago", "5 min ago", "3 h ago", "2 d ago"; "" for
 * DB_NULL_TIME.  A time in the future (clock skew) reads "just now". */
void ui_fmt_ago(int64_t then_ms, int64_t now_ms, char *buf, size_t n);

/* "45 s", "12 min 03 s", "1 h 05 min", "2 d 3 h"; negative is "0 s". */
void ui_fmt_duration(int64_t ms, char *buf, size_t n);

/* "2025-11-25 13:00:01" (UTC, seconds); "" for DB_NULL_TIME. */
void ui_fmt_datetime(int64_t ms, char *buf, size_t n);
/* "2025-11-25T13:00:01.000Z" for <time datetime=…>; "" for DB_NULL_TIME. */
void ui_fmt_iso(int64_t ms, char *buf, size_t n);

/* Energy in Wh as kWh with `decimals` (0..3) places and thousands
 * separators, rounded as money_format_kwh rounds (half away from zero, on
 * whole Wh): ui_fmt_kwh(1234567, 2) is "1,234.57". */
void ui_fmt_kwh(double wh, int decimals, char *buf, size_t n);
/* Cents (money_cost_cents) with two decimals and thousands separators:
 * 123456 is "1,234.56". */
void ui_fmt_money(long long cents, char *buf, size_t n);
/* An integer with thousands separators: "1,000,000". */
void ui_fmt_count(long long v, char *buf, size_t n);

/* The CSS class of an OCPP 1.6 ChargePointStatus ("st-charging"); unknown
 * or NULL statuses get "st-unknown" so a new value never breaks a page. */
const char *ui_status_class(const char *status);

/* charge_points.protocol ("ocpp2.0.1", "ocpp1.6", NULL for one that
 * never said) as shown: "2.0.1" or "1.6"; 1 from ui_protocol_201 for a
 * 2.0.1 station. */
const char *ui_protocol_label(const char *protocol);
int ui_protocol_201(const char *protocol);

/* Number of pages for total rows at per_page per page; at least 1. */
long ui_page_count(long long total, long per_page);

/*
 * A query string built from name/value pairs, skipping NULL and empty
 * values, percent-encoding both ("cp_id=CP%201&page=2").  The result is not
 * HTML-escaped: it goes through the template's default escaping.
 */
struct ui_qs {
	/* The longest a page builds: the log page's three text filters of
	 * 200 characters, up to 12 bytes each percent-encoded (a four-byte
	 * UTF-8 character), its times and its cursor; the overview's q and
	 * cursor of 50 such characters took 1,200 bytes.  Longer is cut
	 * (overflow set), so a bound here must stay above what the pages'
	 * parameters allow. */
	char buf[8192];
	size_t len;
	int overflow;
};
void ui_qs_init(struct ui_qs *qs);
void ui_qs_add(struct ui_qs *qs, const char *name, const char *value);
void ui_qs_add_long(struct ui_qs *qs, const char *name, long value);

#endif
