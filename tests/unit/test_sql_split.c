/*
 * test_sql_split.c — lib/sql_split.c: migration files split into the
 * statements the mariadb client sends, DELIMITER included.
 */
#include "check.h"

#include <string.h>

#include "sql_split.h"

struct got {
	int n;
	char s[8][256];
	int stop_at; /* return 7 at this statement (1-based), 0: never */
};

static int collect(const char *stmt, size_t len, void *arg)
{
	struct got *g = arg;
	if (strlen(stmt) != len)
		return 9; /* the split reports it: no statement is cut */
	if (g->n < 8)
		snprintf(g->s[g->n], sizeof g->s[0], "%s", stmt);
	g->n++;
	return g->n == g->stop_at ? 7 : 0;
}

static void test_plain(void)
{
	struct got g = {0};
	CHECK(sql_split("-- a comment; not a statement\n"
	                "CREATE TABLE t (a INT);\n"
	                "\n"
	                "INSERT INTO t VALUES (1),\n"
	                "  (2);  \n"
	                "SELECT 'x;y' FROM t\n",
	                collect, &g) == 0);
	CHECK(g.n == 3);
	CHECK_STR(g.s[0], "CREATE TABLE t (a INT);\n");
	CHECK_STR(g.s[1], "\nINSERT INTO t VALUES (1),\n  (2);  \n");
	/* Trailing text without ';' is a statement too. */
	CHECK_STR(g.s[2], "SELECT 'x;y' FROM t\n");
}

static void test_delimiter(void)
{
	struct got g = {0};
	CHECK(sql_split("DROP TRIGGER IF EXISTS x;\n"
	                "DELIMITER //\n"
	                "CREATE TRIGGER x AFTER UPDATE ON t FOR EACH ROW\n"
	                "IF NEW.a <> OLD.a THEN\n"
	                "  -- inside: still a comment\n"
	                "  INSERT INTO u VALUES (NEW.a);\n"
	                "END IF//\n"
	                "delimiter ;\n"
	                "SELECT 1;\n",
	                collect, &g) == 0);
	CHECK(g.n == 3);
	CHECK_STR(g.s[0], "DROP TRIGGER IF EXISTS x;\n");
	/* The body's ';' does not end it; the file's "//" is not sent. */
	CHECK_STR(g.s[1], "CREATE TRIGGER x AFTER UPDATE ON t FOR EACH ROW\n"
	                  "IF NEW.a <> OLD.a THEN\n"
	                  "  INSERT INTO u VALUES (NEW.a);\n"
	                  "END IF\n");
	CHECK_STR(g.s[2], "SELECT 1;\n");
}

static void test_stop_and_blank(void)
{
	struct got g = {.stop_at = 2};
	CHECK(sql_split("A;\nB;\nC;\n", collect, &g) == 7);
	CHECK(g.n == 2);
	struct got h = {0};
	CHECK(sql_split("-- only comments\n\n   \n", collect, &h) == 0);
	CHECK(h.n == 0);
	/* A DELIMITER line in the middle of a statement is SQL text. */
	struct got k = {0};
	CHECK(sql_split("SELECT\nDELIMITER //\n;\n", collect, &k) == 0);
	CHECK(k.n == 1);
}

int main(void)
{
	RUN(test_plain);
	RUN(test_delimiter);
	RUN(test_stop_and_blank);
	CHECK_EXIT();
}
