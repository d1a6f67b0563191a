/*
 * migrate.c — brings the database schema up to date from sql/NNN_*.sql.
 *
 * Each file is applied once, in number order, and recorded in
 * schema_version, so a second start (or a newer release) applies only what
 * is new.  Statements end with ';' at the end of a line; "--" lines are
 * comments.  ocppd runs this at start-up with the write account.
 */
#include "db.h"

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

/* Splits on ';' at the end of a line and skips "--" comment lines. */
static int apply_file(struct db *db, const char *path, const char *text,
                      char *err, size_t errlen)
{
	char *stmt = NULL;
	size_t len = 0;
	FILE *cur = open_memstream(&stmt, &len);
	if (!cur) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	int rc = 0;
	const char *p = text;
	while (*p && rc == 0) {
		const char *eol = strchr(p, '\n');
		size_t ll = eol ? (size_t)(eol - p) : strlen(p);
		const char *s = p;
		while (s < p + ll && (*s == ' ' || *s == '\t'))
			s++;
		int comment = (p + ll - s >= 2 && s[0] == '-' && s[1] == '-');
		if (!comment) {
			fwrite(p, 1, ll, cur);
			fputc('\n', cur);
			const char *e = p + ll;
			while (e > p &&
			       (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
				e--;
			if (e > p && e[-1] == ';') {
				fflush(cur);
				rc = run_statement(db, stmt, len, path, err,
				                   errlen);
				rewind(cur);
				len = 0;
				fflush(cur);
			}
		}
		p = eol ? eol + 1 : p + ll;
	}
	fflush(cur);
	/* Trailing text without ';' is a statement too, unless blank. */
	if (rc == 0 && len && strspn(stmt, " \t\r\n") < len)
		rc = run_statement(db, stmt, len, path, err, errlen);
	fclose(cur);
	free(stmt);
	return rc;
}

static const char create_version_table[] =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INT NOT NULL PRIMARY KEY,"
    " name VARCHAR(255) NOT NULL,"
    " applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3))"
    " ENGINE=InnoDB";

int db_migrate(struct db *db, const char *sql_dir, char *err, size_t errlen)
{
	if (db_ensure(db)) {
		snprintf(err, errlen, "%s", db_error(db));
		return -1;
	}
	if (run_statement(db, create_version_table,
	                  sizeof create_version_table - 1, "schema_version",
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

	DIR *d = opendir(sql_dir);
	if (!d) {
		snprintf(err, errlen, "sql_dir %s: cannot open", sql_dir);
		return -1;
	}
	char *names[1000];
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < 1000) {
		size_t l = strlen(de->d_name);
		if (l > 8 && de->d_name[0] >= '0' && de->d_name[0] <= '9' &&
		    !strcmp(de->d_name + l - 4, ".sql"))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof names[0], cmp_names);

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
		rc = apply_file(db, path, text, err, errlen);
		free(text);
		if (rc == 0 &&
		    db_exec(db,
		            "INSERT INTO schema_version (version, name) "
		            "VALUES (?, ?)",
		            "ls", (long long)version, names[i]) < 0) {
			snprintf(err, errlen, "%s", db_error(db));
			rc = -1;
		}
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	return rc;
}
