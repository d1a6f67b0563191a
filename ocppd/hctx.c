/*
 * hctx.c — the small helpers every handler shares.
 */
#include "handlers.h"

#include <stdarg.h>
#include <stdio.h>

#include "log.h"

void hctx_audit(struct hctx *c, const char *fmt, ...)
{
	/* Only ever logged at info: not formatted for nothing. */
	if (!log_enabled(LOG_INFO))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->audit, sizeof c->audit, fmt, ap);
	va_end(ap);
}

enum hres hctx_db_error(struct hctx *c)
{
	snprintf(c->err, sizeof c->err, "database error");
	return H_DB_ERROR;
}
