/*
 * tariff_pick.h — which tariff version prices a session, read from the
 * database (sql/024_tariffs.sql): the version in force at the session's
 * start of the most specific assignment (docs/tariffs.md, "Which
 * tariff"), and the site's time zone.  ocppd prices a stopping session
 * with it inside the StopTransaction's transaction; the web programs
 * estimate a running one with the same query.
 */
#ifndef CSMS_TARIFF_PICK_H
#define CSMS_TARIFF_PICK_H

#include <stdint.h>

#include "config.h"
#include "db.h"
#include "tariff.h"

struct tariff_pick {
	long long version_id; /* 0: none, the default from price_per_kwh */
	char name[101];
	char currency[8];
	char zone[65]; /* the site's IANA zone, "UTC" without a site */
	struct tariff t;
};

/* 0, or -1 on a database error. */
int tariff_pick(struct db *db, const struct csms_config *cfg, const char *cp_id,
                int connector, const char *id_tag, int64_t start_ms,
                struct tariff_pick *out);

/* A version row's prices from its columns (as text), into t. */
int tariff_from_columns(const char *energy, const char *time, const char *idle,
                        long long grace, long long fee, const char *min,
                        const char *max, long long vat_bp, long long incl,
                        long long digits, const char *bands, struct tariff *t);

/* The default tariff: price_per_kwh on energy, nothing else. */
void tariff_default(const struct csms_config *cfg, struct tariff_pick *out);

#endif
