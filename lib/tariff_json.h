/*
 * tariff_json.h — a tariff as JSON, the same for the API's GET /tariffs
 * and for ocppd's answer to a write (docs/tariffs.md has the fields):
 * the tariff, its versions (newest first) and where it is assigned.
 */
#ifndef CSMS_TARIFF_JSON_H
#define CSMS_TARIFF_JSON_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "db.h"

/* The tariff id (NULL: not found, *dberr 0; or a database error,
 * *dberr 1).  now_ms marks the version in force ("current"). */
cJSON *tariff_json_load(struct db *db, long long id, int64_t now_ms,
                        int *dberr);

/* A version row's JSON from the columns of TARIFF_VERSION_COLS, starting
 * at column col, with the tariff's minor digits. */
cJSON *tariff_version_json(const struct db_rows *r, int col, int digits,
                           int64_t now_ms);

#define TARIFF_VERSION_COLS                                                    \
	"v.id, v.valid_from, v.valid_to, v.energy_price, v.time_price, "       \
	"v.idle_price, v.idle_grace_min, v.session_fee_minor, v.min_minor, "   \
	"v.max_minor, v.vat_rate_bp, v.prices_include_vat, v.bands, "          \
	"v.created_at"

#endif
