/*
 * test_db_errors.c — how lib/db.c sorts server errors for ocppd's
 * database queue: a lost link (reconnect, through the proxy to a working
 * node: Galera's 1047 "WSREP has not yet prepared node" included), a
 * transient conflict (run the transaction again: deadlock or certification
 * failure 1213, lock wait timeout 1205), or neither (a bad statement).
 */
#include "check.h"

#include <string.h>

#include "db.h"

static void test_lost(void)
{
	struct db d;
	memset(&d, 0, sizeof d);
	d.conn = (void *)&d; /* connected, as far as db_conn_lost looks */
	const unsigned lost[] = {2006, 2013, 1927, 1053, 1047};
	for (size_t i = 0; i < sizeof lost / sizeof lost[0]; i++) {
		d.last_errno = lost[i];
		CHECK(db_conn_lost(&d));
	}
	const unsigned kept[] = {0, 1062, 1213, 1205, 1064};
	for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
		d.last_errno = kept[i];
		CHECK(!db_conn_lost(&d));
	}
}

static void test_transient(void)
{
	CHECK(db_errno_transient(1213));
	CHECK(db_errno_transient(1205));
	CHECK(!db_errno_transient(0));
	CHECK(!db_errno_transient(1062)); /* a duplicate key stays one */
	CHECK(!db_errno_transient(1047)); /* a lost node: reconnect */
	CHECK(!db_errno_transient(2013));
}

int main(void)
{
	RUN(test_lost);
	RUN(test_transient);
	return check_total_failed_ ? 1 : 0;
}
