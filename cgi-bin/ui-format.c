/*
 * ui-format.c — formatting and strict parsing helpers of the dashboard.
 *
 * Times are int64 ms UTC as lib/db.h returns them, formatted and parsed by
 * lib/timeutil, so the TZ of the web server never changes a page.
 */
#include "ui-format.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "money.h"
#include "timeutil.h"

void ui_fmt_ago(int64_t then_ms, int64_t now_ms, char *buf, size_t n)
{
	if (then_ms == DB_NULL_TIME) {
		snprintf(buf, n, "%s", "");
		return;
	}
	int64_t s = (now_ms - then_ms) / 1000;
	if (s < 1)
		snprintf(buf, n, "just now");
	else if (s < 60)
		snprintf(buf, n, "%lld s ago", (long long)s);
	else if (s < 3600)
		snprintf(buf, n, "%lld min ago", (long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, n, "%lld h ago", (long long)(s / 3600));
	else
		snprintf(buf, n, "%lld d ago", (long long)(s / 86400));
}

void ui_fmt_duration(int64_t ms, char *buf, size_t n)
{
	long long s = ms > 0 ? (long long)(ms / 1000) : 0;
	if (s < 60)
		snprintf(buf, n, "%lld s", s);
	else if (s < 3600)
		snprintf(buf, n, "%lld min %02lld s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, n, "%lld h %02lld min", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, n, "%lld d %lld h", s / 86400, s % 86400 / 3600);
}

void ui_fmt_datetime(int64_t ms, char *buf, size_t n)
{
	char iso[32];
	if (ms == DB_NULL_TIME) {
		snprintf(buf, n, "%s", "");
		return;
	}
	/* "2025-11-25T13:00:01.000Z" -> "2025-11-25 13:00:01" */
	time_format_iso8601(ms, iso);
	iso[10] = ' ';
	iso[19] = '\0';
	snprintf(buf, n, "%s", iso);
}

void ui_fmt_iso(int64_t ms, char *buf, size_t n)
{
	char iso[32];
	if (ms == DB_NULL_TIME) {
		snprintf(buf, n, "%s", "");
		return;
	}
	time_format_iso8601(ms, iso);
	snprintf(buf, n, "%s", iso);
}

/* Inserts "," every three digits of the integer part of a formatted
 * number ("-1234567.25" -> "-1,234,567.25"). */
static void group_thousands(const char *num, char *buf, size_t n)
{
	const char *p = num;
	size_t o = 0;
	if (!n)
		return;
	if (*p == '-') {
		if (o + 1 < n)
			buf[o++] = '-';
		p++;
	}
	size_t digits = strspn(p, "0123456789");
	for (size_t i = 0; i < digits; i++) {
		if (i && (digits - i) % 3 == 0 && o + 1 < n)
			buf[o++] = ',';
		if (o + 1 < n)
			buf[o++] = p[i];
	}
	for (p += digits; *p && o + 1 < n; p++)
		buf[o++] = *p;
	buf[o] = '\0';
}

void ui_fmt_kwh(double wh, int decimals, char *buf, size_t n)
{
	char tmp[32];
	/* Readings may carry fractions of a Wh; the rounding to the shown
	 * decimals is money.c's, as the API's. */
	if (!isfinite(wh) || wh > 9e15 || wh < -9e15)
		wh = 0;
	money_format_kwh(llround(wh), decimals, tmp);
	/* "-0.00" reads as a bug on an energy column. */
	if (tmp[0] == '-' && strspn(tmp + 1, "0.") == strlen(tmp + 1))
		memmove(tmp, tmp + 1, strlen(tmp));
	group_thousands(tmp, buf, n);
}

void ui_fmt_money(long long cents, char *buf, size_t n)
{
	char tmp[32];
	money_format_cents(cents, tmp);
	group_thousands(tmp, buf, n);
}

void ui_fmt_count(long long v, char *buf, size_t n)
{
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%lld", v);
	group_thousands(tmp, buf, n);
}

static const struct {
	const char *status;
	const char *cls;
} status_classes[] = {
    {"Available", "st-available"},
    {"Preparing", "st-preparing"},
    {"Charging", "st-charging"},
    {"SuspendedEVSE", "st-suspended"},
    {"SuspendedEV", "st-suspended"},
    {"Finishing", "st-finishing"},
    {"Reserved", "st-reserved"},
    {"Unavailable", "st-unavailable"},
    {"Faulted", "st-faulted"},
    {"Occupied", "st-charging"}, /* OCPP 2.0.1: in use */
};

const char *ui_status_class(const char *status)
{
	if (status)
		for (size_t i = 0;
		     i < sizeof status_classes / sizeof status_classes[0]; i++)
			if (!strcmp(status, status_classes[i].status))
				return status_classes[i].cls;
	return "st-unknown";
}

long ui_page_count(long long total, long per_page)
{
	if (per_page <= 0 || total <= 0)
		return 1;
	return (long)((total + per_page - 1) / per_page);
}

void ui_qs_init(struct ui_qs *qs)
{
	qs->buf[0] = '\0';
	qs->len = 0;
	qs->overflow = 0;
}

static void qs_putc(struct ui_qs *qs, char c)
{
	if (qs->len + 1 >= sizeof qs->buf) {
		qs->overflow = 1;
		return;
	}
	qs->buf[qs->len++] = c;
	qs->buf[qs->len] = '\0';
}

static void qs_encode(struct ui_qs *qs, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~') {
			qs_putc(qs, (char)*p);
		} else {
			qs_putc(qs, '%');
			qs_putc(qs, hex[*p >> 4]);
			qs_putc(qs, hex[*p & 15]);
		}
	}
}

void ui_qs_add(struct ui_qs *qs, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	if (qs->len)
		qs_putc(qs, '&');
	qs_encode(qs, name);
	qs_putc(qs, '=');
	qs_encode(qs, value);
}

void ui_qs_add_long(struct ui_qs *qs, const char *name, long value)
{
	char num[24];
	snprintf(num, sizeof num, "%ld", value);
	ui_qs_add(qs, name, num);
}

int ui_protocol_201(const char *protocol)
{
	return protocol && !strcmp(protocol, "ocpp2.0.1");
}

const char *ui_protocol_label(const char *protocol)
{
	return ui_protocol_201(protocol) ? "2.0.1" : "1.6";
}
