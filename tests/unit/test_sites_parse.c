/*
 * test_sites_parse.c — the checks of the site, group and lifecycle control
 * ops (ocppd/sites_parse.c): the field a refusal names, the grid limit's
 * conversion to amps per phase, and the time zone's file-name rule.
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../ocppd/sites_parse.c"

static int parse(const char *op, const char *cp, const char *json,
                 struct site_op *s, char *why, size_t n)
{
	cJSON *p = cJSON_Parse(json);
	int rc = site_op_parse(op, cp, p, s, why, n);
	cJSON_Delete(p);
	return rc;
}

/* The field named first in why, as control_field_of would take it. */
static int names_field(const char *why, const char *field)
{
	size_t n = strlen(field);
	return !strncmp(why, field, n) && !strncmp(why + n, ": ", 2);
}

static void test_limit_amps(void)
{
	/* 22 kW on 3 x 230 V: 31.88 A, stored 31.8 (never above). */
	CHECK(site_limit_amps(22, "kW", 3, 230) == 31.8);
	CHECK(site_limit_amps(32, "A", 3, 230) == 32.0);
	CHECK(site_limit_amps(7.4, "kW", 1, 230) == 32.1);
	CHECK(site_limit_amps(11.04, "kW", 3, 230) == 16.0);
}

static void test_tz_names(void)
{
	char dir[] = "/tmp/test_sites_tzXXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char sub[64], file[96];
	snprintf(sub, sizeof sub, "%s/Europe", dir);
	snprintf(file, sizeof file, "%s/Berlin", sub);
	CHECK(mkdir(sub, 0700) == 0);
	FILE *f = fopen(file, "w");
	CHECK(f != NULL);
	if (f)
		fclose(f);
	CHECK(site_tz_ok("Europe/Berlin", dir));
	CHECK(site_tz_ok("UTC", dir));
	CHECK(!site_tz_ok("Europe/Paris", dir));
	CHECK(!site_tz_ok("Europe", dir)); /* a directory */
	CHECK(!site_tz_ok("../etc/passwd", dir));
	CHECK(!site_tz_ok("/etc/passwd", dir));
	CHECK(!site_tz_ok("Europe//Berlin", dir));
	CHECK(!site_tz_ok("Europe/Ber lin", dir));
	CHECK(!site_tz_ok("", dir));
	/* Without a zone database the form alone counts. */
	CHECK(site_tz_ok("America/New_York", "/nonexistent-zoneinfo"));
	CHECK(!site_tz_ok("a..b", "/nonexistent-zoneinfo"));
	unlink(file);
	rmdir(sub);
	rmdir(dir);
}

static void test_site_fields(void)
{
	struct site_op s;
	char why[256];
	CHECK_INT(
	    parse("site_add", "", "{\"name\":\"Depot\"}", &s, why, sizeof why),
	    0);
	CHECK_STR(s.tz, "UTC");
	CHECK_INT(s.phases, 3);
	CHECK_INT(s.voltage, 230);
	site_op_free(&s);
	static const struct {
		const char *op, *json, *field;
	} bad[] = {
	    {"site_add", "{}", "name"},
	    {"site_add", "{\"name\":\"\"}", "name"},
	    {"site_add", "{\"name\":\"a\\nb\"}", "name"},
	    {"site_add", "{\"name\":\"x\",\"id\":3}", "id"},
	    {"site_add", "{\"name\":\"x\",\"latitude\":10}", "longitude"},
	    {"site_add", "{\"name\":\"x\",\"latitude\":-91,\"longitude\":0}",
	     "latitude"},
	    {"site_add", "{\"name\":\"x\",\"grid_limit\":0}", "grid_limit"},
	    {"site_add", "{\"name\":\"x\",\"grid_limit_unit\":\"kW\"}",
	     "grid_limit"},
	    {"site_add", "{\"name\":\"x\",\"grid_phases\":2}", "grid_phases"},
	    {"site_add", "{\"name\":\"x\",\"grid_voltage\":230.5}",
	     "grid_voltage"},
	    {"site_add", "{\"name\":\"x\",\"time_zone\":\"../x\"}",
	     "time_zone"},
	    {"site_add", "{\"name\":\"x\",\"colour\":1}", "colour"},
	    {"site_update", "{\"name\":\"x\"}", "id"},
	    {"group_add", "{\"name\":\"x\",\"notes\":\"n\"}", "notes"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = '\0';
		CHECK_INT(
		    parse(bad[i].op, "", bad[i].json, &s, why, sizeof why), -1);
		if (!names_field(why, bad[i].field))
			CHECK_FAIL_("%s %s: \"%s\" does not name %s", bad[i].op,
			            bad[i].json, why, bad[i].field);
		site_op_free(&s);
	}
	/* An update with nothing names no field. */
	CHECK_INT(parse("site_update", "", "{\"id\":1}", &s, why, sizeof why),
	          -1);
	CHECK(!strchr(why, ':'));
	/* Nulls clear. */
	CHECK_INT(parse("site_update", "",
	                "{\"id\":1,\"latitude\":null,\"longitude\":null,"
	                "\"grid_limit\":null,\"notes\":null}",
	                &s, why, sizeof why),
	          0);
	CHECK_INT(s.set, SITE_SET_COORDS | SITE_SET_LIMIT | SITE_SET_NOTES);
	CHECK(!s.has_coords && !s.has_limit && !s.notes);
	site_op_free(&s);
}

static void test_cp_ops(void)
{
	struct site_op s;
	char why[256];
	CHECK_INT(parse("cp_retire", "", "{}", &s, why, sizeof why), -1);
	CHECK(names_field(why, "cp_id"));
	CHECK_INT(parse("cp_retire", "CP_1", "{\"x\":1}", &s, why, sizeof why),
	          -1);
	CHECK(names_field(why, "x"));
	CHECK_INT(parse("cp_set_site", "CP_1", "{\"site_id\":null}", &s, why,
	                sizeof why),
	          0);
	CHECK_INT(s.site_id, 0);
	CHECK_INT(parse("cp_set_site", "CP_1", "{\"site_id\":\"1\"}", &s, why,
	                sizeof why),
	          -1);
	CHECK(names_field(why, "site_id"));
	CHECK_INT(parse("cp_set_notes", "CP_1", "{\"notes\":\"a\\nb\"}", &s,
	                why, sizeof why),
	          0);
	CHECK_STR(s.notes, "a\nb");
	site_op_free(&s);
	CHECK_INT(parse("group_add_cp", "CP_1", "{}", &s, why, sizeof why), -1);
	CHECK(names_field(why, "id"));
	CHECK_INT(site_op_kind("nope"), -1);
}

int main(void)
{
	RUN(test_limit_amps);
	RUN(test_tz_names);
	RUN(test_site_fields);
	RUN(test_cp_ops);
	CHECK_EXIT();
}
