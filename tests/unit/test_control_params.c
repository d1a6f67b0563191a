/*
 * test_control_params.c — the pure parts of the control path: csmsctl's
 * command-line parameters (tools/csmsctl/args.c) and the id-tag checks of
 * tag_add / tag_update / tag_delete (ocppd/tags.c: tag_op_parse).
 *
 * The sources are included directly (they are not in lib/); the answers
 * tags.c sends through the control socket are stubbed, as no socket runs.
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "../../ocppd/tags.c"
#include "../../tools/csmsctl/args.c"

void control_ok(uint64_t client, cJSON *result)
{
	(void)client;
	cJSON_Delete(result);
}

void control_fail(uint64_t client, const char *code, cJSON *extra,
                  const char *fmt, ...)
{
	(void)client;
	(void)code;
	(void)fmt;
	cJSON_Delete(extra);
}

/* The job side of tags.c: no worker runs here. */
int dbq_submit(struct job *j, const char *route, int best_effort)
{
	(void)j;
	(void)route;
	(void)best_effort;
	return -1;
}

int local_list_stamp(struct db *db, const char *id_tag, int deleted)
{
	(void)db;
	(void)id_tag;
	(void)deleted;
	return 0;
}

void prefetch_forget_tags(struct prefetch *pf)
{
	(void)pf;
}

static cJSON *params(int argc, char **argv, char *err, size_t errlen)
{
	cJSON *out = NULL;
	if (csmsctl_params(argc, argv, &out, err, errlen))
		return NULL;
	return out;
}

static char *printed(const cJSON *j)
{
	static char buf[512];
	char *s = cJSON_PrintUnformatted(j);
	snprintf(buf, sizeof buf, "%s", s ? s : "(null)");
	free(s);
	return buf;
}

static void test_args_guess_types(void)
{
	char err[256];
	char *argv[] = {"connectorId=1", "idTag=ABC", "limit=2.5",
	                "on=true",       "tag=007",   "neg=-3",
	                "n=null",        "e=1e3",     "empty="};
	cJSON *p = params(9, argv, err, sizeof err);
	CHECK(p);
	CHECK_STR(printed(p),
	          "{\"connectorId\":1,\"idTag\":\"ABC\",\"limit\":2."
	          "5,\"on\":true,\"tag\":\"007\",\"neg\":-3,\"n\":"
	          "null,\"e\":\"1e3\",\"empty\":\"\"}");
	cJSON_Delete(p);
}

static void test_args_json_and_merge(void)
{
	char err[256];
	char *argv[] = {"{\"idTag\":\"A\",\"connectorId\":2}",
	                "idTag:=\"12345\"", "key:=[\"HeartbeatInterval\"]",
	                "obj={\"a\":1}", "text={not json"};
	cJSON *p = params(5, argv, err, sizeof err);
	CHECK(p);
	CHECK_STR(printed(p), "{\"idTag\":\"12345\",\"connectorId\":2,\"key\":"
	                      "[\"HeartbeatInterval\"],\"obj\":{\"a\":1},"
	                      "\"text\":\"{not json\"}");
	cJSON_Delete(p);
}

static void test_args_errors(void)
{
	char err[256];
	char *a[] = {"novalue"};
	CHECK(!params(1, a, err, sizeof err));
	CHECK(strstr(err, "expected key=value"));
	char *b[] = {"k:={broken"};
	CHECK(!params(1, b, err, sizeof err));
	CHECK(strstr(err, "not valid JSON"));
	char *c[] = {"[1,2]"};
	CHECK(!params(1, c, err, sizeof err));
	char *d[] = {"=x"};
	CHECK(!params(1, d, err, sizeof err));
	char *e[] = {"{\"a\":"};
	CHECK(!params(1, e, err, sizeof err));
	CHECK(strstr(err, "not a JSON object"));
	CHECK_INT(csmsctl_op_without_cp("status"), 1);
	CHECK_INT(csmsctl_op_without_cp("tag_add"), 1);
	CHECK_INT(csmsctl_op_without_cp("account_set"), 1);
	CHECK_INT(csmsctl_op_without_cp("account_delete"), 1);
	CHECK_INT(csmsctl_op_without_cp("Reset"), 0);
}

static int parse_tag(const char *op, const char *json, struct tag_op *t,
                     char *why, size_t whylen)
{
	cJSON *p = cJSON_Parse(json);
	int rc = tag_op_parse(op, p, t, why, whylen);
	cJSON_Delete(p);
	return rc;
}

static void test_tag_add_defaults_and_fields(void)
{
	struct tag_op t;
	char why[256];
	CHECK_INT(
	    parse_tag("tag_add", "{\"id_tag\":\"ABC\"}", &t, why, sizeof why),
	    0);
	CHECK_INT(t.kind, TAG_ADD);
	CHECK_STR(t.id_tag, "ABC");
	CHECK_STR(t.status, "Accepted");
	CHECK(t.name == NULL && t.parent == NULL);
	CHECK(t.expiry_ms == DB_NULL_TIME);
	CHECK_INT(parse_tag("tag_add",
	                    "{\"id_tag\":\"12345678901234567890\",\"name\":"
	                    "\"Zoë\",\"status\":\"Blocked\",\"expiry_date\":"
	                    "\"2027-01-02T03:04:05+01:00\",\"parent_id_tag\":"
	                    "\"GRP\"}",
	                    &t, why, sizeof why),
	          0);
	CHECK_STR(t.name, "Zoë");
	CHECK_STR(t.status, "Blocked");
	CHECK_STR(t.parent, "GRP");
	char ts[32];
	time_format_iso8601(t.expiry_ms, ts);
	CHECK_STR(ts, "2027-01-02T02:04:05.000Z");
	CHECK_INT(parse_tag("tag_add",
	                    "{\"id_tag\":\"A\",\"expiry_date\":\"2027-03-"
	                    "04\"}",
	                    &t, why, sizeof why),
	          0);
	time_format_iso8601(t.expiry_ms, ts);
	CHECK_STR(ts, "2027-03-04T00:00:00.000Z");
}

static void test_tag_validation_names_the_field(void)
{
	struct tag_op t;
	char why[256];
	static const struct {
		const char *op, *json, *why;
	} bad[] = {
	    {"tag_add", "{}", "id_tag: required"},
	    {"tag_add", "{\"id_tag\":\"123456789012345678901\"}",
	     "id_tag: longer than 20 characters"},
	    {"tag_add", "{\"id_tag\":\"\"}", "id_tag: must not be empty"},
	    {"tag_add", "{\"id_tag\":5}", "id_tag: must be a string"},
	    {"tag_add", "{\"id_tag\":\"A\\nB\"}", "id_tag: not valid UTF-8"},
	    {"tag_add", "{\"id_tag\":\"A\",\"status\":\"accepted\"}",
	     "status: must be Accepted, Blocked or Expired"},
	    {"tag_add", "{\"id_tag\":\"A\",\"expiry_date\":\"2027-02-30\"}",
	     "expiry_date: not an ISO 8601"},
	    {"tag_add", "{\"id_tag\":\"A\",\"expiry_date\":7}",
	     "expiry_date: not an ISO 8601"},
	    {"tag_add", "{\"id_tag\":\"A\",\"nick\":\"x\"}",
	     "nick: unknown field"},
	    {"tag_update", "{\"id_tag\":\"A\"}", "nothing to update"},
	    {"tag_delete", "{\"id_tag\":\"A\",\"name\":\"x\"}",
	     "tag_delete takes only id_tag"},
	    {"tag_frob", "{\"id_tag\":\"A\"}", "unknown op"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = '\0';
		CHECK_INT(
		    parse_tag(bad[i].op, bad[i].json, &t, why, sizeof why), -1);
		if (strncmp(why, bad[i].why, strlen(bad[i].why)))
			CHECK_STR(why, bad[i].why);
	}
}

static void test_tag_update_nulls_and_flags(void)
{
	struct tag_op t;
	char why[256];
	CHECK_INT(parse_tag("tag_update",
	                    "{\"id_tag\":\"A\",\"name\":null,\"expiry_date\":"
	                    "null}",
	                    &t, why, sizeof why),
	          0);
	CHECK_INT(t.set, TAG_SET_NAME | TAG_SET_EXPIRY);
	CHECK(t.name == NULL);
	CHECK(t.expiry_ms == DB_NULL_TIME);
	CHECK_INT(parse_tag("tag_update",
	                    "{\"id_tag\":\"A\",\"status\":\"Expired\","
	                    "\"parent_id_tag\":\"\"}",
	                    &t, why, sizeof why),
	          0);
	CHECK_INT(t.set, TAG_SET_STATUS | TAG_SET_PARENT);
	CHECK(t.parent == NULL);
	CHECK_INT(
	    parse_tag("tag_delete", "{\"id_tag\":\"A\"}", &t, why, sizeof why),
	    0);
	CHECK_INT(t.kind, TAG_DELETE);
}

int main(void)
{
	RUN(test_args_guess_types);
	RUN(test_args_json_and_merge);
	RUN(test_args_errors);
	RUN(test_tag_add_defaults_and_fields);
	RUN(test_tag_validation_names_the_field);
	RUN(test_tag_update_nulls_and_flags);
	CHECK_EXIT();
}
