/*
 * test_cpsim_url.c — cpsim's URL handling (identity from the last path
 * segment, percent-encoding, loopback detection) and its command line.
 */
#include "check.h"

#include <stdarg.h>

#include "../../tools/cpsim/opts.c"
#include "../../tools/cpsim/url.c"

static void test_url_parse(void)
{
	struct cp_url u;
	char err[256], path[256];

	CHECK_INT(url_parse("ws://localhost:9000/CP_111", &u, err, sizeof err),
	          0);
	CHECK_INT(u.tls, 0);
	CHECK_STR(u.host, "localhost");
	CHECK_INT(u.port, 9000);
	CHECK_STR(u.prefix, "/");
	CHECK_STR(u.identity, "CP_111");

	CHECK_INT(url_parse("WSS://example.org/ocpp/v16/CP%201%2F2", &u, err,
	                    sizeof err),
	          0);
	CHECK_INT(u.tls, 1);
	CHECK_INT(u.port, 443);
	CHECK_STR(u.prefix, "/ocpp/v16/");
	CHECK_STR(u.identity, "CP 1/2");
	CHECK(url_path(&u, u.identity, path, sizeof path) > 0);
	CHECK_STR(path, "/ocpp/v16/CP%201%2F2");

	/* A raw identity is encoded; a stray '%' is kept literally. */
	CHECK_INT(url_parse("ws://[::1]:8080/x/CP ä%zz", &u, err, sizeof err),
	          0);
	CHECK_STR(u.host, "::1");
	CHECK_INT(u.port, 8080);
	CHECK_STR(u.identity, "CP ä%zz");
	CHECK(url_path(&u, u.identity, path, sizeof path) > 0);
	CHECK_STR(path, "/x/CP%20%C3%A4%25zz");

	CHECK_INT(url_parse("ws://h", &u, err, sizeof err), 0);
	CHECK_STR(u.prefix, "/");
	CHECK_STR(u.identity, "");
	CHECK_INT(url_parse("ws://h:9000/a/b/", &u, err, sizeof err), 0);
	CHECK_STR(u.identity, "");
}

static void test_url_errors(void)
{
	static const char *const bad[] = {
	    "http://h/x",    "ws:///x",     "ws://h:0/x", "ws://h:70000/x",
	    "ws://h:12ab/x", "ws://[::1/x", "h:9000/x",
	};
	struct cp_url u;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (url_parse(bad[i], &u, err, sizeof err) != -1)
			CHECK_FAIL_("accepted %s", bad[i]);
}

static void test_encode_and_loopback(void)
{
	char out[16];

	CHECK_INT(url_encode_segment("a-Z_0.~", out, sizeof out), 7);
	CHECK_INT(url_encode_segment("0123456789abcde", out, sizeof out), 15);
	CHECK_INT(url_encode_segment("0123456789abcdef", out, sizeof out), -1);
	CHECK_INT(url_encode_segment("aaaaaaaaaaaa  ", out, sizeof out), -1);
	CHECK(url_host_is_loopback("localhost"));
	CHECK(url_host_is_loopback("LOCALHOST"));
	CHECK(url_host_is_loopback("127.0.0.1"));
	CHECK(url_host_is_loopback("127.255.3.4"));
	CHECK(url_host_is_loopback("::1"));
	CHECK(!url_host_is_loopback("128.0.0.1"));
	CHECK(!url_host_is_loopback("10.0.0.1"));
	CHECK(!url_host_is_loopback("192.168.1.1"));
	CHECK(!url_host_is_loopback("::2"));
	CHECK(!url_host_is_loopback("localhost.example.com"));
}

static int parse(struct cpsim_opts *o, char *err, ...)
{
	char *argv[32];
	va_list ap;
	int argc = 0;

	argv[argc++] = "cpsim";
	va_start(ap, err);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	return opts_parse(argc, argv, o, err, 256);
}

static void test_opts(void)
{
	struct cpsim_opts o;
	char err[256];

	CHECK_INT(parse(&o, err, "ws://h/CP", NULL), 0);
	CHECK_STR(o.url, "ws://h/CP");
	CHECK_INT(o.connectors, 1);
	CHECK_INT(o.sessions, 1);
	CHECK_STR(o.subprotocol, "ocpp1.6");
	CHECK_INT(o.timeout_s, 30);
	CHECK_INT(o.load, 0);

	CHECK_INT(parse(&o, err, "--connectors", "3", "--id-tag", "ABC",
	                "--power-kw", "22.5", "--duration", "5",
	                "--meter-interval", "0", "--sessions", "0",
	                "--subprotocol", "none", "--exit-after-session",
	                "--basic-auth", "u:p", "--quiet", "ws://h/CP", NULL),
	          0);
	CHECK_INT(o.connectors, 3);
	CHECK_STR(o.id_tag, "ABC");
	CHECK(o.power_kw == 22.5);
	CHECK_INT(o.meter_interval_s, 0);
	CHECK_INT(o.sessions, 0);
	CHECK(o.subprotocol == NULL);
	CHECK_INT(o.exit_after_session, 1);
	CHECK_STR(o.basic_auth, "u:p");

	CHECK_INT(parse(&o, err, "--load", "--cps", "15000", "--rate", "0",
	                "--seconds", "30", "--ramp", "10", "--inflight", "4",
	                "--mix", "hold", "--json", "--pid", "1234", "--evlib",
	                "poll", "ws://127.0.0.1:9000/LOAD", NULL),
	          0);
	CHECK_INT(o.load, 1);
	CHECK_INT(o.cps, 15000);
	CHECK_INT(o.inflight, 4);
	CHECK_INT(o.mix, MIX_HOLD);
	CHECK_INT(o.pid, 1234);
	CHECK_INT(o.evlib, EVLIB_POLL);
	CHECK_STR(opts_mix_name(o.mix), "hold");
}

static void test_opts_errors(void)
{
	struct cpsim_opts o;
	char err[256];

	CHECK_INT(parse(&o, err, NULL), -1);
	CHECK_STR(err, "missing the ws:// URL");
	CHECK_INT(parse(&o, err, "ws://a/b", "ws://c/d", NULL), -1);
	CHECK_INT(parse(&o, err, "--id-tag", "123456789012345678901",
	                "ws://h/CP", NULL),
	          -1);
	CHECK_INT(parse(&o, err, "--vendor", "123456789012345678901",
	                "ws://h/CP", NULL),
	          -1);
	CHECK_STR(err, "--vendor: at most 20 characters (OCPP 1.6)");
	CHECK_INT(parse(&o, err, "--connectors", "0", "ws://h/CP", NULL), -1);
	CHECK_INT(parse(&o, err, "--connectors", "x", "ws://h/CP", NULL), -1);
	CHECK_INT(parse(&o, err, "--cps", "200000", "ws://h/CP", NULL), -1);
	CHECK_INT(parse(&o, err, "--mix", "random", "ws://h/CP", NULL), -1);
	CHECK_INT(parse(&o, err, "--basic-auth", "nocolon", "ws://h/CP", NULL),
	          -1);
	CHECK_INT(parse(&o, err, "--bogus", "ws://h/CP", NULL), -1);
	CHECK_STR(err, "unknown option --bogus");
	CHECK_INT(parse(&o, err, "ws://h/CP", "--duration", NULL), -1);
	CHECK_STR(err, "--duration needs a value");
	CHECK_INT(
	    parse(&o, err, "--load", "--scenario", "f", "ws://h/CP", NULL), -1);
	CHECK_INT(parse(&o, err, "--quiet", "--verbose", "ws://h/CP", NULL),
	          -1);
}

int main(void)
{
	RUN(test_url_parse);
	RUN(test_url_errors);
	RUN(test_encode_and_loopback);
	RUN(test_opts);
	RUN(test_opts_errors);
	CHECK_EXIT();
}
