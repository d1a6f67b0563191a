/*
 * db.h — MariaDB access for every csms-c program: prepared statements only.
 *
 * A struct db is one connection plus its cache of prepared statements, keyed
 * by the address of the SQL string literal, so a statement is prepared once
 * per connection and every value travels as a bound parameter — never as
 * SQL text.
 *
 * Parameters are described by a format string, one letter per '?':
 *   s  const char *        (NULL binds SQL NULL)
 *   i  int
 *   l  long long
 *   d  double
 *   t  int64_t ms since the epoch, UTC -> DATETIME(3) (DB_NULL_TIME = NULL)
 *
 * Results are read as text (DATETIME comes back "YYYY-MM-DD HH:MM:SS.sss")
 * through db_next / db_str / db_int; db_time_ms parses a DATETIME column.
 *
 * Results stream from the server: call db_rows_end before the next
 * statement on the same connection.  Not thread-safe: one struct db per
 * thread.
 */
#ifndef CSMS_DB_H
#define CSMS_DB_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define DB_NULL_TIME INT64_MIN
/* A database worker prepares its handlers' statements and the multi-row
 * writes in every size it meets (ocppd/coalesce.c: up to 6 x 33). */
#define DB_MAX_STMTS 384
#define DB_MAX_COLS  48

/* One bound value for db_exec_values; type is a format letter (above). */
struct db_value {
	char type;
	union {
		const char *s;
		int i;
		long long l;
		double d;
		int64_t t;
	} u;
};

struct st_mysql;
struct st_mysql_stmt;

struct db {
	struct st_mysql *conn;
	const struct csms_config *cfg;
	int readonly;
	/*
	 * A connection that writes in batches (ocppd's workers): READ
	 * COMMITTED and autocommit off, set again on every (re)connect, so
	 * db_begin needs no round trip — the first statement opens the
	 * transaction, db_commit ends it.  Set before the first db_connect.
	 */
	int batch_session;
	/* A connection that runs migrations: an ALTER of a large table
	 * (ten million sessions) runs for minutes, longer than the 30 s a
	 * statement may take elsewhere.  Set before the first db_connect. */
	int long_statements;
	/*
	 * One more statement run at every (re)connect, before anything else
	 * (e.g. ocppd's workers: "SET @csms_shard = N", which the tx_daily
	 * triggers read); "" for none.  Set before the first db_connect.
	 */
	char session_init[96];
	int in_tx;
	int lost; /* the link died; closed and reopened by the next db_ensure */
	unsigned last_errno;
	char err[512];
	struct {
		const char *sql;
		struct st_mysql_stmt *st;
	} stmts[DB_MAX_STMTS];
	int nstmts;
	/* db_exec_values' bind arrays, grown on demand, owned here. */
	void *vbind;
	size_t vcap;
};

struct db_rows {
	struct db *db;
	struct st_mysql_stmt *st;
	int ncols;
	char *buf[DB_MAX_COLS];
	unsigned long cap[DB_MAX_COLS];
	unsigned long len[DB_MAX_COLS];
	char isnull[DB_MAX_COLS];
	char error[DB_MAX_COLS];
};

/* readonly picks the db_ro_user account.  0 ok, -1 with db->err set. */
int db_connect(struct db *db, const struct csms_config *cfg, int readonly);
void db_close(struct db *db);
/* Reconnects when the link is gone; 0 when usable. */
int db_ensure(struct db *db);
/* Checks an open link with a round trip; a dead one is closed (-1), so
 * the next db_ensure reconnects. */
int db_ping(struct db *db);
/* The last error was a lost or refused connection (retry later). */
int db_conn_lost(const struct db *db);
/* Whether a server error means "run the transaction again" (deadlock,
 * certification failure, lock wait timeout), not a bad statement. */
int db_errno_transient(unsigned no);
const char *db_error(const struct db *db);

/* Rows affected (>= 0) or -1. */
long long db_exec(struct db *db, const char *sql, const char *fmt, ...);
unsigned long long db_insert_id(struct db *db);
/*
 * The same with the values in an array: for multi-row statements whose
 * parameter count (n) exceeds what a format string comfortably holds.
 */
long long db_exec_values(struct db *db, const char *sql,
                         const struct db_value *v, size_t n);

/* 0 ok (then db_next until it returns 0), -1 error. */
int db_query(struct db *db, struct db_rows *rows, const char *sql,
             const char *fmt, ...);
/* db_query with the parameters in an array (for IN lists). */
int db_query_values(struct db *db, struct db_rows *rows, const char *sql,
                    const struct db_value *v, size_t n);
/* Closes the cached statement for sql, if any (after db_rows_end), so its
 * next use prepares it again: for a statement whose plan on re-execution
 * is worse than on its first. */
void db_forget(struct db *db, const char *sql);
/* 1 row ready, 0 no more rows, -1 error. */
int db_next(struct db_rows *rows);
void db_rows_end(struct db_rows *rows);
const char *db_str(const struct db_rows *rows, int col); /* NULL when NULL */
long long db_int(const struct db_rows *rows, int col);   /* 0 when NULL */
double db_dbl(const struct db_rows *rows, int col);
int db_isnull(const struct db_rows *rows, int col);
int64_t db_time_ms(const struct db_rows *rows, int col); /* DB_NULL_TIME */

int db_begin(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);

/* Applies sql_dir/NNN_*.sql newer than schema_version; 0 ok. */
int db_migrate(struct db *db, const char *sql_dir, char *err, size_t errlen);
/*
 * Without migrating: 0 when schema_version has reached the newest file of
 * sql_dir, else -1 with one line in err naming the versions and the
 * command (ocppd --migrate).  For migrate_on_start = no.
 */
int db_schema_check(struct db *db, const char *sql_dir, char *err,
                    size_t errlen);

#endif
