/*
 * db.c — connections, the prepared-statement cache and typed binding.
 */
#include "db.h"

#include <errmsg.h>
#include <mysql.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void set_err(struct db *db, unsigned no, const char *what,
                    const char *msg)
{
	db->last_errno = no;
	/* The message first: "what" may be a long SQL text that would
	 * otherwise push the actual error out of the buffer. */
	size_t wl = strlen(what);
	if (wl > 80)
		snprintf(db->err, sizeof db->err, "%s (in: %.80s...)", msg,
		         what);
	else
		snprintf(db->err, sizeof db->err, "%s: %s", what, msg);
}

static void drop_stmts(struct db *db)
{
	for (int i = 0; i < db->nstmts; i++)
		mysql_stmt_close(db->stmts[i].st);
	db->nstmts = 0;
}

void db_close(struct db *db)
{
	drop_stmts(db);
	if (db->conn)
		mysql_close(db->conn);
	db->conn = NULL;
	db->in_tx = 0;
	free(db->vbind);
	db->vbind = NULL;
	db->vcap = 0;
	db->lost = 0;
}

int db_connect(struct db *db, const struct csms_config *cfg, int readonly)
{
	db->cfg = cfg;
	db->readonly = readonly;
	db->conn = mysql_init(NULL);
	if (!db->conn) {
		set_err(db, CR_OUT_OF_MEMORY, "mysql_init", "out of memory");
		return -1;
	}
	unsigned timeout = 5;
	mysql_optionsv(db->conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	timeout = db->long_statements ? 6 * 3600 : 30;
	mysql_optionsv(db->conn, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_optionsv(db->conn, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	mysql_optionsv(db->conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* Every time crosses the wire as UTC. */
	mysql_optionsv(db->conn, MYSQL_INIT_COMMAND,
	               "SET time_zone = '+00:00'");
	if (db->batch_session) {
		/* No gap locks: writers of different charge points never
		 * deadlock on index gaps (each one's own rows are serialised
		 * by its worker anyway). */
		mysql_optionsv(db->conn, MYSQL_INIT_COMMAND,
		               "SET SESSION TRANSACTION ISOLATION LEVEL "
		               "READ COMMITTED");
		mysql_optionsv(db->conn, MYSQL_INIT_COMMAND,
		               "SET autocommit = 0");
	}
	/* Session variables are per connection: a reconnect must set them
	 * again, and the init commands run at every connect. */
	if (db->session_init[0])
		mysql_optionsv(db->conn, MYSQL_INIT_COMMAND, db->session_init);
	const char *host = cfg->db_host[0] ? cfg->db_host : "localhost";
	const char *sock = cfg->db_host[0] ? NULL : cfg->db_socket;
	/* Read at every connect: a rotated password file needs no restart. */
	char pw[256], pwerr[400];
	if (config_password(cfg, readonly, pw, sizeof pw, pwerr,
	                    sizeof pwerr)) {
		set_err(db, CR_UNKNOWN_ERROR, "connect", pwerr);
		mysql_close(db->conn);
		db->conn = NULL;
		return -1;
	}
	MYSQL *ok = mysql_real_connect(
	    db->conn, host, readonly ? cfg->db_ro_user : cfg->db_user, pw,
	    cfg->db_name, (unsigned)cfg->db_port, sock, CLIENT_FOUND_ROWS);
	explicit_bzero(pw, sizeof pw);
	if (!ok) {
		set_err(db, mysql_errno(db->conn), "connect",
		        mysql_error(db->conn));
		mysql_close(db->conn);
		db->conn = NULL;
		return -1;
	}
	db->last_errno = 0;
	return 0;
}

int db_ensure(struct db *db)
{
	/* A link found dead is dropped here, not where it was found: result
	 * sets may still point at its statements until db_rows_end. */
	if (db->lost)
		db_close(db);
	if (db->conn)
		return 0;
	return db_connect(db, db->cfg, db->readonly);
}

int db_ping(struct db *db)
{
	if (!db->conn || db->lost || mysql_ping(db->conn)) {
		if (db->conn && !db->lost)
			set_err(db, mysql_errno(db->conn), "ping",
			        mysql_error(db->conn));
		db_close(db);
		return -1;
	}
	return 0;
}

int db_conn_lost(const struct db *db)
{
	switch (db->last_errno) {
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_SERVER_LOST_EXTENDED:
	case 1927: /* ER_CONNECTION_KILLED */
	case 1053: /* ER_SERVER_SHUTDOWN */
	/* Galera: the node left the Primary component ("WSREP has not yet
	 * prepared node for application use").  Nothing works on it until
	 * it rejoins; a new connection through the proxy reaches a node
	 * that does. */
	case 1047: /* ER_UNKNOWN_COM_ERROR */
		return 1;
	default:
		return db->lost || db->conn == NULL;
	}
}

int db_errno_transient(unsigned no)
{
	/* A deadlock (InnoDB), a Galera certification failure (reported
	 * as a deadlock), a lock wait that timed out: the same statements
	 * can succeed when run again. */
	return no == 1213 /* ER_LOCK_DEADLOCK */ ||
	       no == 1205 /* ER_LOCK_WAIT_TIMEOUT */;
}

const char *db_error(const struct db *db)
{
	return db->err;
}

/* A statement failed: when the link is gone, drop it so the next call
 * reconnects instead of failing forever. */
static void stmt_failed(struct db *db, MYSQL_STMT *st, const char *sql)
{
	unsigned no = mysql_stmt_errno(st);
	/* A connection killed while a result streams fails without an error
	 * number: that is a lost link too. */
	set_err(db, no ? no : CR_SERVER_LOST, sql,
	        no ? mysql_stmt_error(st) : "connection lost");
	if (db_conn_lost(db))
		db->lost = 1;
}

static MYSQL_STMT *get_stmt(struct db *db, const char *sql)
{
	if (db_ensure(db))
		return NULL;
	for (int i = 0; i < db->nstmts; i++)
		if (db->stmts[i].sql == sql)
			return db->stmts[i].st;
	MYSQL_STMT *st = mysql_stmt_init(db->conn);
	if (!st) {
		set_err(db, CR_OUT_OF_MEMORY, sql, "out of memory");
		return NULL;
	}
	if (mysql_stmt_prepare(st, sql, strlen(sql))) {
		set_err(db, mysql_stmt_errno(st), sql, mysql_stmt_error(st));
		mysql_stmt_close(st);
		if (db_conn_lost(db))
			db->lost = 1;
		return NULL;
	}
	if (db->nstmts == DB_MAX_STMTS) {
		/* Full: evict the oldest; the cache is a cache. */
		mysql_stmt_close(db->stmts[0].st);
		memmove(&db->stmts[0], &db->stmts[1],
		        sizeof db->stmts[0] * (DB_MAX_STMTS - 1));
		db->nstmts--;
	}
	db->stmts[db->nstmts].sql = sql;
	db->stmts[db->nstmts].st = st;
	db->nstmts++;
	return st;
}

void db_forget(struct db *db, const char *sql)
{
	for (int i = 0; i < db->nstmts; i++)
		if (db->stmts[i].sql == sql) {
			mysql_stmt_close(db->stmts[i].st);
			memmove(&db->stmts[i], &db->stmts[i + 1],
			        sizeof db->stmts[0] *
			            (size_t)(db->nstmts - i - 1));
			db->nstmts--;
			return;
		}
}

/* Where a bound value lives during one execute. */
struct pslot {
	union {
		int i;
		long long l;
		double d;
		MYSQL_TIME t;
	} v;
	unsigned long len;
	my_bool null;
};

/* Storage for the bound parameters of a db_exec / db_query. */
struct params {
	MYSQL_BIND bind[DB_MAX_COLS];
	struct pslot slot[DB_MAX_COLS];
};

static void ms_to_mysql_time(int64_t ms, MYSQL_TIME *t)
{
	time_t secs = (time_t)(ms / 1000);
	long rem = (long)(ms % 1000);
	if (rem < 0) {
		rem += 1000;
		secs--;
	}
	struct tm tm;
	gmtime_r(&secs, &tm);
	memset(t, 0, sizeof *t);
	t->year = (unsigned)tm.tm_year + 1900;
	t->month = (unsigned)tm.tm_mon + 1;
	t->day = (unsigned)tm.tm_mday;
	t->hour = (unsigned)tm.tm_hour;
	t->minute = (unsigned)tm.tm_min;
	t->second = (unsigned)tm.tm_sec;
	t->second_part = (unsigned long)rem * 1000;
	t->time_type = MYSQL_TIMESTAMP_DATETIME;
}

/* Binds one value (b zeroed by the caller); -1 on an unknown type. */
static int bind_value(MYSQL_BIND *b, struct pslot *p, const struct db_value *v)
{
	p->null = 0;
	b->is_null = &p->null;
	switch (v->type) {
	case 's':
		b->buffer_type = MYSQL_TYPE_STRING;
		if (!v->u.s) {
			p->null = 1;
			break;
		}
		b->buffer = (void *)v->u.s;
		p->len = strlen(v->u.s);
		b->buffer_length = p->len;
		b->length = &p->len;
		break;
	case 'i':
		p->v.i = v->u.i;
		b->buffer_type = MYSQL_TYPE_LONG;
		b->buffer = &p->v.i;
		break;
	case 'l':
		p->v.l = v->u.l;
		b->buffer_type = MYSQL_TYPE_LONGLONG;
		b->buffer = &p->v.l;
		break;
	case 'd':
		p->v.d = v->u.d;
		b->buffer_type = MYSQL_TYPE_DOUBLE;
		b->buffer = &p->v.d;
		break;
	case 't':
		b->buffer_type = MYSQL_TYPE_DATETIME;
		if (v->u.t == DB_NULL_TIME) {
			p->null = 1;
			break;
		}
		ms_to_mysql_time(v->u.t, &p->v.t);
		b->buffer = &p->v.t;
		break;
	default:
		return -1;
	}
	return 0;
}

static int bind_params(struct db *db, MYSQL_STMT *st, struct params *p,
                       const char *sql, const char *fmt, va_list ap)
{
	size_t n = strlen(fmt);
	if (n > DB_MAX_COLS || n != mysql_stmt_param_count(st)) {
		set_err(db, 0, sql, "parameter count does not match format");
		return -1;
	}
	memset(p->bind, 0, sizeof(MYSQL_BIND) * n);
	for (size_t i = 0; i < n; i++) {
		struct db_value v = {.type = fmt[i]};
		switch (fmt[i]) {
		case 's':
			v.u.s = va_arg(ap, const char *);
			break;
		case 'i':
			v.u.i = va_arg(ap, int);
			break;
		case 'l':
			v.u.l = va_arg(ap, long long);
			break;
		case 'd':
			v.u.d = va_arg(ap, double);
			break;
		case 't':
			v.u.t = va_arg(ap, int64_t);
			break;
		}
		if (bind_value(&p->bind[i], &p->slot[i], &v)) {
			set_err(db, 0, sql, "bad parameter format letter");
			return -1;
		}
	}
	if (n && mysql_stmt_bind_param(st, p->bind)) {
		stmt_failed(db, st, sql);
		return -1;
	}
	return 0;
}

static MYSQL_STMT *prepare_and_run(struct db *db, const char *sql,
                                   const char *fmt, va_list ap)
{
	struct params p;
	MYSQL_STMT *st = get_stmt(db, sql);
	if (!st)
		return NULL;
	if (bind_params(db, st, &p, sql, fmt, ap))
		return NULL;
	if (mysql_stmt_execute(st)) {
		stmt_failed(db, st, sql);
		return NULL;
	}
	return st;
}

long long db_exec(struct db *db, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	MYSQL_STMT *st = prepare_and_run(db, sql, fmt, ap);
	va_end(ap);
	if (!st)
		return -1;
	return (long long)mysql_stmt_affected_rows(st);
}

/* Binds n values to the cached statement for sql and executes it. */
static MYSQL_STMT *run_values(struct db *db, const char *sql,
                              const struct db_value *v, size_t n)
{
	MYSQL_STMT *st = get_stmt(db, sql);
	if (!st)
		return NULL;
	if (n != mysql_stmt_param_count(st)) {
		set_err(db, 0, sql, "parameter count does not match values");
		return NULL;
	}
	size_t one = sizeof(MYSQL_BIND) + sizeof(struct pslot);
	if (n > db->vcap) {
		void *nb = realloc(db->vbind, n * one);
		if (!nb) {
			set_err(db, CR_OUT_OF_MEMORY, sql, "out of memory");
			return NULL;
		}
		db->vbind = nb;
		db->vcap = n;
	}
	MYSQL_BIND *bind = db->vbind;
	struct pslot *slot = (struct pslot *)(bind + db->vcap);
	memset(bind, 0, sizeof *bind * n);
	for (size_t i = 0; i < n; i++)
		if (bind_value(&bind[i], &slot[i], &v[i])) {
			set_err(db, 0, sql, "bad parameter type");
			return NULL;
		}
	if ((n && mysql_stmt_bind_param(st, bind)) || mysql_stmt_execute(st)) {
		stmt_failed(db, st, sql);
		return NULL;
	}
	return st;
}

long long db_exec_values(struct db *db, const char *sql,
                         const struct db_value *v, size_t n)
{
	MYSQL_STMT *st = run_values(db, sql, v, n);
	return st ? (long long)mysql_stmt_affected_rows(st) : -1;
}

unsigned long long db_insert_id(struct db *db)
{
	return db->conn ? mysql_insert_id(db->conn) : 0;
}

/* Binds the result columns of an executed statement to rows. */
static int start_rows(struct db *db, struct db_rows *rows, MYSQL_STMT *st,
                      const char *sql)
{
	rows->st = st;
	rows->ncols = (int)mysql_stmt_field_count(st);
	if (rows->ncols > DB_MAX_COLS) {
		set_err(db, 0, sql, "too many result columns");
		mysql_stmt_free_result(st);
		rows->st = NULL;
		return -1;
	}
	MYSQL_BIND bind[DB_MAX_COLS];
	memset(bind, 0, sizeof bind);
	for (int i = 0; i < rows->ncols; i++) {
		rows->cap[i] = 64;
		rows->buf[i] = malloc(rows->cap[i] + 1);
		if (!rows->buf[i]) {
			set_err(db, CR_OUT_OF_MEMORY, sql, "out of memory");
			db_rows_end(rows);
			return -1;
		}
		bind[i].buffer_type = MYSQL_TYPE_STRING;
		bind[i].buffer = rows->buf[i];
		bind[i].buffer_length = rows->cap[i];
		bind[i].length = &rows->len[i];
		bind[i].is_null = (my_bool *)&rows->isnull[i];
		bind[i].error = (my_bool *)&rows->error[i];
	}
	if (rows->ncols && mysql_stmt_bind_result(st, bind)) {
		stmt_failed(db, st, sql);
		db_rows_end(rows);
		return -1;
	}
	return 0;
}

int db_query(struct db *db, struct db_rows *rows, const char *sql,
             const char *fmt, ...)
{
	memset(rows, 0, sizeof *rows);
	rows->db = db;
	va_list ap;
	va_start(ap, fmt);
	MYSQL_STMT *st = prepare_and_run(db, sql, fmt, ap);
	va_end(ap);
	if (!st)
		return -1;
	return start_rows(db, rows, st, sql);
}

int db_query_values(struct db *db, struct db_rows *rows, const char *sql,
                    const struct db_value *v, size_t n)
{
	memset(rows, 0, sizeof *rows);
	rows->db = db;
	MYSQL_STMT *st = run_values(db, sql, v, n);
	if (!st)
		return -1;
	return start_rows(db, rows, st, sql);
}

int db_next(struct db_rows *rows)
{
	if (!rows->st)
		return 0;
	int rc = mysql_stmt_fetch(rows->st);
	if (rc == MYSQL_NO_DATA)
		return 0;
	if (rc == 1) {
		stmt_failed(rows->db, rows->st, "fetch");
		return -1;
	}
	if (rc == MYSQL_DATA_TRUNCATED) {
		/* Grow the buffers that were too small and fetch the column
		 * again: results are rarely long, so start small. */
		for (int i = 0; i < rows->ncols; i++) {
			if (!rows->error[i] || rows->isnull[i])
				continue;
			unsigned long need = rows->len[i];
			char *nb = realloc(rows->buf[i], need + 1);
			if (!nb)
				return -1;
			rows->buf[i] = nb;
			rows->cap[i] = need;
			MYSQL_BIND b;
			memset(&b, 0, sizeof b);
			b.buffer_type = MYSQL_TYPE_STRING;
			b.buffer = nb;
			b.buffer_length = need;
			b.length = &rows->len[i];
			if (mysql_stmt_fetch_column(rows->st, &b, (unsigned)i,
			                            0))
				return -1;
		}
		/* Rebind so the next fetch uses the grown buffers. */
		MYSQL_BIND bind[DB_MAX_COLS];
		memset(bind, 0, sizeof bind);
		for (int i = 0; i < rows->ncols; i++) {
			bind[i].buffer_type = MYSQL_TYPE_STRING;
			bind[i].buffer = rows->buf[i];
			bind[i].buffer_length = rows->cap[i];
			bind[i].length = &rows->len[i];
			bind[i].is_null = (my_bool *)&rows->isnull[i];
			bind[i].error = (my_bool *)&rows->error[i];
		}
		mysql_stmt_bind_result(rows->st, bind);
	}
	for (int i = 0; i < rows->ncols; i++)
		rows->buf[i][rows->isnull[i] ? 0 : rows->len[i]] = '\0';
	return 1;
}

void db_rows_end(struct db_rows *rows)
{
	if (rows->st)
		mysql_stmt_free_result(rows->st);
	for (int i = 0; i < rows->ncols && i < DB_MAX_COLS; i++)
		free(rows->buf[i]);
	memset(rows, 0, sizeof *rows);
}

const char *db_str(const struct db_rows *rows, int col)
{
	if (col < 0 || col >= rows->ncols || rows->isnull[col])
		return NULL;
	return rows->buf[col];
}

long long db_int(const struct db_rows *rows, int col)
{
	const char *s = db_str(rows, col);
	return s ? strtoll(s, NULL, 10) : 0;
}

double db_dbl(const struct db_rows *rows, int col)
{
	const char *s = db_str(rows, col);
	return s ? strtod(s, NULL) : 0.0;
}

int db_isnull(const struct db_rows *rows, int col)
{
	return db_str(rows, col) == NULL;
}

/* Howard Hinnant's days-from-civil: no dependence on TZ or timegm. */
static int64_t days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int64_t db_time_ms(const struct db_rows *rows, int col)
{
	const char *s = db_str(rows, col);
	int y, mo, d, h, mi, sec, n = 0;
	if (!s || sscanf(s, "%d-%d-%d %d:%d:%d%n", &y, &mo, &d, &h, &mi, &sec,
	                 &n) != 6)
		return DB_NULL_TIME;
	long ms = 0;
	if (s[n] == '.') {
		int digits = 0;
		for (const char *p = s + n + 1; *p >= '0' && *p <= '9'; p++)
			if (digits < 3) {
				ms = ms * 10 + (*p - '0');
				digits++;
			}
		while (digits++ < 3)
			ms *= 10;
	}
	int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
	return ((days * 86400) + h * 3600 + mi * 60 + sec) * 1000 + ms;
}

/*
 * Transaction control goes through the prepared-statement cache like any
 * statement: sent as COM_QUERY text, MariaDB parses "START TRANSACTION"
 * and "COMMIT" anew each time, which at hundreds of batches a second was
 * a seventh of its CPU.
 */
int db_begin(struct db *db)
{
	/* What rolls this transaction back is its own error, not one from
	 * before (db_errno_transient decides on it). */
	db->last_errno = 0;
	if (db->batch_session) {
		/* The link may have been replaced since the last COMMIT; a
		 * new one gets autocommit off from its init commands. */
		if (db_ensure(db))
			return -1;
		db->in_tx = 1;
		return 0;
	}
	if (db_exec(db, "START TRANSACTION", "") < 0)
		return -1;
	db->in_tx = 1;
	return 0;
}

int db_commit(struct db *db)
{
	db->in_tx = 0;
	return db_exec(db, "COMMIT", "") < 0 ? -1 : 0;
}

int db_rollback(struct db *db)
{
	db->in_tx = 0;
	if (!db->conn || db->lost)
		return 0; /* the server rolled back when the link died */
	return db_exec(db, "ROLLBACK", "") < 0 ? -1 : 0;
}
