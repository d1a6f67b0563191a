/*
 * test_log.c — lib/log.c: every line is one line, whatever the charge
 * point's strings in it contain.
 */
#include "check.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static const char *esc(const char *in, size_t len)
{
	static char out[256];
	size_t n = log_escape(out, sizeof out - 1, in, len);
	out[n] = '\0';
	return out;
}

static void test_plain_text_unchanged(void)
{
	CHECK_STR(esc("ocpp: CP_1 | Boot Ladesäule", 28),
	          "ocpp: CP_1 | Boot Ladesäule");
}

static void test_newline_cr_tab_escaped(void)
{
	CHECK_STR(esc("a\nb\rc\td", 7), "a\\nb\\rc\\td");
}

static void test_terminal_escapes_escaped(void)
{
	/* ESC [ 2 J (clear screen), BEL, DEL, NUL, C1 CSI as UTF-8. */
	CHECK_STR(esc("\x1b[2J\x07\x7f", 6), "\\x1B[2J\\x07\\x7F");
	CHECK_STR(esc("x\0y", 3), "x\\x00y");
	CHECK_STR(esc("\xc2\x9b"
	              "31m",
	              5),
	          "\\xC2\\x9B31m");
	/* U+00A0 and up are text, not controls. */
	CHECK_STR(esc("\xc2\xa0", 2), "\xc2\xa0");
}

static void test_bounded(void)
{
	char out[5];
	CHECK_INT(log_escape(out, sizeof out, "\n\n\n", 3), 4);
	CHECK_INT(log_escape(out, 3, "ab\ncd", 5), 2);
}

/* Through log_printf: a forged line stays inside the real one. */
static void test_log_line_cannot_be_forged(void)
{
	char path[] = "/tmp/csms-test-log-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	char err[256];
	CHECK(log_open("info", path, err, sizeof err) == 0);
	log_info("ocpp: %s | Boot vendor=%s", "CP_1",
	         "V\n2026-01-01T00:00:00.000Z info ocpp: CP_2 | forged\r");
	log_close();
	char buf[1024];
	fd = open(path, O_RDONLY);
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	unlink(path);
	CHECK(n > 0);
	buf[n] = '\0';
	char *nl = strchr(buf, '\n');
	CHECK(nl && nl[1] == '\0');
	CHECK(strstr(buf, "vendor=V\\n2026-01-01T00:00:00.000Z info ocpp: "
	                  "CP_2 | forged\\r\n"));
}

static size_t file_size(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	off_t n = lseek(fd, 0, SEEK_END);
	close(fd);
	return n > 0 ? (size_t)n : 0;
}

/* A batch's info lines are kept until it ends; a warning writes them
 * first, then itself, so the order is the order of the calls. */
static void test_batch_keeps_order(void)
{
	char path[] = "/tmp/csms-test-log-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	char err[256];
	CHECK(log_open("info", path, err, sizeof err) == 0);
	log_batch_begin();
	log_info("one");
	log_info("two");
	size_t kept = file_size(path);
	log_warn("three");
	size_t after_warn = file_size(path);
	log_info("four");
	size_t before_flush = file_size(path);
	log_flush();
	size_t flushed = file_size(path);
	/* Many lines: kept in pieces, every one whole. */
	for (int i = 0; i < 2000; i++)
		log_info("line %d of a long batch", i);
	log_batch_end();
	log_info("five");
	log_close();
	char *buf = malloc(1 << 20);
	CHECK(buf);
	fd = open(path, O_RDONLY);
	ssize_t n = read(fd, buf, (1 << 20) - 1);
	close(fd);
	unlink(path);
	CHECK(n > 0);
	buf[n] = '\0';
	CHECK_INT(kept, 0);
	CHECK(after_warn > 0);
	CHECK_INT(before_flush, after_warn);
	CHECK(flushed > before_flush);
	const char *one = strstr(buf, " info one\n");
	const char *two = strstr(buf, " info two\n");
	const char *three = strstr(buf, " warn three\n");
	const char *four = strstr(buf, " info four\n");
	const char *last = strstr(buf, " info line 1999 of a long batch\n");
	const char *five = strstr(buf, " info five\n");
	CHECK(one && two && three && four && last && five);
	CHECK(one < two && two < three && three < four && four < last &&
	      last < five);
	int lines = 0;
	for (char *p = buf; *p; p++)
		if (*p == '\n') {
			lines++;
			/* Every line starts with its time. */
			CHECK(!p[1] || !strncmp(p + 1, "20", 2));
		}
	CHECK_INT(lines, 2005);
	free(buf);
}

int main(void)
{
	RUN(test_plain_text_unchanged);
	RUN(test_newline_cr_tab_escaped);
	RUN(test_terminal_escapes_escaped);
	RUN(test_bounded);
	RUN(test_log_line_cannot_be_forged);
	RUN(test_batch_keeps_order);
	CHECK_EXIT();
}
