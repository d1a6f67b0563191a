/*
 * config.c — the key table and the csms.conf parser.
 *
 * One table describes every key: adding a key is one line here and one
 * field in struct csms_config.  Values are checked against their range when
 * read, so a broken config fails at start-up with one clear line instead of
 * a daemon that misbehaves later.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum ktype { K_STR, K_INT, K_BOOL, K_DOUBLE, K_PATH, K_ENUM };

struct key {
	const char *name;
	enum ktype type;
	size_t off;
	size_t size; /* for strings */
	long min, max;
	const char *def;
	const char *choices; /* K_ENUM: "a|b|c" */
};

#define S(f, d)                                                                \
	{                                                                      \
#f, K_STR, offsetof(struct csms_config, f),                    \
		    sizeof(((struct csms_config *)0)->f), 0, 0, d, NULL        \
	}
#define P(f, d)                                                                \
	{                                                                      \
#f, K_PATH, offsetof(struct csms_config, f),                   \
		    sizeof(((struct csms_config *)0)->f), 0, 0, d, NULL        \
	}
#define I(f, lo, hi, d)                                                        \
	{                                                                      \
#f, K_INT, offsetof(struct csms_config, f), 0, lo, hi, d, NULL \
	}
#define B(f, d)                                                                \
	{                                                                      \
#f, K_BOOL, offsetof(struct csms_config, f), 0, 0, 1, d, NULL  \
	}
#define E(f, choices, d)                                                       \
	{                                                                      \
#f, K_ENUM, offsetof(struct csms_config, f),                   \
		    sizeof(((struct csms_config *)0)->f), 0, 0, d, choices     \
	}
#define D(f, d)                                                                \
	{                                                                      \
#f, K_DOUBLE, offsetof(struct csms_config, f), 0, 0, 0, d,     \
		    NULL                                                       \
	}

static const struct key keys[] = {
    S(ocpp_listen, "127.0.0.1"),
    I(ocpp_port, 1, 65535, "9000"),
    I(http_port, 1, 65535, "8080"),
    S(db_host, ""),
    I(db_port, 1, 65535, "3306"),
    P(db_socket, "var/run/mysqld.sock"),
    S(db_name, "csms"),
    S(db_user, "csms"),
    S(db_password, ""),
    P(db_password_file, "var/secrets/db_password"),
    S(db_ro_user, "csms_ro"),
    S(db_ro_password, ""),
    P(db_ro_password_file, "var/secrets/db_ro_password"),
    P(db_datadir, "var/mysql"),
    I(db_workers, 1, 64, "2"),
    I(db_queue_size, 16, 10000000, "65536"),
    S(user, ""),
    S(group, ""),
    S(log_level, "info"),
    P(log_file, ""),
    P(run_dir, "var/run"),
    P(sql_dir, "sql"),
    P(control_socket, "var/run/ocppd.sock"),
    S(control_socket_mode, "0660"),
    S(control_socket_group, ""),
    I(control_tcp_port, 0, 65535, "0"),
    I(heartbeat_interval, 1, 86400, "300"),
    I(ping_interval, 0, 86400, "60"),
    B(allow_unknown_cps, "yes"),
    /* what a charge point registered by connecting is answered at boot */
    E(new_cp_boot_answer, "Accepted|Pending", "Accepted"),
    I(unapproved_boot_interval, 10, 86400, "60"),
    /* local authorization lists kept by ocppd (docs/local-list.md) */
    E(local_list, "off|all", "off"),
    /* the counters snapshot the web tier reads (lib/counters.h) */
    I(fleet_counters_interval, 0, 3600, "5"),
    B(accept_missing_subprotocol, "no"),
    B(lenient_unknown_properties, "no"),
    I(max_frame_size, 1024, 16777216, "65536"),
    I(max_concurrent_tx_per_tag, 0, 1000, "0"),
    I(command_timeout, 1, 3600, "30"),
    I(security_profile_min, 0, 3, "0"),
    /* a raised profile not met within this many seconds is dropped
     * (ocppd/profile_expire.h); 0: waits forever */
    I(security_profile_pending_timeout, 0, 31536000, "604800"),
    I(auth_fail_limit, 1, 1000, "5"),
    I(auth_block_max, 1, 86400, "300"),
    P(tls_cert, ""),
    P(tls_key, ""),
    P(tls_ca, ""),
    I(max_connections, 1, 1000000, "50000"),
    I(handshake_timeout, 1, 300, "10"),
    I(boot_pending_backlog, 0, 10000000, "4096"),
    I(boot_pending_interval, 1, 3600, "2"),
    I(msg_rate, 0, 1000000, "200"),
    I(msg_burst, 1, 1000000, "1000"),
    E(duplicate_identity, "probe|replace|refuse", "probe"),
    I(takeover_probe_timeout, 1, 300, "5"),
    S(trusted_proxies, ""),
    /* TLS at the proxy (docs/security.md) */
    B(trusted_proxy_tls, "no"),
    S(allowed_origins, ""),
    I(control_idle_timeout, 0, 86400, "60"),
    S(node_id, ""),
    /* several ocppd on one database (sql/009, docs/scale-out.md) */
    B(migrate_on_start, "yes"),
    /* the OCPP message log (ocppd/oplog.c) */
    E(ocpp_log, "auto|all|errors|off", "auto"),
    I(ocpp_log_auto_cps, 0, 10000000, "500"),
    I(ocpp_log_queue, 16, 10000000, "65536"),
    I(ocpp_log_retention_days, 1, 3650, "7"),
    /* meter values at full detail, then a rollup (ocppd/mv_keep.h) */
    I(meter_values_retention_days, 0, 36500, "90"),
    /* site load management (ocppd/load_mgmt.h) */
    I(load_mgmt_interval, 0, 3600, "5"),
    I(load_mgmt_stack_level, 0, 100, "5"),
    I(load_mgmt_retry, 5, 86400, "60"),
    /* the security event log (ocppd/security_events.h) and the 2.0.1
     * event log (ocppd/cp_events.h) */
    I(security_event_retention_days, 1, 36500, "365"),
    /* certificate management (ocppd/certs.h) */
    P(cert_ca_cert, ""),
    P(cert_ca_key, ""),
    S(cert_sign_command, ""),
    S(cert_organization, ""),
    I(cert_validity_days, 1, 3650, "365"),
    I(cert_renew_days, 0, 3650, "30"),
    I(cert_check_every, 1, 86400, "3600"),
    I(send_queue_max, 4096, 1073741824, "1048576"),
    I(send_queue_total_max, 65536, 2147483647, "268435456"),
    P(templates_dir, "templates"),
    D(price_per_kwh, "0.30"),
    S(currency, "EUR"),
    S(cors_origin, ""),
    E(web_default_role, "none|viewer|operator|admin", "viewer"),
    E(web_anonymous_role, "none|viewer|operator|admin", "admin"),
    P(backup_dir, "var/backups"),
    /* installed layout: the dashboard's persistent form secret */
    P(csrf_secret_file, "var/secrets/csrf_secret"),
    /* control over TCP, authenticated, routed to the node holding a link */
    S(control_listen, ""),
    S(control_advertise, ""),
    P(control_secret_file, "var/secrets/control_secret"),
    /* webhooks: the outbox sender, its retries, the offline timer */
    B(webhook_sender, "yes"),
    I(webhook_offline_after, 1, 604800, "300"),
    I(webhook_timeout, 1, 300, "10"),
    I(webhook_max_attempts, 1, 1000, "12"),
    I(webhook_backoff_base, 1, 86400, "10"),
    I(webhook_backoff_max, 1, 604800, "3600"),
    B(webhook_allow_private, "no"),
    I(webhook_retention_days, 1, 3650, "30"),
    /* files charge points upload and download (docs/files.md) */
    P(files_dir, "var/files"),
    S(public_url, ""),
    I(upload_max_bytes, 1024, 2147483647, "16777216"),
    I(firmware_max_bytes, 1024, 2147483647, "67108864"),
    I(upload_token_ttl, 60, 604800, "3600"),
    I(firmware_token_ttl, 60, 2592000, "86400"),
    /* uploads and firmware job records kept (ocppd/files_keep.h) */
    I(files_retention_days, 0, 36500, "90"),
};

#define NKEYS (sizeof keys / sizeof keys[0])

const char *config_default_path(const char *given)
{
	const char *env = getenv("CSMS_CONF");
	if (env && *env)
		return env;
	return given && *given ? given : "csms.conf";
}

static const struct key *find_key(const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

/* Relative paths are taken from the config file's directory. */
static int resolve_path(char *dst, size_t size, const char *value,
                        const char *base_dir)
{
	int n;
	if (!*value || value[0] == '/' || !base_dir || !*base_dir)
		n = snprintf(dst, size, "%s", value);
	else
		n = snprintf(dst, size, "%s/%s", base_dir, value);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int set_value(struct csms_config *cfg, const struct key *k,
                     const char *value, const char *base_dir, char *why,
                     size_t whylen)
{
	char *field = (char *)cfg + k->off;
	char *end;
	switch (k->type) {
	case K_STR:
		if (strlen(value) >= k->size) {
			snprintf(why, whylen,
			         "value longer than %zu characters",
			         k->size - 1);
			return -1;
		}
		strcpy(field, value);
		return 0;
	case K_ENUM: {
		size_t n = strlen(value);
		for (const char *c = k->choices; *c;) {
			size_t m = strcspn(c, "|");
			if (m == n && n < k->size && !strncmp(c, value, n)) {
				strcpy(field, value);
				return 0;
			}
			c += m + (c[m] == '|');
		}
		snprintf(why, whylen, "\"%.60s\" is not one of %s", value,
		         k->choices);
		return -1;
	}
	case K_PATH:
		if (resolve_path(field, k->size, value, base_dir)) {
			snprintf(why, whylen, "path too long");
			return -1;
		}
		return 0;
	case K_INT: {
		errno = 0;
		long v = strtol(value, &end, 10);
		if (errno || end == value || *end) {
			snprintf(why, whylen, "\"%s\" is not a whole number",
			         value);
			return -1;
		}
		if (v < k->min || v > k->max) {
			snprintf(why, whylen, "%ld is outside %ld..%ld", v,
			         k->min, k->max);
			return -1;
		}
		*(int *)field = (int)v;
		return 0;
	}
	case K_BOOL:
		if (!strcasecmp(value, "yes") || !strcasecmp(value, "true") ||
		    !strcmp(value, "1") || !strcasecmp(value, "on"))
			*(int *)field = 1;
		else if (!strcasecmp(value, "no") ||
		         !strcasecmp(value, "false") || !strcmp(value, "0") ||
		         !strcasecmp(value, "off"))
			*(int *)field = 0;
		else {
			snprintf(why, whylen, "\"%s\" is not yes or no", value);
			return -1;
		}
		return 0;
	case K_DOUBLE: {
		errno = 0;
		double v = strtod(value, &end);
		if (errno || end == value || *end || v < 0) {
			snprintf(why, whylen,
			         "\"%s\" is not a non-negative number", value);
			return -1;
		}
		*(double *)field = v;
		return 0;
	}
	}
	return -1;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int parse_file(struct csms_config *cfg, const char *path, FILE *f,
                      const char *base_dir, char *err, size_t errlen)
{
	char line[2048], why[256];
	int lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%d: line too long", path,
			         lineno);
			return -1;
		}
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(
			    err, errlen,
			    "%s:%d: expected \"key = value\", got \"%.60s\"",
			    path, lineno, s);
			return -1;
		}
		*eq = '\0';
		char *name = trim(s), *value = trim(eq + 1);
		size_t vl = strlen(value);
		if (vl >= 2 && (value[0] == '"' || value[0] == '\'') &&
		    value[vl - 1] == value[0]) {
			value[vl - 1] = '\0';
			value++;
		}
		const struct key *k = find_key(name);
		if (!k) {
			snprintf(err, errlen, "%s:%d: unknown key \"%.60s\"",
			         path, lineno, name);
			return -1;
		}
		if (set_value(cfg, k, value, base_dir, why, sizeof why)) {
			snprintf(err, errlen, "%s:%d: %s: %s", path, lineno,
			         name, why);
			return -1;
		}
	}
	return 0;
}

int config_load(struct csms_config *cfg, const char *path, int must_exist,
                char *err, size_t errlen)
{
	char why[256], base_dir[PATH_MAX] = "", envname[128];
	memset(cfg, 0, sizeof *cfg);

	/* The base for relative paths: the config file's directory. */
	char abs[PATH_MAX];
	if (realpath(path, abs)) {
		char *slash = strrchr(abs, '/');
		if (slash)
			*slash = '\0';
		snprintf(base_dir, sizeof base_dir, "%s", abs);
	} else if (!getcwd(base_dir, sizeof base_dir)) {
		base_dir[0] = '\0';
	}

	for (size_t i = 0; i < NKEYS; i++)
		if (set_value(cfg, &keys[i], keys[i].def, base_dir, why,
		              sizeof why)) {
			snprintf(err, errlen, "built-in default of %s: %s",
			         keys[i].name, why);
			return -1;
		}

	FILE *f = fopen(path, "r");
	if (f) {
		int rc = parse_file(cfg, path, f, base_dir, err, errlen);
		fclose(f);
		if (rc)
			return -1;
	} else if (must_exist || errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}

	/* Environment overrides; relative paths here are from the cwd. */
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd))
		cwd[0] = '\0';
	for (size_t i = 0; i < NKEYS; i++) {
		size_t j = 0;
		j += snprintf(envname, sizeof envname, "CSMS_");
		for (const char *p = keys[i].name; *p && j + 1 < sizeof envname;
		     p++)
			envname[j++] = (char)toupper((unsigned char)*p);
		envname[j] = '\0';
		const char *v = getenv(envname);
		if (!v)
			continue;
		if (set_value(cfg, &keys[i], v, cwd, why, sizeof why)) {
			snprintf(err, errlen, "environment %s: %s", envname,
			         why);
			return -1;
		}
	}
	return 0;
}

static void print_quoted(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	}
	fputc('\'', out);
}

void config_print(const struct csms_config *cfg, FILE *out)
{
	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		const char *field = (const char *)cfg + k->off;
		fprintf(out, "%s=", k->name);
		switch (k->type) {
		case K_STR:
		case K_PATH:
		case K_ENUM:
			print_quoted(out, field);
			break;
		case K_INT:
		case K_BOOL:
			fprintf(out, "%d", *(const int *)field);
			break;
		case K_DOUBLE:
			fprintf(out, "%g", *(const double *)field);
			break;
		}
		fputc('\n', out);
	}
}

/* A password file holds the password on its first line and nothing a
 * stranger may read: a world-readable one is refused rather than used, so
 * a copy made with the wrong mode shows up at the next start. */
int config_password(const struct csms_config *cfg, int readonly, char *out,
                    size_t outlen, char *err, size_t errlen)
{
	const char *lit = readonly ? cfg->db_ro_password : cfg->db_password;
	const char *file =
	    readonly ? cfg->db_ro_password_file : cfg->db_password_file;
	const char *key = readonly ? "db_ro_password_file" : "db_password_file";
	if (lit[0] || !file[0]) {
		if (strlen(lit) >= outlen) {
			snprintf(err, errlen, "%s: password too long",
			         readonly ? "db_ro_password" : "db_password");
			return -1;
		}
		strcpy(out, lit);
		return 0;
	}
	FILE *f = fopen(file, "re");
	if (!f) {
		snprintf(err, errlen, "%s %s: %s", key, file, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & S_IROTH)) {
		fclose(f);
		snprintf(err, errlen,
		         "%s %s is readable by every local user (chmod o-r)",
		         key, file);
		return -1;
	}
	char line[512];
	int got = fgets(line, sizeof line, f) != NULL;
	fclose(f);
	size_t n = got ? strcspn(line, "\r\n") : 0;
	line[n] = '\0';
	if (!n || n >= outlen) {
		snprintf(err, errlen, "%s %s: %s", key, file,
		         n ? "password too long" : "empty first line");
		return -1;
	}
	memcpy(out, line, n + 1);
	return 0;
}
