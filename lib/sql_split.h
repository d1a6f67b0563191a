/*
 * sql_split.h — splits a migration file (sql/NNN_*.sql) into statements
 * the way the mariadb client does for these files, so a file applies the
 * same through ocppd --migrate and through `mariadb < file`.
 *
 * A statement ends at a line that ends with the delimiter (';' at first);
 * "--" lines are comments.  A line "DELIMITER x" changes the delimiter,
 * as in the mariadb client, for bodies of several statements (a trigger's
 * BEGIN ... END or IF ... END IF).  A delimiter other than ';' is not
 * part of the statement handed on; ';' is (MariaDB takes one at the end).
 */
#ifndef CSMS_SQL_SPLIT_H
#define CSMS_SQL_SPLIT_H

#include <stddef.h>

/* Called for each statement, in order; a non-zero return stops the split
 * and is returned by sql_split.  stmt is NUL-terminated. */
typedef int (*sql_split_fn)(const char *stmt, size_t len, void *arg);

/* 0, fn's first non-zero return, or -1 (out of memory). */
int sql_split(const char *text, sql_split_fn fn, void *arg);

#endif
