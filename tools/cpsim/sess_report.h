/*
 * sess_report.h — a session's progress notes and its failure, as the 1.6
 * and the 2.0.1 session modes both print them: "cpsim: ID ..." on
 * stderr, the first failure kept (in why) as the reason the summary
 * names.
 */
#ifndef CPSIM_SESS_REPORT_H
#define CPSIM_SESS_REPORT_H

#include <stdarg.h>
#include <stddef.h>

void sess_vnote(int quiet, const char *id, const char *fmt, va_list ap);
void sess_vfail(const char *id, int *failed, char *why, size_t whylen,
                const char *fmt, va_list ap);

#endif
