/*
 * tzif.h — a time zone's UTC offset at any instant, from the compiled
 * zone file (TZif, RFC 8536) under /usr/share/zoneinfo.
 *
 * Why not localtime_r(): it reads the zone from the TZ environment
 * variable, which a threaded process cannot change safely (setenv races
 * every other thread's getenv and localtime).  A TZif file is small and
 * well specified, so ocppd and the web programs read it themselves: the
 * transition table (version 2+ 64-bit section when present) and, past its
 * last transition, the POSIX TZ rule in its footer ("CET-1CEST,M3.5.0,
 * M10.5.0/3").  Pure functions except tzif_load(), which reads one file.
 */
#ifndef CSMS_TZIF_H
#define CSMS_TZIF_H

#include <stddef.h>
#include <stdint.h>

#define TZIF_MAX_TRANS 2400
#define TZIF_MAX_TYPES 64

struct tzif_rule {             /* one POSIX "Mm.w.d/time" date rule */
	int month, week, wday; /* 1..12, 1..5 (5 = last), 0..6 (Sunday 0) */
	int secs;              /* local time of the change, seconds */
};

struct tzif {
	int ntrans, ntypes;
	int64_t trans[TZIF_MAX_TRANS]; /* UTC seconds, ascending */
	unsigned char idx[TZIF_MAX_TRANS];
	int32_t off[TZIF_MAX_TYPES]; /* seconds east of UTC */
	/* The footer rule: std_off alone, or with DST between two dates. */
	int have_rule, rule_dst;
	int32_t std_off, dst_off;
	struct tzif_rule start, end;
};

/* A zone from its bytes: 0, or -1 when it is not a TZif file this reader
 * understands. */
int tzif_parse(const unsigned char *buf, size_t len, struct tzif *z);

/* Parse a POSIX TZ string (the footer) into z's rule: 0 or -1. */
int tzif_parse_rule(const char *s, struct tzif *z);

/* An IANA name ("Europe/Berlin") read from dir (NULL: /usr/share/zoneinfo).
 * Names with "..", a leading '/' or characters outside [A-Za-z0-9/_+-] are
 * refused (-1), as is a missing file.  "UTC" always works. */
int tzif_load(const char *dir, const char *name, struct tzif *z);

/* The offset east of UTC, in seconds, at utc_s (Unix seconds). */
int32_t tzif_offset(const struct tzif *z, int64_t utc_s);

#endif
