/*
 * subst.h — scenario variables: ${name} expansion in scenario lines.
 *
 * Built in: ${now} (the current time, ISO 8601 UTC with milliseconds),
 * ${now+S} / ${now-S} (S seconds from now) and ${identity}.  Everything
 * else is set by `save` or `set` lines.
 */
#ifndef CPSIM_SUBST_H
#define CPSIM_SUBST_H

#include <stddef.h>
#include <stdint.h>

#define VARS_MAX 64

struct vars {
	int n;
	struct {
		char name[32];
		char value[256];
	} v[VARS_MAX];
};

/* 0, or -1 if the table is full or the name/value too long. */
int vars_set(struct vars *vs, const char *name, const char *value);
const char *vars_get(const struct vars *vs, const char *name);

/*
 * Expand in into out.  now_ms is the wall clock for ${now}.  -1 with a
 * message for an undefined variable, an unterminated ${ or no room.
 */
int subst(const char *in, const struct vars *vs, int64_t now_ms, char *out,
          size_t outlen, char *err, size_t errlen);

#endif
