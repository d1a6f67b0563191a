/*
 * sess_report.c — progress notes and the first failure of a session
 * (sess_report.h), shared by session.c and session201.c.
 */
#include <stdio.h>

#include "sess_report.h"

void sess_vnote(int quiet, const char *id, const char *fmt, va_list ap)
{
	if (quiet)
		return;
	fprintf(stderr, "cpsim: %s ", id);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void sess_vfail(const char *id, int *failed, char *why, size_t whylen,
                const char *fmt, va_list ap)
{
	char buf[256];
	vsnprintf(buf, sizeof buf, fmt, ap);
	fprintf(stderr, "cpsim: %s error: %s\n", id, buf);
	if (!*failed)
		snprintf(why, whylen, "%s", buf);
	*failed = 1;
}
