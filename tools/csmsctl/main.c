/*
 * main.c — csmsctl, the command line of ocppd's control socket: send a
 * command to a charge point or change an id tag, print the answer.
 *
 *   csmsctl [-c FILE] [-u WHO] [-t SECONDS] OP [CP_ID] [PARAM...]
 *
 * The result (or the error object) goes to stdout as JSON; the exit
 * status is 0 when ocppd answered ok, 1 when it answered an error or
 * could not be reached, 2 for a usage error.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "config.h"
#include "ctl_client.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: csmsctl [-c FILE] [-a ADDR:PORT [-s FILE]] [-u WHO] "
	        "[-t SECONDS] OP [CP_ID] [PARAM...]\n"
	        "  OP       an OCPP action sent to CP_ID (Reset, "
	        "RemoteStartTransaction, ...),\n"
	        "           or status, cps, tag_add, tag_update, tag_delete, "
	        "drain, undrain,\n"
	        "           tag_import, connection_attempts, account_set, "
	        "account_delete\n"
	        "           (no CP_ID)\n"
	        "  PARAM    key=value (numbers, true/false/null and JSON "
	        "objects/arrays as such,\n"
	        "           else a string), key:=JSON, or a JSON object\n"
	        "  -c FILE  configuration (default: $CSMS_CONF or "
	        "./csms.conf)\n"
	        "  -a ADDR  a control listener over TCP (control_listen, "
	        "e.g. 127.0.0.2:9100)\n"
	        "           instead of the control socket\n"
	        "  -s FILE  its shared secret (default: control_secret_file)"
	        "\n"
	        "  -u WHO   recorded as requested_by (default: cli:$USER)\n"
	        "  -t SECS  how long to wait for the answer (default: "
	        "command_timeout + 5)\n"
	        "examples:\n"
	        "  csmsctl Reset CP_1 type=Soft\n"
	        "  csmsctl RemoteStartTransaction CP_1 idTag=ABC123 "
	        "connectorId=1\n"
	        "  csmsctl GetConfiguration CP_1 key=HeartbeatInterval\n"
	        "  csmsctl tag_add id_tag=ABC123 name='Alice' "
	        "status=Accepted\n"
	        "  csmsctl account_set user=alice role=admin   (the first "
	        "admin)\n"
	        "  csmsctl drain rate=100 delay_s=5   (a rolling upgrade; "
	        "undrain ends it)\n"
	        "see docs/control.md\n");
}

static void print_json(const cJSON *v)
{
	char *s = cJSON_Print(v);
	if (s) {
		puts(s);
		free(s);
	}
}

/* One request to a control listener over TCP, with the shared secret of
 * secret_file (or control_secret_file). */
static int call_addr(const struct csms_config *cfg, const char *addr,
                     const char *secret_file, const char *op, const char *cp_id,
                     const cJSON *params, const char *who, int timeout_ms,
                     cJSON **answer, char *err, size_t errlen)
{
	char secret[CTL_SECRET_MAX + 1];
	struct ctl_client c;
	const char *file = secret_file ? secret_file : cfg->control_secret_file;
	int rc = ctl_secret_load(file, secret, sizeof secret, err, errlen);
	if (rc < 0)
		return -1;
	if (rc == 0 && secret_file) {
		snprintf(err, errlen, "%s: no such file", secret_file);
		return -1;
	}
	rc = ctl_connect_addr(&c, addr, secret, CTL_CONNECT_MS, err, errlen);
	memset(secret, 0, sizeof secret);
	if (rc)
		return -1;
	rc = ctl_request(&c, op, cp_id, params, who, timeout_ms, answer, err,
	                 errlen);
	ctl_close(&c);
	return rc;
}

int main(int argc, char **argv)
{
	const char *conf = NULL, *who = NULL, *addr = NULL, *secret_file = NULL;
	int timeout_s = 0, opt;
	/* '+': options only before OP, so "-1" can be a value later. */
	while ((opt = getopt(argc, argv, "+c:a:s:u:t:h")) != -1) {
		switch (opt) {
		case 'c':
			conf = optarg;
			break;
		case 'a':
			addr = optarg;
			break;
		case 's':
			secret_file = optarg;
			break;
		case 'u':
			who = optarg;
			break;
		case 't':
			timeout_s = atoi(optarg);
			if (timeout_s <= 0) {
				fprintf(stderr, "csmsctl: -t: seconds > 0\n");
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	const char *op = argv[optind++];
	const char *cp_id = NULL;
	if (!csmsctl_op_without_cp(op)) {
		if (optind >= argc) {
			fprintf(stderr, "csmsctl: %s needs a CP_ID\n", op);
			return 2;
		}
		cp_id = argv[optind++];
	}
	char err[1024];
	cJSON *params;
	if (csmsctl_params(argc - optind, argv + optind, &params, err,
	                   sizeof err)) {
		fprintf(stderr, "csmsctl: %s\n", err);
		return 2;
	}
	const char *env = getenv("CSMS_CONF");
	/* -c wins; otherwise $CSMS_CONF, else ./csms.conf (as ocppd). */
	const char *path = conf ? conf : config_default_path(NULL);
	static struct csms_config cfg;
	if (config_load(&cfg, path, conf || (env && *env), err, sizeof err)) {
		fprintf(stderr, "csmsctl: %s\n", err);
		cJSON_Delete(params);
		return 2;
	}
	char whobuf[128];
	if (!who) {
		const char *user = getenv("USER");
		struct passwd *pw = user ? NULL : getpwuid(getuid());
		snprintf(whobuf, sizeof whobuf, "cli:%s",
		         user ? user
		         : pw ? pw->pw_name
		              : "?");
		who = whobuf;
	}
	int timeout_ms =
	    timeout_s ? timeout_s * 1000 : ctl_default_timeout_ms(&cfg);
	cJSON *answer;
	if (addr ? call_addr(&cfg, addr, secret_file, op, cp_id, params, who,
	                     timeout_ms, &answer, err, sizeof err)
	         : ctl_call(&cfg, op, cp_id, params, who, timeout_ms, &answer,
	                    err, sizeof err)) {
		fprintf(stderr, "csmsctl: %s\n", err);
		cJSON_Delete(params);
		return 1;
	}
	cJSON_Delete(params);
	int ok = ctl_answer_ok(answer);
	if (ok) {
		const cJSON *result = ctl_answer_result(answer);
		if (result)
			print_json(result);
		else
			puts("{}");
	} else {
		print_json(cJSON_GetObjectItemCaseSensitive(answer, "error"));
		fprintf(stderr, "csmsctl: %s: %s\n",
		        ctl_answer_code(answer) ? ctl_answer_code(answer)
		                                : "error",
		        ctl_answer_message(answer));
	}
	cJSON_Delete(answer);
	return ok ? 0 : 1;
}
