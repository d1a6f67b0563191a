/*
 * test_oplog.c — the pure parts of ocppd's message log: the envelope
 * scanner (type, id, action, error code without a JSON parse), the
 * stored text (cut at a character, invalid UTF-8 replaced), and the day
 * partitions' names, bounds and expiry.
 */
#include "../../ocppd/oplog_env.c"
#include "../../ocppd/oplog_part.c"
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

static void partitions(void)
{
	char name[10], day[11];
	long d = days_from_civil(2026, 12, 3);
	oplog_part_name(d, name);
	CHECK_STR(name, "p20261203");
	oplog_part_day_str(d + 1, day);
	CHECK_STR(day, "2026-12-04");
	CHECK_INT(oplog_part_bound("p20261203"), d + 1);
	CHECK_INT(oplog_part_bound("p20241231"), days_from_civil(2025, 1, 1));
	CHECK_INT(oplog_part_bound("pmax"), -1);
	CHECK_INT(oplog_part_bound("p2026120"), -1);
	CHECK_INT(oplog_part_bound("p20261303"), -1);
	CHECK_INT(oplog_part_bound("x20261203"), -1);
	/* A round trip over four years, leap days included. */
	for (long x = d - 1500; x < d; x++) {
		oplog_part_name(x, name);
		CHECK_INT(oplog_part_bound(name), x + 1);
	}
	/* Retention 7 on the 3rd: the 27th (bound the 28th) is kept, the
	 * 26th (bound the 27th) goes. */
	long today = d;
	CHECK_INT(oplog_part_expired(today - 6, today, 7), 1);
	CHECK_INT(oplog_part_expired(today - 5, today, 7), 0);
	CHECK_INT(oplog_part_expired(today + 1, today, 1), 0);
	CHECK_INT(oplog_part_expired(today, today, 1), 1);
}

int main(void)
{
	RUN(envelopes);
	RUN(stored_text);
	RUN(partitions);
	CHECK_EXIT();
}
