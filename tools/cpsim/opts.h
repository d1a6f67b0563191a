/*
 * opts.h — cpsim's command line.
 */
#ifndef CPSIM_OPTS_H
#define CPSIM_OPTS_H

#include <stddef.h>
#include <stdio.h>

enum load_mix { MIX_REALISTIC, MIX_HEARTBEAT, MIX_METER, MIX_HOLD, MIX_STORM };
enum { EVLIB_AUTO, EVLIB_POLL, EVLIB_EV };

/* One of the demo tags `make run` seeds (sql/seed-demo.sql), so a first
 * session against a fresh `make run` is authorised. */
#define CPSIM_DEFAULT_ID_TAG "DEMO-TAG-1"

struct cpsim_opts {
	const char *url;
	/* the charge point */
	int connectors;
	const char *id_tag;
	double power_kw;
	int duration_s;
	int meter_interval_s;
	int sessions;
	long long meter_start_wh;
	const char *vendor, *model, *firmware, *serial;
	/* the link */
	const char *basic_auth;
	const char *ca_file;
	int insecure;
	const char *cert_file, *key_file; /* TLS client certificate */
	const char *cert_org;             /* O of the CSRs (NULL: "csms") */
	const char *cert_dir;    /* CertificateSigned's files go here */
	const char *subprotocol; /* NULL: send no Sec-WebSocket-Protocol */
	int timeout_s;           /* reply timeout */
	/* behaviour and output */
	int quiet, verbose;
	int exit_after_session;
	const char *scenario;
	/* load mode */
	int load;
	int cps;
	double rate;
	int seconds;
	int ramp_s;
	int pid;
	int inflight;
	enum load_mix mix;
	int json;
	int hold_heartbeat_s;
	int max_connecting;
	int max_connecting_set; /* given on the command line */
	const char *curve;      /* storm: charge points online over time */
	int evlib;              /* EVLIB_AUTO, EVLIB_POLL, EVLIB_EV */
	/* surviving a node loss (session and load modes) */
	int reconnect;       /* jittered reconnects, unanswered calls resent */
	const char *journal; /* answered Start/StopTransaction, JSON lines */
	/* TransactionMessageAttempts / RetryInterval (session mode) */
	int tx_attempts;
	double tx_retry_s;
	/* the other profiles (session and scenario modes) */
	int files;          /* --files: upload logs, download firmware */
	int obey_profiles;  /* limit the power to the charging profiles */
	int local_list_max; /* LocalAuthListMaxLength */
	/* OCPP 2.0.1 (session201.c, load mode) */
	int ocpp201;          /* --ocpp 2.0.1 */
	double ocpp201_share; /* --load: this share speaks 2.0.1 */
};

/*
 * Parse argv.  Returns 0 to run, 1 when --help was printed, -1 with a
 * message in err for a usage error.
 */
int opts_parse(int argc, char **argv, struct cpsim_opts *o, char *err,
               size_t errlen);
void opts_usage(FILE *out);
const char *opts_mix_name(enum load_mix m);

struct link_opts;
struct cp_url;
/* The link options of one charge point (session and scenario modes). */
void opts_link(const struct cpsim_opts *o, const struct cp_url *u,
               const char *path, const char *tag, struct link_opts *lo);

#endif
