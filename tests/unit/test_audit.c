/*
 * test_audit.c — the pure parts of the audit trail and the web accounts:
 * which kind an op is filed under and which are not recorded
 * (ocppd/audit.c), that a secret never reaches the detail column, and the
 * checks of account_set / account_delete (ocppd/accounts_op.c); the
 * request's role names (cgi-bin/webrole.c).
 *
 * The sources are included directly; the control socket and the job
 * queue are stubbed, as neither runs here.
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "../../ocppd/accounts_op.c"
#include "../../ocppd/audit.c"
#include "../../cgi-bin/webrole.h"

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

void control_set_answer_hook(void (*fn)(uint64_t client, int ok))
{
	(void)fn;
}

int dbq_submit(struct job *j, const char *route, int best_effort)
{
	(void)j;
	(void)route;
	(void)best_effort;
	return -1;
}

static void test_kinds(void)
{
	CHECK(audit_kind("status") == NULL);
	CHECK(audit_kind("cps") == NULL);
	CHECK(audit_kind("connection_attempts") == NULL);
	CHECK_STR(audit_kind("tag_add"), "tag");
	CHECK_STR(audit_kind("tag_import"), "tag");
	CHECK_STR(audit_kind("tariff_version_add"), "tariff");
	CHECK_STR(audit_kind("site_update"), "site");
	CHECK_STR(audit_kind("group_add_cp"), "site");
	CHECK_STR(audit_kind("cp_set_site"), "site");
	CHECK_STR(audit_kind("cp_retire"), "lifecycle");
	CHECK_STR(audit_kind("cp_set_boot"), "approval");
	CHECK_STR(audit_kind("cp_set_password"), "credentials");
	CHECK_STR(audit_kind("account_set"), "account");
	CHECK_STR(audit_kind("webhook_delete"), "webhook");
	CHECK_STR(audit_kind("bulk_start"), "bulk");
	CHECK_STR(audit_kind("drain"), "node");
	CHECK_STR(audit_kind("Reset"), "command");
	CHECK_STR(audit_kind("RemoteStartTransaction"), "command");
	/* An op added later is recorded, not skipped. */
	CHECK_STR(audit_kind("cert_install"), "other");
}

static char *detail_of(const char *json)
{
	cJSON *p = cJSON_Parse(json);
	char *s = audit_detail(p);
	cJSON_Delete(p);
	return s;
}

static void test_detail_hides_secrets(void)
{
	char *s = detail_of("{\"password\":\"hunter2hunter2\",\"profile\":1}");
	CHECK(s && !strstr(s, "hunter2") && strstr(s, "\"password\":\"***\"") &&
	      strstr(s, "\"profile\":1"));
	free(s);
	s = detail_of("{\"key\":\"AuthorizationKey\",\"value\":\"0a1b2c3d\"}");
	CHECK(s && !strstr(s, "0a1b2c3d") && strstr(s, "\"value\":\"***\""));
	free(s);
	s = detail_of("{\"key\":\"HeartbeatInterval\",\"value\":\"300\"}");
	CHECK(s && strstr(s, "\"value\":\"300\""));
	free(s);
	s = detail_of("{\"url\":\"https://x\",\"secret\":\"s3cr3t\","
	              "\"nested\":{\"auth_key\":\"k\"}}");
	CHECK(s && !strstr(s, "s3cr3t") && !strstr(s, "\"k\""));
	free(s);
	/* A tag import's thousands of rows: cut, still bounded. */
	char big[20000] = "{\"csv\":\"";
	memset(big + 8, 'a', 15000);
	strcpy(big + 15008, "\"}");
	s = detail_of(big);
	CHECK(s && strlen(s) <= 4000);
	free(s);
	/* ... and cut where a character starts ("é" is two bytes). */
	strcpy(big, "{\"csv\":\"a");
	for (size_t i = 9; i < 15009; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	strcpy(big + 15009, "\"}");
	s = detail_of(big);
	CHECK(s);
	size_t n = strlen(s);
	CHECK(n > 3 && !strcmp(s + n - 3, "..."));
	CHECK(((unsigned char)s[n - 4] & 0xC0) == 0x80); /* é's last byte */
	CHECK((unsigned char)s[n - 5] == 0xC3);
	free(s);
}

static int parse(const char *op, const char *json, struct account_op *a,
                 char *why, size_t n)
{
	cJSON *p = cJSON_Parse(json);
	int rc = account_op_parse(op, p, a, why, n);
	cJSON_Delete(p);
	return rc;
}

static void test_account_checks(void)
{
	struct account_op a;
	char why[256];
	CHECK_INT(parse("account_set",
	                "{\"user\":\"alice\",\"role\":\"admin\"}", &a, why,
	                sizeof why),
	          0);
	CHECK_STR(a.user, "alice");
	CHECK_STR(a.role, "admin");
	CHECK_INT(a.del, 0);
	CHECK_INT(parse("account_set", "{\"user\":\"alice\",\"role\":\"root\"}",
	                &a, why, sizeof why),
	          -1);
	CHECK(!strncmp(why, "role:", 5));
	CHECK_INT(
	    parse("account_set", "{\"role\":\"viewer\"}", &a, why, sizeof why),
	    -1);
	CHECK(!strncmp(why, "user:", 5));
	CHECK_INT(parse("account_set",
	                "{\"user\":\"a\\u0001b\",\"role\":\"viewer\"}", &a, why,
	                sizeof why),
	          -1);
	char long_user[300];
	snprintf(long_user, sizeof long_user,
	         "{\"user\":\"%0101d\",\"role\":\"viewer\"}", 0);
	CHECK_INT(parse("account_set", long_user, &a, why, sizeof why), -1);
	CHECK_INT(parse("account_set",
	                "{\"user\":\"bob\",\"role\":\"viewer\",\"x\":1}", &a,
	                why, sizeof why),
	          -1);
	CHECK_INT(
	    parse("account_delete", "{\"user\":\"bob\"}", &a, why, sizeof why),
	    0);
	CHECK_INT(a.del, 1);
	CHECK_INT(parse("account_delete",
	                "{\"user\":\"bob\",\"role\":\"viewer\"}", &a, why,
	                sizeof why),
	          -1);
}

static void test_role_names(void)
{
	CHECK_INT(webrole_parse("none"), ROLE_NONE);
	CHECK_INT(webrole_parse("viewer"), ROLE_VIEWER);
	CHECK_INT(webrole_parse("operator"), ROLE_OPERATOR);
	CHECK_INT(webrole_parse("admin"), ROLE_ADMIN);
	CHECK_INT(webrole_parse("Admin"), -1);
	CHECK_INT(webrole_parse(NULL), -1);
	CHECK_STR(webrole_name(ROLE_OPERATOR), "operator");
	CHECK(ROLE_VIEWER < ROLE_OPERATOR && ROLE_OPERATOR < ROLE_ADMIN);
}

int main(void)
{
	RUN(test_kinds);
	RUN(test_detail_hides_secrets);
	RUN(test_account_checks);
	RUN(test_role_names);
	CHECK_EXIT();
}
