/*
 * test_api_params.c — the pure parts of the REST API: CSV fields, UTF-8
 * repair, the OpenAPI document, the JSON error shape and a bad parameter
 * answered as JSON (the parsers themselves: test_param.c).
 *
 * The Makefile links unit tests against lib/ and the shared cgi-bin code
 * only, so the API files under test are compiled in here.
 */
#include "../../cgi-bin/api-json.c"
#include "../../cgi-bin/api-openapi.c"
#include "../../cgi-bin/api-text.c"

#include "check.h"
#include "ctl_proto.h"
#include "../../cgi-bin/webctl.h"

/* What api_csv_text writes for s (valid until the next call). */
static char *csv(const char *s)
{
	static char *out;
	size_t len;
	free(out);
	FILE *f = open_memstream(&out, &len);
	api_csv_text(f, s);
	fclose(f);
	return out;
}

static void test_csv_text(void)
{
	CHECK_STR(csv("CP_1"), "CP_1");
	CHECK_STR(csv(NULL), "");
	CHECK_STR(csv("a,b"), "\"a,b\"");
	CHECK_STR(csv("say \"hi\""), "\"say \"\"hi\"\"\"");
	CHECK_STR(csv("two\nlines"), "\"two\nlines\"");
	/* Formula injection: text stays text in a spreadsheet. */
	CHECK_STR(csv("=SUM(A1)"), "\"'=SUM(A1)\"");
	CHECK_STR(csv("+1"), "\"'+1\"");
	CHECK_STR(csv("-x"), "\"'-x\"");
	CHECK_STR(csv("@cmd"), "\"'@cmd\"");
}

static void test_utf8(void)
{
	CHECK(api_utf8_valid("plain", 5));
	CHECK(api_utf8_valid("\xc3\x9c\xe2\x9a\xa1\xf0\x9f\x94\x8c", 9));
	CHECK(!api_utf8_valid("\xc3", 1));             /* truncated */
	CHECK(!api_utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
	CHECK(!api_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
	CHECK(!api_utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
	CHECK(!api_utf8_valid("\xff", 1));
	char *s = api_utf8_repair("a\xffz\xc3\x9c\xc3");
	CHECK_STR(s, "a\xef\xbf\xbdz\xc3\x9c\xef\xbf\xbd");
	free(s);
}

/* A request whose response goes to memory. */
struct fake {
	struct api_ctx ctx;
	struct cgi_req cgi;
	struct api_req r;
	char *buf;
	size_t len;
};

static void fake_open(struct fake *f)
{
	memset(f, 0, sizeof *f);
	f->cgi.out = open_memstream(&f->buf, &f->len);
	f->cgi.method = "GET";
	f->cgi.path = "/x";
	f->r.cgi = &f->cgi;
	f->r.ctx = &f->ctx;
	f->r.cfg = &f->ctx.cfg;
	f->r.db = &f->ctx.db;
	f->r.out = f->cgi.out;
}

static void test_error_shape(void)
{
	struct fake f;
	fake_open(&f);
	api_bad_param(&f.r, "page", "page must be between %d and %d", 1, 9);
	fclose(f.cgi.out);
	CHECK(!strncmp(f.buf, "Status: 400 Bad Request\r\n", 25));
	CHECK(
	    strstr(f.buf, "Content-Type: application/json; charset=utf-8\r\n"));
	CHECK(strstr(f.buf, "Cache-Control: no-store\r\n"));
	CHECK(!strstr(f.buf, "Access-Control-Allow-Origin"));
	char *body = strstr(f.buf, "\r\n\r\n");
	CHECK(body);
	cJSON *j = cJSON_Parse(body + 4);
	CHECK(j);
	cJSON *e = cJSON_GetObjectItem(j, "error");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(e, "code")),
	          "invalid_parameter");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(e, "message")),
	          "page must be between 1 and 9");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(e, "parameter")),
	          "page");
	cJSON_Delete(j);
	free(f.buf);

	fake_open(&f);
	strcpy(f.ctx.cfg.cors_origin, "https://ops.example");
	api_error(&f.r, 405, "method_not_allowed", "no");
	fclose(f.cgi.out);
	CHECK(strstr(f.buf, "Allow: GET, HEAD, OPTIONS\r\n"));
	CHECK(strstr(f.buf,
	             "Access-Control-Allow-Origin: https://ops.example\r\n"));
	CHECK(strstr(f.buf, "Vary: Origin\r\n"));
	free(f.buf);
}

/* param.c's callback renders the API's JSON 400 naming the parameter. */
static void test_bad_param_is_json(void)
{
	struct fake f;
	long long v = 0;
	fake_open(&f);
	f.cgi.params[0] = (struct cgi_param){(char *)"page", (char *)"01"};
	f.cgi.nparams = 1;
	api_params_init(&f.r);
	CHECK_INT(param_int_or_400(&f.r.params, "page", 1, 1, 9, &v), -1);
	fclose(f.cgi.out);
	CHECK(!strncmp(f.buf, "Status: 400 Bad Request\r\n", 25));
	char *body = strstr(f.buf, "\r\n\r\n");
	CHECK(body);
	cJSON *j = cJSON_Parse(body + 4);
	cJSON *e = cJSON_GetObjectItem(j, "error");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(e, "message")),
	          "page must be a whole number");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(e, "parameter")),
	          "page");
	cJSON_Delete(j);
	free(f.buf);
}

static void test_json_members(void)
{
	cJSON *o = cJSON_CreateObject();
	api_json_str(o, "bad", "x\xff");
	api_json_str(o, "null", NULL);
	api_json_time(o, "t", 1709251200123LL);
	api_json_time(o, "nt", DB_NULL_TIME);
	api_json_int_or_null(o, "n", NULL);
	api_json_int_or_null(o, "i", "42");
	char *s = cJSON_PrintUnformatted(o);
	CHECK_STR(s, "{\"bad\":\"x\xef\xbf\xbd\",\"null\":null,"
	             "\"t\":\"2024-03-01T00:00:00.123Z\",\"nt\":null,"
	             "\"n\":null,\"i\":42}");
	free(s);
	cJSON_Delete(o);
}

static void test_openapi_doc(void)
{
	cJSON *doc = api_openapi_doc("/base/cgi-bin/api");
	CHECK(doc);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(doc, "openapi")),
	          "3.0.3");
	cJSON *server =
	    cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "servers"), 0);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(server, "url")),
	          "/base/cgi-bin/api");
	cJSON *info = cJSON_GetObjectItem(doc, "info");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(info, "version")),
	          CSMS_VERSION);
	/* Every route of the table is described. */
	cJSON *paths = cJSON_GetObjectItem(doc, "paths");
	const char *want[] = {"/",
	                      "/cps",
	                      "/cps/{cp_id}",
	                      "/cps/{cp_id}/commands",
	                      "/cps/{cp_id}/commands/{action}",
	                      "/cps/{cp_id}/start",
	                      "/cps/{cp_id}/stop",
	                      "/cps/{cp_id}/log",
	                      "/cps/{cp_id}/log.csv",
	                      "/cps/{cp_id}/log.ndjson",
	                      "/cps/{cp_id}/log-level",
	                      "/commands/{uid}",
	                      "/connectors/{cp_id}",
	                      "/transactions",
	                      "/transactions.csv",
	                      "/transactions/{id}",
	                      "/transactions/{id}/meter-values",
	                      "/transactions/{id}/meter-values.csv",
	                      "/users",
	                      "/users/{id_tag}",
	                      "/tags.csv",
	                      "/connection-attempts",
	                      "/reservations",
	                      "/reservations/{res_id}",
	                      "/registrations",
	                      "/local-lists",
	                      "/charging-profiles",
	                      "/cps/{cp_id}/charging-profiles",
	                      "/cps/{cp_id}/composite-schedule",
	                      "/cps/{cp_id}/boot-answer",
	                      "/sites",
	                      "/sites/{site_id}",
	                      "/cps/{cp_id}/site",
	                      "/cps/{cp_id}/retired",
	                      "/cps/{cp_id}/notes",
	                      "/cps/{cp_id}/load",
	                      "/sites/{site_id}/load",
	                      "/security-events",
	                      "/cps/{cp_id}/security-events",
	                      "/cps/{cp_id}/events",
	                      "/cps/{cp_id}/files",
	                      "/firmware",
	                      "/files/{file_id}/content",
	                      "/cps/{cp_id}/certificates",
	                      "/cps/{cp_id}/variables",
	                      "/sites/{site_id}/commands/{action}",
	                      "/groups/{group_id}/commands/{action}",
	                      "/bulk-jobs",
	                      "/bulk-jobs/{job_id}",
	                      "/bulk-jobs/{job_id}/cancel",
	                      "/bulk-jobs/{job_id}/resume",
	                      "/groups",
	                      "/groups/{group_id}",
	                      "/groups/{group_id}/members/{cp_id}",
	                      "/tariffs",
	                      "/tariffs/{tariff_id}",
	                      "/tariffs/{tariff_id}/assignments",
	                      "/tariffs/{tariff_id}/assignments"
	                      "/{assignment_id}",
	                      "/costs",
	                      "/webhooks",
	                      "/webhooks/{webhook_id}",
	                      "/webhooks/{webhook_id}/deliveries",
	                      "/accounts",
	                      "/accounts/{user}",
	                      "/audit",
	                      "/stats",
	                      "/metrics",
	                      "/health",
	                      "/openapi.json",
	                      "/docs"};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		CHECK(cJSON_GetObjectItemCaseSensitive(paths, want[i]));
	CHECK_INT(cJSON_GetArraySize(paths), sizeof want / sizeof want[0]);
	cJSON_Delete(doc);
}

/* The action enum of the commands route is lib/ctl_proto.h's list: a
 * command ocppd can send is documented, and nothing else is. */
static void test_openapi_commands_match_ctl_proto(void)
{
#define NAME(action, symbol) #action,
	/* Both protocols' names, each once (2.0.1 kept some of 1.6's). */
	static const char *const all[] = {CTL_COMMANDS(NAME)
	                                      CTL_COMMANDS201(NAME)};
#undef NAME
	const char *commands[sizeof all / sizeof all[0]];
	size_t n = 0;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		int dup = 0;
		for (size_t j = 0; j < n; j++)
			dup |= !strcmp(all[i], commands[j]);
		if (!dup)
			commands[n++] = all[i];
	}
	cJSON *doc = api_openapi_doc("/cgi-bin/api");
	CHECK(doc);
	cJSON *post = cJSON_GetObjectItem(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "paths"),
	                        "/cps/{cp_id}/commands/{action}"),
	    "post");
	cJSON *param, *actions = NULL;
	cJSON_ArrayForEach(param, cJSON_GetObjectItem(post, "parameters"))
	{
		if (!strcmp(
		        cJSON_GetStringValue(cJSON_GetObjectItem(param, "name"))
		            ?: "",
		        "action"))
			actions = cJSON_GetObjectItem(
			    cJSON_GetObjectItem(param, "schema"), "enum");
	}
	int size = cJSON_GetArraySize(actions);
	cJSON *a;
	size_t found = 0;
	cJSON_ArrayForEach(a, actions)
	{
		const char *s = cJSON_GetStringValue(a);
		int known = 0;
		for (size_t i = 0; s && i < n; i++)
			known |= !strcmp(s, commands[i]);
		if (!known) {
			char bad[64];
			snprintf(bad, sizeof bad, "%s",
			         s ? s : "(not a string)");
			cJSON_Delete(doc);
			CHECK_FAIL_("openapi.json lists \"%s\", not a command",
			            bad);
		}
		found++;
	}
	cJSON_Delete(doc);
	CHECK(actions);
	CHECK_INT(size, n);
	CHECK_INT(found, n);
	/* And the web tier takes exactly these as commands. */
	for (size_t i = 0; i < n; i++)
		CHECK(webctl_is_command(commands[i]));
	CHECK(!webctl_is_command("BootNotification"));
}

int main(void)
{
	RUN(test_csv_text);
	RUN(test_utf8);
	RUN(test_error_shape);
	RUN(test_bad_param_is_json);
	RUN(test_json_members);
	RUN(test_openapi_doc);
	RUN(test_openapi_commands_match_ctl_proto);
	CHECK_EXIT();
}
