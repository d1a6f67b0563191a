/*
 * opts.c — option parsing and validation, one table of long options.
 * Limits mirror what the OCPP 1.6 schemas allow (idTag <= 20 characters,
 * vendor and model <= 20, firmware <= 50) so every message cpsim builds
 * from them validates.
 */
#include "opts.h"

#include "link.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum {
	O_CONNECTORS = 256,
	O_ID_TAG,
	O_POWER,
	O_DURATION,
	O_METER_INTERVAL,
	O_SESSIONS,
	O_METER_START,
	O_VENDOR,
	O_MODEL,
	O_FIRMWARE,
	O_SERIAL,
	O_BASIC_AUTH,
	O_CA,
	O_INSECURE,
	O_CERT,
	O_KEY,
	O_CERT_ORG,
	O_CERT_DIR,
	O_SUBPROTOCOL,
	O_TIMEOUT,
	O_QUIET,
	O_VERBOSE,
	O_EXIT_AFTER,
	O_SCENARIO,
	O_LOAD,
	O_CPS,
	O_RATE,
	O_SECONDS,
	O_RAMP,
	O_PID,
	O_INFLIGHT,
	O_MIX,
	O_JSON,
	O_HOLD_HB,
	O_MAX_CONNECTING,
	O_EVLIB,
	O_RECONNECT,
	O_JOURNAL,
	O_TX_ATTEMPTS,
	O_TX_RETRY,
	O_CURVE,
	O_OBEY_PROFILES,
	O_FILES,
	O_LOCAL_LIST_MAX,
	O_OCPP,
	O_OCPP201_SHARE,
	O_HELP,
};

static const struct option longopts[] = {
    {"connectors", required_argument, NULL, O_CONNECTORS},
    {"id-tag", required_argument, NULL, O_ID_TAG},
    {"power-kw", required_argument, NULL, O_POWER},
    {"duration", required_argument, NULL, O_DURATION},
    {"meter-interval", required_argument, NULL, O_METER_INTERVAL},
    {"sessions", required_argument, NULL, O_SESSIONS},
    {"meter-start", required_argument, NULL, O_METER_START},
    {"vendor", required_argument, NULL, O_VENDOR},
    {"model", required_argument, NULL, O_MODEL},
    {"firmware", required_argument, NULL, O_FIRMWARE},
    {"serial", required_argument, NULL, O_SERIAL},
    {"basic-auth", required_argument, NULL, O_BASIC_AUTH},
    {"ca", required_argument, NULL, O_CA},
    {"insecure", no_argument, NULL, O_INSECURE},
    {"cert", required_argument, NULL, O_CERT},
    {"key", required_argument, NULL, O_KEY},
    {"cert-org", required_argument, NULL, O_CERT_ORG},
    {"cert-dir", required_argument, NULL, O_CERT_DIR},
    {"subprotocol", required_argument, NULL, O_SUBPROTOCOL},
    {"timeout", required_argument, NULL, O_TIMEOUT},
    {"quiet", no_argument, NULL, O_QUIET},
    {"verbose", no_argument, NULL, O_VERBOSE},
    {"exit-after-session", no_argument, NULL, O_EXIT_AFTER},
    {"scenario", required_argument, NULL, O_SCENARIO},
    {"load", no_argument, NULL, O_LOAD},
    {"cps", required_argument, NULL, O_CPS},
    {"rate", required_argument, NULL, O_RATE},
    {"seconds", required_argument, NULL, O_SECONDS},
    {"ramp", required_argument, NULL, O_RAMP},
    {"pid", required_argument, NULL, O_PID},
    {"inflight", required_argument, NULL, O_INFLIGHT},
    {"mix", required_argument, NULL, O_MIX},
    {"json", no_argument, NULL, O_JSON},
    {"hold-heartbeat", required_argument, NULL, O_HOLD_HB},
    {"max-connecting", required_argument, NULL, O_MAX_CONNECTING},
    {"evlib", required_argument, NULL, O_EVLIB},
    {"reconnect", no_argument, NULL, O_RECONNECT},
    {"journal", required_argument, NULL, O_JOURNAL},
    {"curve", required_argument, NULL, O_CURVE},
    {"tx-attempts", required_argument, NULL, O_TX_ATTEMPTS},
    {"tx-retry-interval", required_argument, NULL, O_TX_RETRY},
    {"obey-profiles", no_argument, NULL, O_OBEY_PROFILES},
    {"files", no_argument, NULL, O_FILES},
    {"local-list-max", required_argument, NULL, O_LOCAL_LIST_MAX},
    {"ocpp", required_argument, NULL, O_OCPP},
    {"ocpp201-share", required_argument, NULL, O_OCPP201_SHARE},
    {"help", no_argument, NULL, O_HELP},
    {NULL, 0, NULL, 0},
};

static const char *const mix_names[] = {
    [MIX_REALISTIC] = "realistic", [MIX_HEARTBEAT] = "heartbeat",
    [MIX_METER] = "meter",         [MIX_HOLD] = "hold",
    [MIX_STORM] = "storm",
};

const char *opts_mix_name(enum load_mix m)
{
	return mix_names[m];
}

void opts_usage(FILE *out)
{
	fputs(
	    "usage: cpsim [options] ws[s]://HOST[:PORT]/PATH/IDENTITY\n"
	    "       cpsim --scenario FILE [options] ws[s]://.../IDENTITY\n"
	    "       cpsim --load --cps N --rate R --seconds S [load options]"
	    " ws://HOST:PORT/PATH/PREFIX\n"
	    "\n"
	    "charge point:\n"
	    "  --connectors N        connectors (1..32, default 1)\n"
	    "  --id-tag TAG          idTag for local sessions (<= 20 chars;\n"
	    "                        default " CPSIM_DEFAULT_ID_TAG
	    ", a demo tag)\n"
	    "  --power-kw KW         charging power (default 11)\n"
	    "  --duration S          charging time per session (default 60)\n"
	    "  --meter-interval S    MeterValues interval (default 10, 0 off)\n"
	    "  --sessions K          charging sessions (default 1; 0: none)\n"
	    "  --meter-start WH      initial energy register (default 0)\n"
	    "  --vendor V --model M --firmware F --serial S\n"
	    "link:\n"
	    "  --basic-auth USER:PASS  HTTP Basic authentication\n"
	    "  --ca FILE             CA bundle for wss://\n"
	    "  --insecure            wss:// without certificate checks\n"
	    "  --cert FILE --key FILE  TLS client certificate (profile 3)\n"
	    "  --cert-org O          O of the CSRs it sends (default csms)\n"
	    "  --cert-dir DIR        where CertificateSigned's certificate"
	    " goes (ID.crt, ID.key)\n"
	    "  --subprotocol LIST    offered subprotocols (default ocpp1.6;"
	    " \"none\": no header)\n"
	    "  --timeout S           reply timeout (default 30)\n"
	    "  --ocpp 1.6|2.0.1      the protocol spoken (default 1.6;"
	    " 2.0.1 offers ocpp2.0.1)\n"
	    "  --ocpp201-share F     load mode: this share of the charge"
	    " points speaks 2.0.1\n"
	    "behaviour and output:\n"
	    "  --exit-after-session  exit when the sessions are done\n"
	    "  --scenario FILE       run a scenario script instead\n"
	    "  --quiet | --verbose   summary only | every frame in and out\n"
	    "  --reconnect           after a lost link reconnect with "
	    "jittered\n"
	    "                        backoff and resend the unanswered call\n"
	    "                        (same id); load mode too, per CP\n"
	    "  --journal FILE        append each answered Start/StopTransaction"
	    "\n"
	    "                        as a JSON line (session and load mode)\n"
	    "  --tx-attempts N       send a transaction message answered "
	    "with\n"
	    "                        InternalError up to N times (default 3)"
	    "\n"
	    "  --tx-retry-interval S wait S times the attempts so far between"
	    "\n"
	    "                        them (default 2; session mode)\n"
	    "  --files               carry out GetDiagnostics, GetLog and "
	    "(Signed)UpdateFirmware\n"
	    "                        over HTTP (else NotSupported)\n"
	    "  --obey-profiles       draw no more than the charging profiles "
	    "allow\n"
	    "                        (MeterValues then carry Current.Import "
	    "per phase)\n"
	    "  --local-list-max N    entries the local list holds "
	    "(default 1000)\n"
	    "load mode:\n"
	    "  --load                benchmark: many charge points\n"
	    "  --cps N               connections (identities PREFIX0000001..)\n"
	    "  --rate R              aggregate msgs/s (0: closed loop)\n"
	    "  --seconds S           traffic duration (default 10)\n"
	    "  --ramp S              spread the connects over S seconds\n"
	    "  --inflight K          closed loop: calls in flight per CP "
	    "(default 1)\n"
	    "  --mix realistic|heartbeat|meter|hold|storm\n"
	    "  --hold-heartbeat S    heartbeat interval in hold mix "
	    "(default 60)\n"
	    "  --max-connecting N    handshakes in progress at once "
	    "(default 256;\n"
	    "                        storm: all of them)\n"
	    "  --curve FILE          storm: charge points open, booted and "
	    "online\n"
	    "                        every 100 ms (t open booted online)\n"
	    "  --pid PID             report the server's VmRSS per "
	    "connection\n"
	    "  --evlib auto|poll|ev  event loop: libev (epoll) when its lws "
	    "plugin\n"
	    "                        is installed, else poll (default auto)\n"
	    "  --json                summary as one JSON object\n",
	    out);
}

static int num_int(const char *s, long lo, long hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

static int num_dbl(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || end == s || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

static void defaults(struct cpsim_opts *o)
{
	memset(o, 0, sizeof *o);
	o->connectors = 1;
	o->id_tag = CPSIM_DEFAULT_ID_TAG;
	o->power_kw = 11;
	o->duration_s = 60;
	o->meter_interval_s = 10;
	o->sessions = 1;
	o->vendor = "cpsim";
	o->model = "cpsim-ac22";
	o->firmware = "cpsim-1.0";
	o->subprotocol = "ocpp1.6";
	o->timeout_s = 30;
	o->tx_attempts = 3;
	o->tx_retry_s = 2;
	o->local_list_max = 1000;
	o->cps = 100;
	o->seconds = 10;
	o->inflight = 1;
	o->mix = MIX_REALISTIC;
	o->hold_heartbeat_s = 60;
	o->max_connecting = 256;
}

#define BAD(...)                                                               \
	do {                                                                   \
		snprintf(err, errlen, __VA_ARGS__);                            \
		return -1;                                                     \
	} while (0)

static int check_len(const char *name, const char *v, size_t max, char *err,
                     size_t errlen)
{
	if (strlen(v) > max)
		BAD("--%s: at most %zu characters (OCPP 1.6)", name, max);
	return 0;
}

int opts_parse(int argc, char **argv, struct cpsim_opts *o, char *err,
               size_t errlen)
{
	long long ll;
	char *end;
	int c, subprotocol_set = 0;
	size_t i;

	defaults(o);
	optind = 0; /* GNU: reinitialise, so tests can parse twice */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hqv", longopts, NULL)) != -1) {
		const char *a = optarg;

		switch (c) {
		case O_CONNECTORS:
			if (num_int(a, 1, 32, &o->connectors))
				BAD("--connectors: 1..32");
			break;
		case O_ID_TAG:
			if (!*a || check_len("id-tag", a, 20, err, errlen))
				BAD("--id-tag: 1..20 characters");
			o->id_tag = a;
			break;
		case O_POWER:
			if (num_dbl(a, 0, 1000, &o->power_kw))
				BAD("--power-kw: 0..1000");
			break;
		case O_DURATION:
			if (num_int(a, 1, 7 * 86400, &o->duration_s))
				BAD("--duration: 1..604800 seconds");
			break;
		case O_METER_INTERVAL:
			if (num_int(a, 0, 86400, &o->meter_interval_s))
				BAD("--meter-interval: 0..86400 seconds");
			break;
		case O_SESSIONS:
			if (num_int(a, 0, 100000, &o->sessions))
				BAD("--sessions: 0..100000");
			break;
		case O_METER_START:
			errno = 0;
			ll = strtoll(a, &end, 10);
			if (errno || *end || end == a || ll < 0 ||
			    ll > 1000000000000LL)
				BAD("--meter-start: a Wh count");
			o->meter_start_wh = ll;
			break;
		case O_VENDOR:
			if (check_len("vendor", a, 20, err, errlen))
				return -1;
			o->vendor = a;
			break;
		case O_MODEL:
			if (check_len("model", a, 20, err, errlen))
				return -1;
			o->model = a;
			break;
		case O_FIRMWARE:
			if (check_len("firmware", a, 50, err, errlen))
				return -1;
			o->firmware = a;
			break;
		case O_SERIAL:
			if (check_len("serial", a, 25, err, errlen))
				return -1;
			o->serial = a;
			break;
		case O_BASIC_AUTH:
			if (!strchr(a, ':'))
				BAD("--basic-auth: USER:PASS");
			o->basic_auth = a;
			break;
		case O_CA:
			o->ca_file = a;
			break;
		case O_INSECURE:
			o->insecure = 1;
			break;
		case O_CERT:
			o->cert_file = a;
			break;
		case O_KEY:
			o->key_file = a;
			break;
		case O_CERT_ORG:
			o->cert_org = a;
			break;
		case O_CERT_DIR:
			o->cert_dir = a;
			break;
		case O_SUBPROTOCOL:
			o->subprotocol = strcmp(a, "none") ? a : NULL;
			subprotocol_set = 1;
			break;
		case O_TIMEOUT:
			if (num_int(a, 1, 3600, &o->timeout_s))
				BAD("--timeout: 1..3600 seconds");
			break;
		case 'q':
		case O_QUIET:
			o->quiet = 1;
			break;
		case 'v':
		case O_VERBOSE:
			o->verbose = 1;
			break;
		case O_EXIT_AFTER:
			o->exit_after_session = 1;
			break;
		case O_SCENARIO:
			o->scenario = a;
			break;
		case O_LOAD:
			o->load = 1;
			break;
		case O_CPS:
			if (num_int(a, 1, 100000, &o->cps))
				BAD("--cps: 1..100000");
			break;
		case O_RATE:
			if (num_dbl(a, 0, 10000000, &o->rate))
				BAD("--rate: 0..10000000 msgs/s");
			break;
		case O_SECONDS:
			if (num_int(a, 1, 3600, &o->seconds))
				BAD("--seconds: 1..3600");
			break;
		case O_RAMP:
			if (num_int(a, 0, 3600, &o->ramp_s))
				BAD("--ramp: 0..3600 seconds");
			break;
		case O_PID:
			if (num_int(a, 1, 1 << 30, &o->pid))
				BAD("--pid: a process id");
			break;
		case O_INFLIGHT:
			if (num_int(a, 1, 16, &o->inflight))
				BAD("--inflight: 1..16");
			break;
		case O_MIX:
			for (i = 0; i < sizeof mix_names / sizeof mix_names[0];
			     i++)
				if (!strcmp(a, mix_names[i]))
					break;
			if (i == sizeof mix_names / sizeof mix_names[0])
				BAD("--mix: realistic, heartbeat, meter, hold "
				    "or storm");
			o->mix = (enum load_mix)i;
			break;
		case O_JSON:
			o->json = 1;
			break;
		case O_HOLD_HB:
			if (num_int(a, 1, 86400, &o->hold_heartbeat_s))
				BAD("--hold-heartbeat: 1..86400 seconds");
			break;
		case O_MAX_CONNECTING:
			if (num_int(a, 1, 100000, &o->max_connecting))
				BAD("--max-connecting: 1..100000");
			o->max_connecting_set = 1;
			break;
		case O_EVLIB:
			if (!strcmp(a, "ev"))
				o->evlib = EVLIB_EV;
			else if (!strcmp(a, "poll"))
				o->evlib = EVLIB_POLL;
			else if (!strcmp(a, "auto"))
				o->evlib = EVLIB_AUTO;
			else
				BAD("--evlib: auto, poll or ev");
			break;
		case O_RECONNECT:
			o->reconnect = 1;
			break;
		case O_OBEY_PROFILES:
			o->obey_profiles = 1;
			break;
		case O_FILES:
			o->files = 1;
			break;
		case O_LOCAL_LIST_MAX:
			if (num_int(a, 0, 5000, &o->local_list_max))
				BAD("--local-list-max: 0..5000");
			break;
		case O_TX_ATTEMPTS:
			if (num_int(a, 1, 100, &o->tx_attempts))
				BAD("--tx-attempts: 1..100");
			break;
		case O_TX_RETRY:
			if (num_dbl(a, 0, 3600, &o->tx_retry_s))
				BAD("--tx-retry-interval: 0..3600 seconds");
			break;
		case O_CURVE:
			if (!*a)
				BAD("--curve needs a file name");
			o->curve = a;
			break;
		case O_OCPP:
			if (!strcmp(a, "2.0.1"))
				o->ocpp201 = 1;
			else if (strcmp(a, "1.6"))
				BAD("--ocpp: 1.6 or 2.0.1");
			break;
		case O_OCPP201_SHARE:
			if (num_dbl(a, 0, 1, &o->ocpp201_share))
				BAD("--ocpp201-share: 0..1");
			break;
		case O_JOURNAL:
			if (!*a)
				BAD("--journal needs a file name");
			o->journal = a;
			break;
		case 'h':
		case O_HELP:
			opts_usage(stdout);
			return 1;
		case ':':
			BAD("%s needs a value", argv[optind - 1]);
		default:
			BAD("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		BAD(optind >= argc ? "missing the ws:// URL"
		                   : "one URL expected, got extra arguments");
	o->url = argv[optind];
	/* 2.0.1 offers its own subprotocol unless told otherwise; a mixed
	 * fleet (load mode) chooses per charge point. */
	if (o->ocpp201 && !subprotocol_set)
		o->subprotocol = "ocpp2.0.1";
	if (o->ocpp201_share > 0 && !o->load)
		BAD("--ocpp201-share is for --load");
	if ((o->ocpp201 || o->ocpp201_share > 0) && o->mix == MIX_STORM)
		BAD("--mix storm is 1.6 only");
	if (o->ocpp201 && o->scenario)
		BAD("--ocpp 2.0.1 has no scenario mode yet");
	if (o->ocpp201 && (o->journal || o->obey_profiles || o->files))
		BAD("--journal, --obey-profiles and --files are 1.6 only");
	if (o->scenario && o->load)
		BAD("--scenario and --load exclude each other");
	/* A reconnect wave: every charge point at once, unless told. */
	if (o->mix == MIX_STORM && !o->max_connecting_set)
		o->max_connecting = o->cps;
	if (o->mix == MIX_STORM && o->reconnect)
		BAD("--mix storm is a reconnect wave of its own: no "
		    "--reconnect");
	if (o->curve && o->mix != MIX_STORM)
		BAD("--curve is for --mix storm");
	if (o->quiet && o->verbose)
		BAD("--quiet and --verbose exclude each other");
	if (o->scenario && (o->reconnect || o->journal))
		BAD("--reconnect and --journal are for session and load "
		    "modes (a scenario reconnects with its own lines)");
	return 0;
}

void opts_link(const struct cpsim_opts *o, const struct cp_url *u,
               const char *path, const char *tag, struct link_opts *lo)
{
	memset(lo, 0, sizeof *lo);
	lo->url = u;
	lo->path = path;
	lo->subprotocols = o->subprotocol;
	lo->basic_auth = o->basic_auth;
	lo->ca_file = o->ca_file;
	lo->insecure = o->insecure;
	lo->cert_file = o->cert_file;
	lo->key_file = o->key_file;
	lo->verbose = o->verbose;
	lo->tag = tag;
}
