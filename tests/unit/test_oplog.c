/*
 * test_oplog.c — the pure parts of ocppd's message log: the envelope
 * scanner (type, id, action, error code without a JSON parse), the
 * stored text (cut at a character, invalid UTF-8 replaced), and the day
 * and month partitions' names, bounds and expiry (the message log's and
 * meter_values').
 */
#include "../../ocppd/oplog_env.c"
#include "../../ocppd/date_parts.c"
#include "check.h"

static void envelopes(void)
{
	struct oplog_env e;
	const char *call = "[2,\"19223201\",\"BootNotification\",{}]";
	oplog_envelope(call, strlen(call), &e);
	CHECK_INT(e.type, 2);
	CHECK_STR(e.id, "19223201");
	CHECK_STR(e.action, "BootNotification");
	CHECK_STR(e.code, "");
	const char *res = " [ 3 , \"a\\\"b\" , {\"status\":\"Accepted\"}]";
	oplog_envelope(res, strlen(res), &e);
	CHECK_INT(e.type, 3);
	CHECK_STR(e.id, "a\\\"b");
	CHECK_STR(e.action, "");
	const char *err = "[4,\"x\",\"FormationViolation\",\"bad\",{}]";
	oplog_envelope(err, strlen(err), &e);
	CHECK_INT(e.type, 4);
	CHECK_STR(e.code, "FormationViolation");
	CHECK_STR(oplog_type_name(e.type), "CALLERROR");
	const char *junk[] = {"",           "{}",          "[5,\"a\"]",
	                      "[23,\"a\"]", "[2.0,\"a\"]", "[2,1,\"A\"]",
	                      "[2,\"open",  "not json"};
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		oplog_envelope(junk[i], strlen(junk[i]), &e);
		CHECK_INT(e.type, 0);
		CHECK(!oplog_type_name(e.type));
	}
	/* Only len bytes are read: the id's closing quote is past it. */
	oplog_envelope(call, 8, &e);
	CHECK_INT(e.type, 0);
	/* An id longer than the column is cut, not refused. */
	char longid[200];
	snprintf(longid, sizeof longid, "[2,\"%090d\",\"Heartbeat\",{}]", 7);
	oplog_envelope(longid, strlen(longid), &e);
	CHECK_INT(e.type, 2);
	CHECK_INT(strlen(e.id), OPLOG_ID_MAX);
	CHECK_STR(e.action, "Heartbeat");
}

static void stored_text(void)
{
	char out[16];
	CHECK_INT(oplog_clean_text("abc", 3, out, 15), 3);
	CHECK_STR(out, "abc");
	/* Invalid bytes and NUL become '?'. */
	CHECK_INT(oplog_clean_text("a\xff\0b", 4, out, 15), 4);
	CHECK_STR(out, "a??b");
	/* A cut never splits a character: "é" is 2 bytes. */
	CHECK_INT(oplog_clean_text("abc\xc3\xa9", 5, out, 4), 3);
	CHECK_STR(out, "abc");
	CHECK_INT(oplog_clean_text("ab\xc3\xa9z", 5, out, 4), 4);
	CHECK_STR(out, "ab\xc3\xa9");
	/* A character cut off by the frame's own end is invalid. */
	CHECK_INT(oplog_clean_text("ab\xc3", 3, out, 15), 3);
	CHECK_STR(out, "ab?");
}

static long ymd(int y, int m, int d)
{
	return (long)time_days_from_civil(y, m, d);
}

static void partitions(void)
{
	char name[10], day[11];
	long d = ymd(2026, 12, 3);
	dp_name(DP_DAY, d, name);
	CHECK_STR(name, "p20261203");
	dp_day_str(d + 1, day);
	CHECK_STR(day, "2026-12-04");
	CHECK_INT(dp_bound(DP_DAY, "p20261203"), d + 1);
	CHECK_INT(dp_bound(DP_DAY, "p20241231"), ymd(2025, 1, 1));
	CHECK_INT(dp_bound(DP_DAY, "pmax"), -1);
	CHECK_INT(dp_bound(DP_DAY, "p2026120"), -1);
	CHECK_INT(dp_bound(DP_DAY, "p20261303"), -1);
	CHECK_INT(dp_bound(DP_DAY, "x20261203"), -1);
	CHECK_INT(dp_bound(DP_DAY, "p202612"), -1);
	/* A round trip over four years, leap days included. */
	for (long x = d - 1500; x < d; x++) {
		dp_name(DP_DAY, x, name);
		CHECK_INT(dp_bound(DP_DAY, name), x + 1);
		CHECK_INT(dp_start(DP_DAY, x), x);
	}
	/* Retention 7 on the 3rd: the 27th (bound the 28th) is kept, the
	 * 26th (bound the 27th) goes. */
	long today = d;
	CHECK_INT(dp_expired(today - 6, today, 7), 1);
	CHECK_INT(dp_expired(today - 5, today, 7), 0);
	CHECK_INT(dp_expired(today + 1, today, 1), 0);
	CHECK_INT(dp_expired(today, today, 1), 1);
	/* Retention 0: nothing expires. */
	CHECK_INT(dp_expired(today - 5000, today, 0), 0);
}

static void month_partitions(void)
{
	char name[10];
	dp_name(DP_MONTH, ymd(2026, 12, 3), name);
	CHECK_STR(name, "p202612");
	CHECK_INT(dp_bound(DP_MONTH, "p202612"), ymd(2027, 1, 1));
	CHECK_INT(dp_bound(DP_MONTH, "p202402"), ymd(2024, 3, 1));
	CHECK_INT(dp_bound(DP_MONTH, "p202613"), -1);
	CHECK_INT(dp_bound(DP_MONTH, "p20261203"), -1);
	CHECK_INT(dp_bound(DP_MONTH, "pmax"), -1);
	CHECK_INT(dp_start(DP_MONTH, ymd(2024, 2, 29)), ymd(2024, 2, 1));
	CHECK_INT(dp_start(DP_MONTH, ymd(2027, 1, 1)), ymd(2027, 1, 1));
	/* Every day of four years sits in the month that names it. */
	for (long x = ymd(2023, 1, 1); x < ymd(2027, 1, 1); x++) {
		dp_name(DP_MONTH, x, name);
		long b = dp_bound(DP_MONTH, name);
		CHECK_INT(dp_start(DP_MONTH, x) <= x && x < b, 1);
		CHECK_INT(dp_start(DP_MONTH, b - 1), dp_start(DP_MONTH, x));
	}
	/* Retention 90 on 2026-12-03: August (bound 1 September, 93 days
	 * back) goes, September (bound 1 October, 63 days) stays. */
	long today = ymd(2026, 12, 3);
	CHECK_INT(dp_expired(dp_bound(DP_MONTH, "p202608"), today, 90), 1);
	CHECK_INT(dp_expired(dp_bound(DP_MONTH, "p202609"), today, 90), 0);
}

int main(void)
{
	RUN(envelopes);
	RUN(stored_text);
	RUN(partitions);
	RUN(month_partitions);
	CHECK_EXIT();
}
