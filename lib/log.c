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

void log_printf(enum log_level level, const char *fmt, ...)
{
	if (level > cur_level)
		return;
	char buf[4096];
	struct timeval tv;
	struct tm tm;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	int n = (int)strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	n += snprintf(buf + n, sizeof buf - (size_t)n, ".%03ldZ %s ",
	              (long)(tv.tv_usec / 1000), level_names[level]);
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n > (int)sizeof buf - 2)
		n = (int)sizeof buf - 2;
	buf[n++] = '\n';
	ssize_t w = write(log_fd, buf, (size_t)n);
	(void)w;
}
