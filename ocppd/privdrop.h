/*
 * privdrop.h — ocppd started as root gives root up once its port is bound.
 *
 * privdrop_prepare() runs at start-up, while errors can still stop the
 * daemon before it touches anything: it looks up the configured user and
 * group (config keys user, group).  privdrop_apply() runs right after the
 * listening socket exists (server.c, after ws_start) and before the database
 * workers, the control socket or any charge point: from then on the whole
 * process is that user, with no way back to root.  Not root, or no user
 * configured: both do nothing.
 */
#ifndef OCPPD_PRIVDROP_H
#define OCPPD_PRIVDROP_H

#include <stddef.h>

#include "config.h"

int privdrop_prepare(const struct csms_config *cfg, char *err, size_t errlen);
int privdrop_apply(char *err, size_t errlen);

#endif
