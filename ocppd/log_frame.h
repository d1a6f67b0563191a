/*
 * log_frame.h — the debug-level log line of one frame in or out.
 *
 * Every frame ocppd receives or sends is logged at debug level through
 * here, so secrets in it (ocpp_secret.h) are masked in one place and the
 * line is cut at the same length everywhere.
 */
#ifndef OCPPD_LOG_FRAME_H
#define OCPPD_LOG_FRAME_H

#include <stddef.h>

/* dir: "<-" for a frame from the charge point, "->" for one to it. */
void log_frame(const char *cp_id, const char *dir, const char *text,
               size_t len);

#endif
