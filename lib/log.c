/*
 * log.c — leveled, line-atomic logging shared by every csms-c program.
 */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static enum log_level cur_level = LOG_INFO;
static int log_fd = 2;
static char log_path[512];

static const char *const level_names[] = {"error", "warn", "info", "debug"};

int log_open(const char *level, const char *file, char *err, size_t errlen)
{
	int found = 0;
	for (int i = 0; i <= LOG_DEBUG; i++)
		if (level && !strcasecmp(level, level_names[i])) {
			cur_level = (enum log_level)i;
			found = 1;
		}
	if (!found) {
		snprintf(err, errlen,
		         "log_level \"%s\" is not one of error, warn, info, "
		         "debug",
		         level ? level : "");
		return -1;
	}
	snprintf(log_path, sizeof log_path, "%s", file ? file : "");
	return log_reopen() ? (snprintf(err, errlen, "log_file %s: %s",
	                                log_path, strerror(errno)),
	                       -1)
	                    : 0;
}

int log_reopen(void)
{
	if (!log_path[0])
		return 0;
	int fd =
	    open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	int old = log_fd;
	log_fd = fd;
	if (old > 2)
		close(old);
	return 0;
}

void log_close(void)
{
	if (log_fd > 2)
		close(log_fd);
	log_fd = 2;
}

int log_enabled(enum log_level level)
{
	return level <= cur_level;
}

/*
 * Copies text into a log line with every control character escaped:
 * C0 controls and DEL as \n, \r, \t or \xHH, and the C1 controls
 * U+0080..U+009F (UTF-8 C2 80..C2 9F, which some terminals read as
 * escape sequences) as \xC2\xHH.  Charge point strings (identities,
 * vendors, id tags, frames at debug level) reach log lines through
 * format arguments, so this is the one place where a newline, CR or
 * terminal escape inside them becomes harmless: every log line is one
 * line, and a log viewer shows what was sent instead of obeying it.
 * Returns the bytes written to out (at most cap).
 */
size_t log_escape(char *out, size_t cap, const char *text, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		char esc[8];
		size_t el = 0;
		if (c == 0xC2 && i + 1 < len &&
		    (unsigned char)text[i + 1] >= 0x80 &&
		    (unsigned char)text[i + 1] <= 0x9F) {
			unsigned char d = (unsigned char)text[++i];
			memcpy(esc, "\\xC2\\x", 6);
			esc[6] = hex[d >> 4];
			esc[7] = hex[d & 15];
			el = 8;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			esc[0] = '\\';
			esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
			el = 2;
		} else if (c < 0x20 || c == 0x7F) {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[c >> 4];
			esc[3] = hex[c & 15];
			el = 4;
		} else {
			esc[0] = (char)c;
			el = 1;
		}
		if (n + el > cap)
			break;
		memcpy(out + n, esc, el);
		n += el;
	}
	return n;
}

/*
 * A thread inside log_batch_begin/end keeps its info and debug lines and
 * writes them together: a database worker logs a line per message, and
 * one write(2) per line was a tenth of ocppd's CPU under load.  Lines
 * stay whole (each flush ends on a line), a warning or error flushes
 * what is kept before it, so the order holds and nothing that matters
 * waits; what is kept is at most one batch's info lines.
 */
#define BATCH_BUF 32768

static __thread struct {
	int on;
	size_t len;
	char buf[BATCH_BUF];
	/* The time prefix of the last line, redone once a second. */
	time_t sec;
	char date[24];
} tl;

static void flush_kept(void)
{
	size_t off = 0;
	while (off < tl.len) {
		ssize_t w = write(log_fd, tl.buf + off, tl.len - off);
		if (w <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			break;
		}
		off += (size_t)w;
	}
	tl.len = 0;
}

void log_batch_begin(void)
{
	tl.on = 1;
}

void log_flush(void)
{
	if (tl.len)
		flush_kept();
}

void log_batch_end(void)
{
	log_flush();
	tl.on = 0;
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	if (level > cur_level)
		return;
	char buf[4096], msg[4096];
	struct timeval tv;
	gettimeofday(&tv, NULL);
	if (tv.tv_sec != tl.sec || !tl.date[0]) {
		struct tm tm;
		gmtime_r(&tv.tv_sec, &tm);
		strftime(tl.date, sizeof tl.date, "%Y-%m-%dT%H:%M:%S", &tm);
		tl.sec = tv.tv_sec;
	}
	int n = snprintf(buf, sizeof buf, "%s.%03ldZ %s ", tl.date,
	                 (long)(tv.tv_usec / 1000), level_names[level]);
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	if (m > (int)sizeof msg - 1)
		m = (int)sizeof msg - 1;
	n += (int)log_escape(buf + n, sizeof buf - (size_t)n - 1, msg,
	                     (size_t)m);
	buf[n++] = '\n';
	if (tl.on && level >= LOG_INFO) {
		if (tl.len + (size_t)n > sizeof tl.buf)
			flush_kept();
		memcpy(tl.buf + tl.len, buf, (size_t)n);
		tl.len += (size_t)n;
		return;
	}
	if (tl.len)
		flush_kept();
	ssize_t w = write(log_fd, buf, (size_t)n);
	(void)w;
}
