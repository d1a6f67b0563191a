/*
 * migrate.c — brings the database schema up to date from sql/NNN_*.sql.
 *
 * Each file is applied once, in number order, and recorded in
 * schema_version, so a second start (or a newer release) applies only what
 * is new.  Statements are split as the mariadb client splits these
 * files (sql_split.h: ';' at the end of a line, "--" comment lines,
 * DELIMITER for trigger bodies of several statements).  ocppd runs this at
 * start-up with the write account, or with migrate_on_start = no (a cluster)
 * only db_schema_check, and the migration runs once per deploy from `ocppd
 * --migrate`.
 *
 * A file can fail half-way (a CREATE TRIGGER refused for lack of SUPER
 * while binary logging is on, after its CREATE TABLE went through), and
 * MariaDB commits every DDL statement on its own, so a file cannot be
 * rolled back as a whole.  Instead each statement done is counted in
 * schema_progress, in the same transaction as the statement where it has
 * one (DML), and a retry resumes after the last one done.  The error names
 * the file, the statement number and, for the errors an admin meets, the
 * fix.
 */
#include "db.h"
#include "sql_split.h"

#include <dirent.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	char chunk[8192];
	size_t n;
	while (mem && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, n, mem);
	fclose(f);
	if (mem)
		fclose(mem);
	return buf;
}

/* What to do about the errors an admin meets when migrating. */
static const char *hint(unsigned code)
{
	switch (code) {
	case 1419: /* ER_BINLOG_CREATE_ROUTINE_NEED_SUPER */
		return " (binary logging is on: set log_bin_trust_function_"
		       "creators = 1 in the server's config, or grant the "
		       "account SUPER, then run ocppd --migrate again; it "
		       "resumes at this statement)";
	case 1142: /* ER_TABLEACCESS_DENIED_ERROR */
	case 1044: /* ER_DBACCESS_DENIED_ERROR */
		return " (the write account needs ALL on its database: see "
		       "docs/deploy.md, then run ocppd --migrate again)";
	}
	return " (fix the cause and run ocppd --migrate again; it resumes "
	       "at this statement)";
}

static int run_statement(struct db *db, const char *sql, size_t len,
                         const char *file, char *err, size_t errlen)
{
	if (mysql_real_query(db->conn, sql, len)) {
		snprintf(err, errlen, "%s: %s", file, mysql_error(db->conn));
		return -1;
	}
	MYSQL_RES *res = mysql_store_result(db->conn);
	if (res)
		mysql_free_result(res);
	return 0;
}

static int query(struct db *db, const char *sql, char *err, size_t errlen)
{
	return run_statement(db, sql, strlen(sql), "schema_progress", err,
	                     errlen);
}

/* One statement of a file, numbered from 1, and the count of those done
 * recorded with it: inside one transaction, which commits the statement's
 * own rows and the count together (a DDL statement commits by itself
 * first; the count follows at once). */
static int run_counted(struct db *db, const char *sql, size_t len,
                       const char *file, long version, int no, char *err,
                       size_t errlen)
{
	char rec[256];
	snprintf(rec, sizeof rec,
	         "INSERT INTO schema_progress (version, done) VALUES (%ld, %d) "
	         "ON DUPLICATE KEY UPDATE done = VALUES(done)",
	         version, no);
	if (query(db, "START TRANSACTION", err, errlen))
		return -1;
	if (mysql_real_query(db->conn, sql, len)) {
		unsigned code = mysql_errno(db->conn);
		snprintf(err, errlen, "%s: statement %d: %s%s", file, no,
		         mysql_error(db->conn), hint(code));
		char ignored[64];
		query(db, "ROLLBACK", ignored, sizeof ignored);
		return -1;
	}
	MYSQL_RES *res = mysql_store_result(db->conn);
	if (res)
		mysql_free_result(res);
	if (query(db, rec, err, errlen) || query(db, "COMMIT", err, errlen))
		return -1;
	return 0;
}

struct apply {
	struct db *db;
	const char *path;
	long version;
	int skip, no;
	char *err;
	size_t errlen;
};

static int apply_one(const char *stmt, size_t len, void *arg)
{
	struct apply *a = arg;
	if (++a->no <= a->skip)
		return 0;
	return run_counted(a->db, stmt, len, a->path, a->version, a->no, a->err,
	                   a->errlen);
}

/* The file's statements in order (sql_split.h); the first `skip` were
 * done by an earlier, failed attempt. */
static int apply_file(struct db *db, const char *path, const char *text,
                      long version, int skip, char *err, size_t errlen)
{
	struct apply a = {db, path, version, skip, 0, err, errlen};
	*err = '\0';
	int rc = sql_split(text, apply_one, &a);
	if (rc == -1 && !*err)
		snprintf(err, errlen, "%s: out of memory", path);
	return rc ? -1 : 0;
}

static const char create_version_table[] =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INT NOT NULL PRIMARY KEY,"
    " name VARCHAR(255) NOT NULL,"
    " applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3))"
    " ENGINE=InnoDB";
/* The statements done of a file not yet recorded in schema_version. */
static const char create_progress_table[] =
    "CREATE TABLE IF NOT EXISTS schema_progress ("
    " version INT NOT NULL PRIMARY KEY,"
    " done INT NOT NULL)"
    " ENGINE=InnoDB";

#define MAX_FILES 1000

/* The migration files of sql_dir, sorted (each strdup'ed); -1 on error. */
static int list_files(const char *sql_dir, char *names[MAX_FILES], char *err,
                      size_t errlen)
{
	DIR *d = opendir(sql_dir);
	if (!d) {
		snprintf(err, errlen, "sql_dir %s: cannot open", sql_dir);
		return -1;
	}
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < MAX_FILES) {
		size_t l = strlen(de->d_name);
		if (l > 8 && de->d_name[0] >= '0' && de->d_name[0] <= '9' &&
		    !strcmp(de->d_name + l - 4, ".sql"))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof names[0], cmp_names);
	return n;
}

/* Statements of `version` done by an earlier attempt; -1 on error. */
static int progress(struct db *db, long version, char *err, size_t errlen)
{
	struct db_rows rows;
	if (db_query(db, &rows,
	             "SELECT done FROM schema_progress WHERE version = ?", "l",
	             (long long)version)) {
		snprintf(err, errlen, "%s", db_error(db));
		return -1;
	}
	int rc = db_next(&rows);
	int done = rc > 0 ? (int)db_int(&rows, 0) : 0;
	db_rows_end(&rows);
	if (rc < 0) {
		snprintf(err, errlen, "%s", db_error(db));
		return -1;
	}
	return done;
}

int db_migrate(struct db *db, const char *sql_dir, char *err, size_t errlen)
{
	if (db_ensure(db)) {
		snprintf(err, errlen, "%s", db_error(db));
		return -1;
	}
	if (run_statement(db, create_version_table,
	                  sizeof create_version_table - 1, "schema_version",
	                  err, errlen) ||
	    run_statement(db, create_progress_table,
	                  sizeof create_progress_table - 1, "schema_progress",
	                  err, errlen))
		return -1;

	long current = 0;
	struct db_rows rows;
	if (db_query(db, &rows,
	             "SELECT COALESCE(MAX(version), 0) FROM "
	             "schema_version",
	             "") ||
	    db_next(&rows) < 0) {
		snprintf(err, errlen, "%s", db_error(db));
		db_rows_end(&rows);
		return -1;
	}
	current = (long)db_int(&rows, 0);
	db_rows_end(&rows);

	char *names[MAX_FILES];
	int n = list_files(sql_dir, names, err, errlen);
	if (n < 0)
		return -1;

	int rc = 0;
	for (int i = 0; i < n; i++) {
		long version = strtol(names[i], NULL, 10);
		if (rc || version <= current)
			continue;
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", sql_dir, names[i]);
		char *text = read_file(path);
		if (!text) {
			snprintf(err, errlen, "%s: cannot read", path);
			rc = -1;
			continue;
		}
		int skip = progress(db, version, err, errlen);
		rc = skip < 0 ? -1
		              : apply_file(db, path, text, version, skip, err,
		                           errlen);
		free(text);
		if (rc == 0 &&
		    (db_exec(db,
		             "INSERT INTO schema_version (version, name) "
		             "VALUES (?, ?)",
		             "ls", (long long)version, names[i]) < 0 ||
		     db_exec(db,
		             "DELETE FROM schema_progress WHERE version = ?",
		             "l", (long long)version) < 0)) {
			snprintf(err, errlen, "%s", db_error(db));
			rc = -1;
		}
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	return rc;
}

int db_schema_check(struct db *db, const char *sql_dir, char *err,
                    size_t errlen)
{
	char *names[MAX_FILES];
	int n = list_files(sql_dir, names, err, errlen);
	if (n < 0)
		return -1;
	long need = n ? strtol(names[n - 1], NULL, 10) : 0;
	for (int i = 0; i < n; i++)
		free(names[i]);
	if (db_ensure(db)) {
		snprintf(err, errlen, "%s", db_error(db));
		return -1;
	}
	/* Only what this build needs: a newer schema (a later release
	 * migrated first, in a rolling upgrade) is fine. */
	long have = 0;
	struct db_rows rows;
	if (db_query(db, &rows,
	             "SELECT COALESCE(MAX(version), 0) FROM schema_version",
	             "") ||
	    db_next(&rows) < 0) {
		int missing = db->last_errno == 1146; /* ER_NO_SUCH_TABLE */
		if (missing)
			snprintf(err, errlen,
			         "the database has no schema yet and "
			         "migrate_on_start = no: run ocppd --migrate");
		else
			snprintf(err, errlen, "%s", db_error(db));
		db_rows_end(&rows);
		return -1;
	}
	have = (long)db_int(&rows, 0);
	db_rows_end(&rows);
	if (have < need) {
		snprintf(err, errlen,
		         "the schema is at version %ld, this build needs %ld "
		         "(%s) and migrate_on_start = no: run ocppd --migrate",
		         have, need, sql_dir);
		return -1;
	}
	return 0;
}
