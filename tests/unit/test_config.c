/*
 * test_config.c — csms.conf parsing: defaults, overrides, and the one-line
 * errors an admin sees for a broken file.
 */
#include "check.h"
#include "config.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char path[64];

static void write_conf(const char *text)
{
	snprintf(path, sizeof path, "/tmp/csms-test-conf-%d", (int)getpid());
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void defaults_without_file(void)
{
	struct csms_config cfg;
	char err[256];
	unsetenv("CSMS_OCPP_PORT");
	CHECK_INT(
	    config_load(&cfg, "/nonexistent/csms.conf", 0, err, sizeof err), 0);
	CHECK_INT(cfg.ocpp_port, 9000);
	CHECK_INT(cfg.http_port, 8080);
	CHECK_INT(cfg.heartbeat_interval, 300);
	CHECK_INT(cfg.allow_unknown_cps, 1);
	CHECK_INT(cfg.accept_missing_subprotocol, 0);
	CHECK_STR(cfg.db_name, "csms");
	CHECK(cfg.price_per_kwh > 0.29 && cfg.price_per_kwh < 0.31);
	/* Not open to the network unless asked; live links are probed. */
	CHECK_STR(cfg.ocpp_listen, "127.0.0.1");
	CHECK_STR(cfg.duplicate_identity, "probe");
	CHECK_INT(cfg.takeover_probe_timeout, 5);
	CHECK_INT(cfg.control_idle_timeout, 60);
	CHECK_STR(cfg.trusted_proxies, "");
	CHECK_STR(cfg.allowed_origins, "");
}

static void enum_keys_take_only_their_values(void)
{
	struct csms_config cfg;
	char err[256];
	write_conf("duplicate_identity = refuse\n");
	CHECK_INT(config_load(&cfg, path, 1, err, sizeof err), 0);
	CHECK_STR(cfg.duplicate_identity, "refuse");
	write_conf("duplicate_identity = replac\n");
	CHECK_INT(config_load(&cfg, path, 1, err, sizeof err), -1);
	CHECK(strstr(err, ":1: duplicate_identity: \"replac\" is not one of "
	                  "probe|replace|refuse") != NULL);
	write_conf("duplicate_identity = probe|replace\n");
	CHECK_INT(config_load(&cfg, path, 1, err, sizeof err), -1);
	unlink(path);
}

static void missing_file_is_error_when_required(void)
{
	struct csms_config cfg;
	char err[256];
	CHECK_INT(
	    config_load(&cfg, "/nonexistent/csms.conf", 1, err, sizeof err),
	    -1);
	CHECK(strstr(err, "/nonexistent/csms.conf") != NULL);
}

static void file_values_and_relative_paths(void)
{
	struct csms_config cfg;
	char err[256];
	write_conf("# comment\n"
	           "ocpp_port = 9100\n"
	           "  allow_unknown_cps = no  \n"
	           "currency = \"CHF\"\n"
	           "run_dir = var/run\n"
	           "log_file = /var/log/ocppd.log\n");
	CHECK_INT(config_load(&cfg, path, 1, err, sizeof err), 0);
	CHECK_INT(cfg.ocpp_port, 9100);
	CHECK_INT(cfg.allow_unknown_cps, 0);
	CHECK_STR(cfg.currency, "CHF");
	CHECK_STR(cfg.run_dir, "/tmp/var/run");
	CHECK_STR(cfg.log_file, "/var/log/ocppd.log");
	unlink(path);
}

static void environment_overrides_file(void)
{
	struct csms_config cfg;
	char err[256];
	write_conf("ocpp_port = 9100\n");
	setenv("CSMS_OCPP_PORT", "9200", 1);
	int rc = config_load(&cfg, path, 1, err, sizeof err);
	unsetenv("CSMS_OCPP_PORT");
	unlink(path);
	CHECK_INT(rc, 0);
	CHECK_INT(cfg.ocpp_port, 9200);
}

static void errors_name_file_line_and_key(void)
{
	struct csms_config cfg;
	char err[256];
	write_conf("ocpp_port = 9000\nocpp_prot = 1\n");
	CHECK_INT(config_load(&cfg, path, 1, err, sizeof err), -1);
	CHECK(strstr(err, ":2: unknown key \"ocpp_prot\"") != NULL);

	write_conf("ocpp_port = 99999\n");
	CHECK_INT(config_load(&cfg, path, 1, err, sizeof err), -1);
	CHECK(strstr(err, ":1: ocpp_port: 99999 is outside 1..65535") != NULL);

	write_conf("heartbeat_interval = soon\n");
	CHECK_INT(config_load(&cfg, path, 1, err, sizeof err), -1);
	CHECK(strstr(err, "not a whole number") != NULL);

	write_conf("allow_unknown_cps = maybe\n");
	CHECK_INT(config_load(&cfg, path, 1, err, sizeof err), -1);
	CHECK(strstr(err, "not yes or no") != NULL);

	write_conf("just some words\n");
	CHECK_INT(config_load(&cfg, path, 1, err, sizeof err), -1);
	CHECK(strstr(err, ":1: expected \"key = value\"") != NULL);

	setenv("CSMS_HTTP_PORT", "eighty", 1);
	write_conf("");
	int rc = config_load(&cfg, path, 1, err, sizeof err);
	unsetenv("CSMS_HTTP_PORT");
	CHECK_INT(rc, -1);
	CHECK(strstr(err, "CSMS_HTTP_PORT") != NULL);
	unlink(path);
}

static void print_is_shell_quoted(void)
{
	struct csms_config cfg;
	char err[256], *buf = NULL;
	size_t len = 0;
	write_conf("db_password = it's\n");
	CHECK_INT(config_load(&cfg, path, 1, err, sizeof err), 0);
	unlink(path);
	FILE *out = open_memstream(&buf, &len);
	config_print(&cfg, out);
	fclose(out);
	int ok = strstr(buf, "db_password='it'\\''s'\n") != NULL &&
	         strstr(buf, "ocpp_port=9000\n") != NULL;
	free(buf);
	CHECK(ok);
}

/* Passwords: the literal key wins, else the first line of its file; a
 * missing, empty or world-readable file is an error naming the key. */
static void password_from_file(void)
{
	struct csms_config cfg;
	char err[512], pw[128], pwpath[80];
	snprintf(pwpath, sizeof pwpath, "/tmp/csms-test-pw-%d", (int)getpid());
	FILE *f = fopen(pwpath, "w");
	fputs("s3cret-line\nignored\n", f);
	fclose(f);
	chmod(pwpath, 0600);
	char conf[256];
	snprintf(conf, sizeof conf,
	         "db_password =\ndb_password_file = %s\n"
	         "db_ro_password = literal\ndb_ro_password_file = %s\n",
	         pwpath, pwpath);
	write_conf(conf);
	CHECK_INT(config_load(&cfg, path, 1, err, sizeof err), 0);
	unlink(path);
	CHECK_INT(config_password(&cfg, 0, pw, sizeof pw, err, sizeof err), 0);
	CHECK_STR(pw, "s3cret-line");
	CHECK_INT(config_password(&cfg, 1, pw, sizeof pw, err, sizeof err), 0);
	CHECK_STR(pw, "literal");

	chmod(pwpath, 0644);
	CHECK_INT(config_password(&cfg, 0, pw, sizeof pw, err, sizeof err), -1);
	CHECK(strstr(err, "db_password_file") &&
	      strstr(err, "readable by every local user"));

	f = fopen(pwpath, "w");
	fclose(f);
	chmod(pwpath, 0600);
	CHECK_INT(config_password(&cfg, 0, pw, sizeof pw, err, sizeof err), -1);
	CHECK(strstr(err, "empty first line") != NULL);

	unlink(pwpath);
	CHECK_INT(config_password(&cfg, 0, pw, sizeof pw, err, sizeof err), -1);
	CHECK(strstr(err, "No such file") != NULL);
}

/* The built-in defaults name the password files, no password. */
static void default_passwords_are_files(void)
{
	struct csms_config cfg;
	char err[256];
	unsetenv("CSMS_DB_PASSWORD");
	unsetenv("CSMS_DB_PASSWORD_FILE");
	CHECK_INT(
	    config_load(&cfg, "/nonexistent/dir/csms.conf", 0, err, sizeof err),
	    0);
	CHECK_STR(cfg.db_password, "");
	CHECK(strstr(cfg.db_password_file, "var/secrets/db_password") != NULL);
	CHECK(strstr(cfg.db_ro_password_file, "var/secrets/db_ro_password") !=
	      NULL);
	CHECK_STR(cfg.user, "");
}

int main(void)
{
	RUN(defaults_without_file);
	RUN(missing_file_is_error_when_required);
	RUN(file_values_and_relative_paths);
	RUN(environment_overrides_file);
	RUN(errors_name_file_line_and_key);
	RUN(enum_keys_take_only_their_values);
	RUN(print_is_shell_quoted);
	RUN(password_from_file);
	RUN(default_passwords_are_files);
	CHECK_EXIT();
}
