/*
 * test_api_webctl.c — the web tier's side of the control socket
 * (cgi-bin/webctl.c): who asks, the auth rule, the command list and the
 * error code → HTTP status map.  webctl.c is shared cgi-bin code, linked
 * in by the Makefile.
 */
#include <stdlib.h>
#include <string.h>

#include "../../cgi-bin/webcmd.h"
#include "../../cgi-bin/webctl.h"
#include "check.h"

static void test_requested_by(void)
{
	struct cgi_req req;
	char buf[128];
	memset(&req, 0, sizeof req);
	webctl_requested_by(&req, buf, sizeof buf);
	CHECK_STR(buf, "anonymous");
	req.remote_addr = "10.0.0.7";
	webctl_requested_by(&req, buf, sizeof buf);
	CHECK_STR(buf, "anonymous@10.0.0.7");
	req.remote_user = "";
	webctl_requested_by(&req, buf, sizeof buf);
	CHECK_STR(buf, "anonymous@10.0.0.7");
	req.remote_user = "alice\nx";
	webctl_requested_by(&req, buf, sizeof buf);
	CHECK_STR(buf, "alice?x");
	char longname[300];
	memset(longname, 'u', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	req.remote_user = longname;
	webctl_requested_by(&req, buf, sizeof buf);
	CHECK_INT((int)strlen(buf), 100);
}

static void test_auth_rule(void)
{
	struct cgi_req req;
	memset(&req, 0, sizeof req);
	unsetenv("CSMS_REQUIRE_AUTH");
	CHECK_INT(webctl_auth_required(&req), 0);
	CHECK_INT(webctl_may_change(&req), 0);
	setenv("CSMS_REQUIRE_AUTH", "1", 1);
	CHECK_INT(webctl_auth_required(&req), 1);
	CHECK_INT(webctl_may_change(&req), -1);
	req.remote_user = "";
	CHECK_INT(webctl_may_change(&req), -1);
	req.remote_user = "bob";
	CHECK_INT(webctl_may_change(&req), 0);
	setenv("CSMS_REQUIRE_AUTH", "yes", 1);
	CHECK_INT(webctl_auth_required(&req), 0);
	unsetenv("CSMS_REQUIRE_AUTH");
}

static void test_commands_and_statuses(void)
{
	CHECK_INT(webctl_is_command("Reset"), 1);
	CHECK_INT(webctl_is_command("GetCompositeSchedule"), 1);
	CHECK_INT(webctl_is_command("reset"), 0);
	CHECK_INT(webctl_is_command("tag_add"), 0);
	CHECK_INT(webctl_is_command("status"), 0);
	CHECK_INT(webctl_is_command(NULL), 0);
	CHECK_INT(webctl_http_status("invalid_params"), 400);
	CHECK_INT(webctl_http_status("cp_offline"), 409);
	CHECK_INT(webctl_http_status("cp_pending"), 409);
	CHECK_INT(webctl_http_status("exists"), 409);
	CHECK_INT(webctl_http_status("not_found"), 404);
	CHECK_INT(webctl_http_status("timeout"), 504);
	CHECK_INT(webctl_http_status("busy"), 503);
	CHECK_INT(webctl_http_status("db_unavailable"), 503);
	CHECK_INT(webctl_http_status("NotSupported"), 502);
	CHECK_INT(webctl_http_status(NULL), 502);
}

static void test_cross_site(void)
{
	const char *h = "csms.example.org:8080";
	/* Not a browser, or a browser on this site. */
	CHECK_INT(webctl_cross_site(NULL, NULL, h, ""), 0);
	CHECK_INT(webctl_cross_site("same-origin", NULL, h, ""), 0);
	CHECK_INT(webctl_cross_site("none", NULL, h, ""), 0);
	CHECK_INT(webctl_cross_site("same-origin",
	                            "http://csms.example.org:8080", h, ""),
	          0);
	CHECK_INT(
	    webctl_cross_site(NULL, "https://CSMS.example.org:8080", h, NULL),
	    0);
	/* Another site, however it shows. */
	CHECK_INT(webctl_cross_site("cross-site", NULL, h, ""), -1);
	CHECK_INT(webctl_cross_site("same-site", NULL, h, ""), -1);
	CHECK_INT(webctl_cross_site(NULL, "http://evil.example", h, ""), -1);
	CHECK_INT(webctl_cross_site(NULL, "null", h, ""), -1);
	CHECK_INT(
	    webctl_cross_site(NULL, "http://csms.example.org:8081", h, ""), -1);
	CHECK_INT(webctl_cross_site(NULL, "http://csms.example.org", NULL, ""),
	          -1);
	/* The configured CORS origin may write; "*" opens no writes. */
	CHECK_INT(webctl_cross_site("cross-site", "https://ops.example", h,
	                            "https://ops.example"),
	          0);
	CHECK_INT(webctl_cross_site("cross-site", "https://evil.example", h,
	                            "https://ops.example"),
	          -1);
	CHECK_INT(webctl_cross_site(NULL, "https://ops.example", h,
	                            "https://ops.example"),
	          0);
	CHECK_INT(webctl_cross_site(NULL, "https://ops.example", h, "*"), -1);
}

static void test_json_type(void)
{
	CHECK_INT(webctl_is_json_type("application/json"), 1);
	CHECK_INT(webctl_is_json_type("Application/JSON; charset=utf-8"), 1);
	CHECK_INT(webctl_is_json_type("application/json ;charset=utf-8"), 1);
	CHECK_INT(webctl_is_json_type("text/plain"), 0);
	CHECK_INT(webctl_is_json_type("application/jsonx"), 0);
	CHECK_INT(webctl_is_json_type("application/x-www-form-urlencoded"), 0);
	CHECK_INT(webctl_is_json_type(""), 0);
	CHECK_INT(webctl_is_json_type(NULL), 0);
}

static void test_command_line(void)
{
	cJSON *p = cJSON_Parse("{\"type\":\"Soft\"}");
	char *line = webcmd_line("Reset", "CP_1", p, "alice", 30, 1);
	CHECK_STR(line, "{\"op\":\"Reset\",\"cp_id\":\"CP_1\",\"params\":"
	                "{\"type\":\"Soft\"},\"requested_by\":\"alice\","
	                "\"timeout\":30,\"async\":true}");
	free(line);
	line = webcmd_line("tag_delete", NULL, NULL, "bob", 0, 0);
	CHECK_STR(line, "{\"op\":\"tag_delete\",\"requested_by\":\"bob\"}");
	free(line);
	cJSON_Delete(p);
	CHECK_INT(webcmd_status_is_result("Accepted"), 1);
	CHECK_INT(webcmd_status_is_result("answered"), 1);
	CHECK_INT(webcmd_status_is_result("pending"), 0);
	CHECK_INT(webcmd_status_is_result("callerror"), 0);
	CHECK_INT(webcmd_status_is_result("timeout"), 0);
	CHECK_INT(webcmd_status_is_result(NULL), 0);
}

int main(void)
{
	RUN(test_command_line);
	RUN(test_cross_site);
	RUN(test_json_type);
	RUN(test_requested_by);
	RUN(test_auth_rule);
	RUN(test_commands_and_statuses);
	CHECK_EXIT();
}
