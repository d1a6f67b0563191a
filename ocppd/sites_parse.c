/*
 * sites_parse.c — see sites_parse.h.
 */
#include "sites_parse.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "utf8.h"

static const char *const names[SITE_KIND_N] = {
    [SITE_ADD] = "site_add",         [SITE_UPDATE] = "site_update",
    [SITE_DELETE] = "site_delete",   [GROUP_ADD] = "group_add",
    [GROUP_UPDATE] = "group_update", [GROUP_DELETE] = "group_delete",
    [GROUP_ADD_CP] = "group_add_cp", [GROUP_REMOVE_CP] = "group_remove_cp",
    [CP_SET_SITE] = "cp_set_site",   [CP_RETIRE] = "cp_retire",
    [CP_UNRETIRE] = "cp_unretire",   [CP_DELETE] = "cp_delete",
    [CP_SET_NOTES] = "cp_set_notes", [CP_SET_LOAD] = "cp_set_load",
};

/* The fields each kind takes (besides the request's cp_id). */
static const char *const site_fields[] = {
    "id",          "name",         "address",    "latitude",
    "longitude",   "time_zone",    "grid_limit", "grid_limit_unit",
    "grid_phases", "grid_voltage", "notes",      "load_management",
    NULL};
static const char *const group_fields[] = {"id", "name", "description", NULL};
static const char *const id_fields[] = {"id", NULL};
static const char *const no_fields[] = {NULL};
static const char *const cp_site_fields[] = {"site_id", NULL};
static const char *const notes_fields[] = {"notes", NULL};
static const char *const load_fields[] = {"phases", "min_a", "max_a",
                                          "priority", NULL};

static const char *const *fields_of(enum site_kind k)
{
	switch (k) {
	case SITE_ADD:
	case SITE_UPDATE:
		return site_fields;
	case GROUP_ADD:
	case GROUP_UPDATE:
		return group_fields;
	case SITE_DELETE:
	case GROUP_DELETE:
	case GROUP_ADD_CP:
	case GROUP_REMOVE_CP:
		return id_fields;
	case CP_SET_SITE:
		return cp_site_fields;
	case CP_SET_NOTES:
		return notes_fields;
	case CP_SET_LOAD:
		return load_fields;
	default:
		return no_fields;
	}
}

int site_op_kind(const char *op)
{
	for (int i = 0; i < SITE_KIND_N; i++)
		if (!strcmp(op, names[i]))
			return i;
	return -1;
}

const char *site_op_name(enum site_kind k)
{
	return k < SITE_KIND_N ? names[k] : "?";
}

/* Well-formed UTF-8 without control characters (newline and tab too
 * when multiline); its length in characters, or -1. */
static long text_chars(const char *s, int multiline)
{
	long n = 0;
	for (size_t len; *s; s += len, n++) {
		len = utf8_decode(s, SIZE_MAX, NULL);
		unsigned char c = (unsigned char)*s;
		if (!len)
			return -1;
		if ((c < 0x20 || c == 0x7F) &&
		    !(multiline && (c == '\n' || c == '\r' || c == '\t')))
			return -1;
	}
	return n;
}

__attribute__((format(printf, 3, 4))) static int bad(char *why, size_t whylen,
                                                     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

/* An optional text: absent (0, *out untouched), null or "" (*out = NULL),
 * or a string of 1..max characters (*out = a copy).  -1 with why. */
static int opt_text(const cJSON *params, const char *name, long max,
                    int multiline, char **out, int *given, char *why,
                    size_t whylen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, name);
	*given = v != NULL;
	if (!v)
		return 0;
	if (cJSON_IsNull(v) || (cJSON_IsString(v) && !v->valuestring[0])) {
		*out = NULL;
		return 0;
	}
	long n = cJSON_IsString(v) ? text_chars(v->valuestring, multiline) : -1;
	if (n < 0 || n > max)
		return bad(why, whylen,
		           "%s: a text of at most %ld characters%s", name, max,
		           multiline ? "" : " on one line");
	if (!(*out = strdup(v->valuestring)))
		return bad(why, whylen, "%s: out of memory", name);
	return 0;
}

/* A whole number in [min, max]; -1 when v is not one. */
static int whole(const cJSON *v, long long min, long long max, long long *out)
{
	if (!cJSON_IsNumber(v) || v->valuedouble < (double)min ||
	    v->valuedouble > (double)max ||
	    v->valuedouble != floor(v->valuedouble))
		return -1;
	*out = (long long)v->valuedouble;
	return 0;
}

int site_tz_ok(const char *tz, const char *zoneinfo_dir)
{
	size_t n = strlen(tz);
	if (!n || n > SITE_TZ_MAX || tz[0] == '/' || tz[n - 1] == '/' ||
	    strstr(tz, "..") || strstr(tz, "//"))
		return 0;
	for (const char *p = tz; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || strchr("/_+-", *p)))
			return 0;
	if (!strcmp(tz, "UTC"))
		return 1;
	struct stat st;
	if (!zoneinfo_dir || stat(zoneinfo_dir, &st) || !S_ISDIR(st.st_mode))
		return 1;
	char path[512];
	snprintf(path, sizeof path, "%s/%s", zoneinfo_dir, tz);
	return !stat(path, &st) && S_ISREG(st.st_mode);
}

double site_limit_amps(double limit, const char *unit, int phases, int voltage)
{
	double a = limit;
	if (!strcmp(unit, "kW"))
		a = limit * 1000.0 / ((double)phases * (double)voltage);
	/* 1e-9: 32.0 given must stay 32.0 after the float round trip. */
	return floor(a * 10.0 + 1e-9) / 10.0;
}

static int parse_site(const cJSON *p, struct site_op *s, char *why,
                      size_t whylen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "name");
	if (v) {
		long n = cJSON_IsString(v) ? text_chars(v->valuestring, 0) : -1;
		if (n < 1 || n > SITE_NAME_MAX ||
		    strlen(v->valuestring) >= sizeof s->name)
			return bad(why, whylen,
			           "name: 1 to %d characters on one line",
			           SITE_NAME_MAX);
		snprintf(s->name, sizeof s->name, "%s", v->valuestring);
		s->set |= SITE_SET_NAME;
	} else if (s->kind == SITE_ADD || s->kind == GROUP_ADD) {
		return bad(why, whylen, "name: required");
	}
	int given;
	if (s->kind == GROUP_ADD || s->kind == GROUP_UPDATE) {
		if (opt_text(p, "description", GROUP_DESC_MAX, 0, &s->desc,
		             &given, why, whylen))
			return -1;
		s->set |= given ? SITE_SET_DESC : 0;
		if (s->kind == GROUP_UPDATE && !s->set)
			return bad(why, whylen,
			           "nothing to update; give name or "
			           "description");
		return 0;
	}
	if (opt_text(p, "address", SITE_ADDRESS_MAX, 0, &s->address, &given,
	             why, whylen))
		return -1;
	s->set |= given ? SITE_SET_ADDRESS : 0;
	if (opt_text(p, "notes", SITE_NOTES_MAX, 1, &s->notes, &given, why,
	             whylen))
		return -1;
	s->set |= given ? SITE_SET_NOTES : 0;

	const cJSON *lat = cJSON_GetObjectItemCaseSensitive(p, "latitude");
	const cJSON *lon = cJSON_GetObjectItemCaseSensitive(p, "longitude");
	if (lat || lon) {
		if (cJSON_IsNull(lat) && cJSON_IsNull(lon)) {
			s->has_coords = 0;
		} else if (!cJSON_IsNumber(lat) || lat->valuedouble < -90 ||
		           lat->valuedouble > 90) {
			return bad(why, whylen,
			           "latitude: a number from -90 to 90, given "
			           "with longitude (both null: none)");
		} else if (!cJSON_IsNumber(lon) || lon->valuedouble < -180 ||
		           lon->valuedouble > 180) {
			return bad(why, whylen,
			           "longitude: a number from -180 to 180, "
			           "given with latitude (both null: none)");
		} else {
			s->has_coords = 1;
			s->latitude = lat->valuedouble;
			s->longitude = lon->valuedouble;
		}
		s->set |= SITE_SET_COORDS;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(p, "time_zone"))) {
		if (!cJSON_IsString(v) ||
		    !site_tz_ok(v->valuestring, "/usr/share/zoneinfo"))
			return bad(why, whylen,
			           "time_zone: an IANA time zone such as "
			           "\"Europe/Berlin\", or \"UTC\"");
		snprintf(s->tz, sizeof s->tz, "%s", v->valuestring);
		s->set |= SITE_SET_TZ;
	} else if (s->kind == SITE_ADD) {
		snprintf(s->tz, sizeof s->tz, "UTC");
	}
	long long n;
	if ((v = cJSON_GetObjectItemCaseSensitive(p, "grid_phases"))) {
		if (whole(v, 1, 3, &n) || n == 2)
			return bad(why, whylen, "grid_phases: 1 or 3");
		s->phases = (int)n;
		s->set |= SITE_SET_PHASES;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(p, "grid_voltage"))) {
		if (whole(v, 100, 500, &n))
			return bad(why, whylen,
			           "grid_voltage: volts phase to neutral, a "
			           "whole number from 100 to 500");
		s->voltage = (int)n;
		s->set |= SITE_SET_VOLTAGE;
	}
	const cJSON *unit =
	    cJSON_GetObjectItemCaseSensitive(p, "grid_limit_unit");
	snprintf(s->limit_unit, sizeof s->limit_unit, "A");
	if (unit) {
		if (!cJSON_IsString(unit) || (strcmp(unit->valuestring, "A") &&
		                              strcmp(unit->valuestring, "kW")))
			return bad(why, whylen,
			           "grid_limit_unit: \"A\" or \"kW\"");
		snprintf(s->limit_unit, sizeof s->limit_unit, "%s",
		         unit->valuestring);
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(p, "grid_limit"))) {
		if (cJSON_IsNull(v)) {
			s->has_limit = 0;
		} else if (!cJSON_IsNumber(v) || !(v->valuedouble > 0) ||
		           v->valuedouble > 100000) {
			return bad(why, whylen,
			           "grid_limit: a number above 0 (amps per "
			           "phase, or kW with grid_limit_unit), or "
			           "null for none");
		} else {
			s->has_limit = 1;
			s->limit = v->valuedouble;
		}
		s->set |= SITE_SET_LIMIT;
	} else if (unit) {
		return bad(why, whylen,
		           "grid_limit: required with grid_limit_unit");
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(p, "load_management"))) {
		if (!cJSON_IsBool(v))
			return bad(why, whylen,
			           "load_management: true or false");
		s->load_mgmt = cJSON_IsTrue(v);
		s->set |= SITE_SET_LM;
	}
	if (s->kind == SITE_UPDATE && !s->set)
		return bad(why, whylen,
		           "nothing to update; give name, address, latitude "
		           "and longitude, time_zone, grid_limit, grid_phases, "
		           "grid_voltage, notes or load_management");
	return 0;
}

/* Amperes per phase with at most one decimal, in [min, max]. */
static int amps(const cJSON *v, double min, double max, double *out)
{
	if (!cJSON_IsNumber(v) || v->valuedouble < min || v->valuedouble > max)
		return -1;
	double d = v->valuedouble * 10.0;
	if (fabs(d - floor(d + 0.5)) > 1e-6)
		return -1;
	*out = floor(d + 0.5) / 10.0;
	return 0;
}

static int parse_load(const cJSON *p, struct site_op *s, char *why,
                      size_t whylen)
{
	static const char *const phases[] = {"L1", "L2", "L3", "L1L2L3", NULL};
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "phases");
	if (v) {
		int i = 0;
		while (cJSON_IsString(v) && phases[i] &&
		       strcmp(phases[i], v->valuestring))
			i++;
		if (!cJSON_IsString(v) || !phases[i])
			return bad(why, whylen,
			           "phases: L1L2L3 (three-phase), or the one "
			           "phase it is wired to: L1, L2 or L3");
		snprintf(s->lm_phases, sizeof s->lm_phases, "%s", phases[i]);
		s->set |= LOAD_SET_PHASES;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(p, "min_a"))) {
		if (amps(v, 0, LOAD_AMPS_MAX, &s->lm_min_a))
			return bad(why, whylen,
			           "min_a: amperes per phase from 0 to %d, "
			           "to 0.1",
			           LOAD_AMPS_MAX);
		s->set |= LOAD_SET_MIN;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(p, "max_a"))) {
		if (amps(v, 1, LOAD_AMPS_MAX, &s->lm_max_a))
			return bad(why, whylen,
			           "max_a: amperes per phase from 1 to %d, "
			           "to 0.1",
			           LOAD_AMPS_MAX);
		s->set |= LOAD_SET_MAX;
	}
	long long n;
	if ((v = cJSON_GetObjectItemCaseSensitive(p, "priority"))) {
		if (whole(v, -100, 100, &n))
			return bad(why, whylen,
			           "priority: a whole number from -100 to 100 "
			           "(higher is served first)");
		s->lm_priority = (int)n;
		s->set |= LOAD_SET_PRIORITY;
	}
	if ((s->set & LOAD_SET_MIN) && (s->set & LOAD_SET_MAX) &&
	    s->lm_min_a > s->lm_max_a)
		return bad(why, whylen, "min_a: not above max_a");
	if (!s->set)
		return bad(why, whylen,
		           "nothing to change; give phases, min_a, max_a or "
		           "priority");
	return 0;
}

int site_op_parse(const char *op, const char *cp_id, const cJSON *params,
                  struct site_op *s, char *why, size_t whylen)
{
	memset(s, 0, sizeof *s);
	s->phases = 3;
	s->voltage = 230;
	int k = site_op_kind(op);
	if (k < 0)
		return bad(why, whylen, "unknown op %.40s", op);
	s->kind = (enum site_kind)k;
	const char *const *known = fields_of(s->kind);
	for (const cJSON *m = params ? params->child : NULL; m; m = m->next) {
		int i;
		for (i = 0; known[i]; i++)
			if (!strcmp(m->string, known[i]))
				break;
		if (!known[i] ||
		    ((s->kind == SITE_ADD || s->kind == GROUP_ADD) &&
		     !strcmp(m->string, "id")))
			return bad(why, whylen, "%.60s: unknown field",
			           m->string);
	}
	int needs_cp = s->kind >= GROUP_ADD_CP;
	if (needs_cp) {
		if (!cp_id || !cp_id[0] || strlen(cp_id) >= sizeof s->cp_id)
			return bad(why, whylen, "cp_id: required");
		snprintf(s->cp_id, sizeof s->cp_id, "%s", cp_id);
	}
	int needs_id = s->kind == SITE_UPDATE || s->kind == SITE_DELETE ||
	               s->kind == GROUP_UPDATE || s->kind == GROUP_DELETE ||
	               s->kind == GROUP_ADD_CP || s->kind == GROUP_REMOVE_CP;
	if (needs_id && whole(cJSON_GetObjectItemCaseSensitive(params, "id"), 1,
	                      2147483647, &s->id))
		return bad(why, whylen, "id: a %s id is required",
		           s->kind <= SITE_DELETE ? "site" : "group");
	switch (s->kind) {
	case SITE_ADD:
	case SITE_UPDATE:
	case GROUP_ADD:
	case GROUP_UPDATE:
		return parse_site(params, s, why, whylen);
	case CP_SET_SITE: {
		const cJSON *v =
		    cJSON_GetObjectItemCaseSensitive(params, "site_id");
		if (cJSON_IsNull(v))
			return 0;
		if (whole(v, 1, 2147483647, &s->site_id))
			return bad(why, whylen,
			           "site_id: required, a site id or null for "
			           "none");
		return 0;
	}
	case CP_SET_NOTES: {
		int given;
		if (opt_text(params, "notes", CP_NOTES_MAX, 1, &s->notes,
		             &given, why, whylen))
			return -1;
		return given ? 0
		             : bad(why, whylen,
		                   "notes: required (null or \"\" clears)");
	}
	case CP_SET_LOAD:
		return parse_load(params, s, why, whylen);
	default:
		return 0;
	}
}

void site_op_free(struct site_op *s)
{
	free(s->address);
	free(s->notes);
	free(s->desc);
	s->address = s->notes = s->desc = NULL;
}
