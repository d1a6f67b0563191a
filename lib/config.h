/*
 * config.h — csms.conf, the one configuration file every program reads.
 *
 * Keys live in one table (config.c) with their type, range and default.
 * The file is "key = value" lines; an environment variable CSMS_<KEY>
 * (upper case) overrides a key, so test harnesses and containers need no
 * file edits.  Relative paths are resolved against the directory of the
 * config file, so a checkout works from anywhere.
 */
#ifndef CSMS_CONFIG_H
#define CSMS_CONFIG_H

#include <stddef.h>
#include <stdio.h>

struct csms_config {
	/* network */
	char ocpp_listen[64];
	int ocpp_port;
	int http_port;
	/* database */
	char db_host[256];
	int db_port;
	char db_socket[512];
	char db_name[64];
	char db_user[64];
	char db_password[128];
	char db_password_file[512];
	char db_ro_user[64];
	char db_ro_password[128];
	char db_ro_password_file[512];
	char db_datadir[512];
	int db_workers;
	int db_queue_size;
	/* ocppd */
	char user[64]; /* started as root: the account to switch to */
	char group[64];
	char log_level[16];
	char log_file[512];
	char run_dir[512];
	char sql_dir[512];
	char control_socket[512];
	char control_socket_mode[8];
	char control_socket_group[64];
	int control_tcp_port;
	int heartbeat_interval;
	int ping_interval;
	int allow_unknown_cps;
	/* Accepted or Pending: the boot_answer of a charge point registered
	 * by connecting (allow_unknown_cps), until an operator sets its
	 * own (docs/registration.md) */
	char new_cp_boot_answer[16];
	int unapproved_boot_interval; /* BootNotification.conf interval when
	                              Pending or Rejected */
	char local_list[8]; /* off, all: every tag in every charge point's
	                       local list (docs/local-list.md) */
	int fleet_counters_interval; /* s between counter snapshots; 0 none */
	int accept_missing_subprotocol;
	int lenient_unknown_properties;
	int max_frame_size;
	int max_concurrent_tx_per_tag;
	int command_timeout;
	/* charge point security (docs/security.md) */
	int security_profile_min;
	int security_profile_pending_timeout; /* seconds; 0: never */
	int auth_fail_limit;
	int auth_block_max;
	char tls_cert[512];
	char tls_key[512];
	char tls_ca[512];
	int max_connections;
	int handshake_timeout;
	int boot_pending_backlog;  /* database jobs queued: Pending above */
	int boot_pending_interval; /* seconds, the Pending answer's base */
	int msg_rate;
	int msg_burst;
	int send_queue_max;
	int send_queue_total_max;
	char duplicate_identity[16]; /* probe, replace or refuse */
	int takeover_probe_timeout;
	char trusted_proxies[512];
	/* TLS at the proxy: trusted_proxies vouch for TLS and the client
	 * certificate (X-Forwarded-Proto, X-SSL-Client-*) */
	int trusted_proxy_tls;
	char allowed_origins[1024];
	int control_idle_timeout;
	char node_id[65]; /* "" single node; else this node's name (cluster) */
	/* no: only check the schema version at start (ocppd --migrate) */
	int migrate_on_start;
	/* the OCPP message log (ocppd/oplog.c, docs/api.md) */
	char ocpp_log[8];      /* auto, all, errors or off */
	int ocpp_log_auto_cps; /* auto: all up to this many links, then errors
	                        */
	int ocpp_log_queue;
	int ocpp_log_retention_days;
	int meter_values_retention_days;
	int load_mgmt_interval;
	int load_mgmt_stack_level;
	int load_mgmt_retry;
	int security_event_retention_days;
	/* certificate management (ocppd/certs.h, docs/certificates.md) */
	char cert_ca_cert[512];      /* the issuing CA's certificate (PEM) */
	char cert_ca_key[512];       /* its private key (PEM) */
	char cert_sign_command[512]; /* or: CSR on stdin, chain on stdout */
	char cert_organization[128]; /* the O every CSR must carry */
	int cert_validity_days;
	int cert_renew_days;  /* renew this many days before expiry; 0 off */
	int cert_check_every; /* seconds between two certificate passes */
	/* web tier */
	char templates_dir[512];
	double price_per_kwh;
	char currency[8];
	char cors_origin[256];
	/* web roles (docs/security.md): an account's role is in web_users */
	char web_default_role[16];   /* a REMOTE_USER without an account */
	char web_anonymous_role[16]; /* no REMOTE_USER, none required */
	/* make backup */
	char backup_dir[512];
	/* installed layout */
	char csrf_secret_file[512]; /* the dashboard's CSRF key (persistent) */
	/* control over TCP between nodes and the web tier (docs/control.md) */
	char control_listen[80];       /* "ADDRESS:PORT", "" none */
	char control_advertise[80];    /* what nodes.control_addr says */
	char control_secret_file[512]; /* the shared secret of TCP clients */
	/* webhooks (docs/notifications.md) */
	int webhook_sender;         /* this node delivers webhooks */
	int webhook_offline_after;  /* s offline before cp.offline */
	int webhook_timeout;        /* s per HTTP attempt */
	int webhook_max_attempts;   /* then the delivery is failed */
	int webhook_backoff_base;   /* s before the first retry */
	int webhook_backoff_max;    /* s between retries at most */
	int webhook_allow_private;  /* may deliver to private addresses */
	int webhook_retention_days; /* finished deliveries and events kept */
	/* files charge points upload and download (docs/files.md) */
	char files_dir[512];      /* where uploads and firmware are stored */
	char public_url[256];     /* how charge points reach the web server */
	int upload_max_bytes;     /* a diagnostics or log file at most */
	int firmware_max_bytes;   /* a firmware image at most */
	int upload_token_ttl;     /* s an upload URL stays valid */
	int firmware_token_ttl;   /* s a firmware URL stays valid */
	int files_retention_days; /* 0: kept for ever */
};

/* Which file: $CSMS_CONF, else the path given, else "csms.conf". */
const char *config_default_path(const char *given);

/*
 * Loads defaults, then the file (missing file is an error only when
 * must_exist), then the environment.  On error returns -1 with one line in
 * err naming the file, line and key.
 */
int config_load(struct csms_config *cfg, const char *path, int must_exist,
                char *err, size_t errlen);

/*
 * The password of the database account ocppd (readonly = 0) or the web
 * programs (readonly = 1) log in with: db_password / db_ro_password when
 * set, else the first line of db_password_file / db_ro_password_file, read
 * now (each program reads only the file of its own account, so the web
 * tier never needs to see the writer's).  -1 with one line in err.
 */
int config_password(const struct csms_config *cfg, int readonly, char *out,
                    size_t outlen, char *err, size_t errlen);

/* Writes every key as "key=value" lines (shell-quoted values) to out. */
void config_print(const struct csms_config *cfg, FILE *out);

#endif
