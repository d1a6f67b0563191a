/*
 * sites_parse.h — the checks of the site, group and charge point lifecycle
 * control ops (docs/sites.md, docs/control.md), in one place: the API and
 * the dashboard pass what they are given through, and ocppd answers
 * invalid_params with the field first ("name: ...").  Pure functions, no
 * database: the unit tests call them directly.
 */
#ifndef OCPPD_SITES_PARSE_H
#define OCPPD_SITES_PARSE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#define SITE_NAME_MAX    100 /* characters */
#define SITE_ADDRESS_MAX 255
#define SITE_TZ_MAX      64 /* bytes */
#define SITE_NOTES_MAX   2000
#define GROUP_DESC_MAX   255
#define CP_NOTES_MAX     2000

enum site_kind {
	SITE_ADD,
	SITE_UPDATE,
	SITE_DELETE,
	GROUP_ADD,
	GROUP_UPDATE,
	GROUP_DELETE,
	GROUP_ADD_CP,
	GROUP_REMOVE_CP,
	CP_SET_SITE,
	CP_RETIRE,
	CP_UNRETIRE,
	CP_DELETE,
	CP_SET_NOTES,
	CP_SET_LOAD,
	SITE_KIND_N
};

/* Which fields a request gave (an update changes only those). */
#define SITE_SET_NAME    0x001u
#define SITE_SET_ADDRESS 0x002u
#define SITE_SET_COORDS  0x004u
#define SITE_SET_TZ      0x008u
#define SITE_SET_LIMIT   0x010u /* grid_limit and grid_limit_unit */
#define SITE_SET_PHASES  0x020u
#define SITE_SET_VOLTAGE 0x040u
#define SITE_SET_NOTES   0x080u
#define SITE_SET_DESC    0x100u
#define SITE_SET_LM      0x200u /* load_management */
/* cp_set_load: how the charge point draws (docs/load-management.md) */
#define LOAD_SET_PHASES   0x01u
#define LOAD_SET_MIN      0x02u
#define LOAD_SET_MAX      0x04u
#define LOAD_SET_PRIORITY 0x08u
#define LOAD_AMPS_MAX     500 /* per phase, one connector */

struct site_op {
	enum site_kind kind;
	unsigned set;
	long long id; /* site or group id; 0 for an add */
	char cp_id[201];
	char name[4 * SITE_NAME_MAX + 1];
	char *address; /* NULL: none (owned) */
	int has_coords;
	double latitude, longitude;
	char tz[SITE_TZ_MAX + 1];
	int has_limit;
	double limit;       /* as given, in limit_unit */
	char limit_unit[3]; /* "A" or "kW" */
	int phases, voltage;
	char *notes;       /* site or charge point notes; NULL: none (owned) */
	char *desc;        /* group description; NULL: none (owned) */
	long long site_id; /* cp_set_site: 0 = no site */
	int load_mgmt;     /* site: load management on */
	/* cp_set_load, each when its LOAD_SET_* bit is in set */
	char lm_phases[7]; /* L1, L2, L3 or L1L2L3 */
	double lm_min_a, lm_max_a;
	int lm_priority;
};

/* The op's kind for a control op name; -1 when it is not one of these. */
int site_op_kind(const char *op);
const char *site_op_name(enum site_kind k);

/* Checks params for op (r->cp_id is cp_id, "" when not given); 0, or -1
 * with why ("field: reason").  site_op_free releases what it holds. */
int site_op_parse(const char *op, const char *cp_id, const cJSON *params,
                  struct site_op *s, char *why, size_t whylen);
void site_op_free(struct site_op *s);

/* A time zone name in the IANA database (or "UTC"): a safe file name
 * under zoneinfo_dir that exists there.  With no such directory on this
 * machine, the name's form alone is checked. */
int site_tz_ok(const char *tz, const char *zoneinfo_dir);

/* Amps per phase for a limit given in unit ("A" or "kW") on phases at
 * voltage (phase to neutral), rounded down to 0.1 A so the stored limit
 * never exceeds the one given. */
double site_limit_amps(double limit, const char *unit, int phases, int voltage);

#endif
