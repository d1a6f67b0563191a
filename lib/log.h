/*
 * log.h — one line per event, to stderr or a file.
 *
 * Lines look like "2026-11-25T13:00:00.123Z info ocpp: CP_1 | Boot ...".
 * Control characters inside a line are escaped (a charge point's strings
 * cannot start a line of their own or drive the terminal).
 * Each line is written whole, in one write(2) with any others a batch kept
 * (log_batch_begin), so threads never interleave within a line, and a log
 * rotated under us loses nothing (log_reopen on SIGHUP).
 */
#ifndef CSMS_LOG_H
#define CSMS_LOG_H

#include <stddef.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* level: "error", "warn", "info", "debug"; file: "" for stderr. */
int log_open(const char *level, const char *file, char *err, size_t errlen);
int log_reopen(void);
void log_close(void);
int log_enabled(enum log_level level);
void log_printf(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The escaping every line gets (log.c): control characters as \n, \r,
 * \t, \xHH; returns the bytes written to out, at most cap. */
size_t log_escape(char *out, size_t cap, const char *text, size_t len);
/* Between these, the calling thread's info and debug lines are kept and
 * written together at the end (or when a warning or error comes, before
 * it): for a thread that logs a line per item of a batch. */
void log_batch_begin(void);
/* Writes what the calling thread kept, and goes on keeping. */
void log_flush(void);
void log_batch_end(void);

#define log_error(...) log_printf(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_printf(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_printf(LOG_INFO, __VA_ARGS__)
#define log_debug(...)                                                         \
	do {                                                                   \
		if (log_enabled(LOG_DEBUG))                                    \
			log_printf(LOG_DEBUG, __VA_ARGS__);                    \
	} while (0)

#endif
