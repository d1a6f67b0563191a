/*
 * test_ctl_addr.c — control addresses ("ADDRESS:PORT", "[v6]:PORT") as
 * control_listen, control_advertise and nodes.control_addr hold them, the
 * shared secret file, and the secret comparison.
 */
#include "check.h"
#include "ctl_addr.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <unistd.h>

static int port_of(const struct ctl_addr *a)
{
	if (a->sa.ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&a->sa)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)&a->sa)->sin6_port);
}

static void parses_addresses(void)
{
	struct ctl_addr a;
	char err[200];
	CHECK_INT(ctl_addr_parse("127.0.0.2:9100", &a, err, sizeof err), 0);
	CHECK_INT(a.sa.ss_family, AF_INET);
	CHECK_INT(port_of(&a), 9100);
	CHECK_INT(a.len, sizeof(struct sockaddr_in));
	CHECK(ctl_addr_is_loopback(&a));
	CHECK(!ctl_addr_is_wildcard(&a));
	CHECK_INT(ctl_addr_parse("[::1]:1", &a, err, sizeof err), 0);
	CHECK_INT(a.sa.ss_family, AF_INET6);
	CHECK_INT(port_of(&a), 1);
	CHECK(ctl_addr_is_loopback(&a));
	CHECK_INT(ctl_addr_parse("10.1.2.3:65535", &a, err, sizeof err), 0);
	CHECK(!ctl_addr_is_loopback(&a));
	CHECK_INT(ctl_addr_parse("0.0.0.0:9100", &a, err, sizeof err), 0);
	CHECK(ctl_addr_is_wildcard(&a));
	CHECK(!ctl_addr_is_loopback(&a));
	CHECK_INT(ctl_addr_parse("[::]:9100", &a, err, sizeof err), 0);
	CHECK(ctl_addr_is_wildcard(&a));
}

static void refuses_malformed(void)
{
	static const char *const bad[] = {"",
	                                  "9100",
	                                  "127.0.0.1",
	                                  "127.0.0.1:",
	                                  ":9100",
	                                  "127.0.0.1:0",
	                                  "127.0.0.1:65536",
	                                  "127.0.0.1:-1",
	                                  "127.0.0.1:+80",
	                                  "127.0.0.1:80x",
	                                  "localhost:9100",
	                                  "::1:9100",
	                                  "[::1]9100",
	                                  "[127.0.0.1]:80",
	                                  "1.2.3:80",
	                                  "[::1:80",
	                                  "127.0.0.1: 80",
	                                  NULL};
	struct ctl_addr a;
	char err[200];
	for (int i = 0; bad[i]; i++) {
		err[0] = '\0';
		if (ctl_addr_parse(bad[i], &a, err, sizeof err) != -1)
			CHECK_FAIL_("accepted \"%s\"", bad[i]);
		CHECK(strstr(err, "ADDRESS:PORT") != NULL);
	}
	CHECK_INT(ctl_addr_parse(NULL, &a, err, sizeof err), -1);
}

static void compares_secrets(void)
{
	CHECK(ctl_secret_equal("0123456789abcdef", "0123456789abcdef"));
	CHECK(!ctl_secret_equal("0123456789abcdef", "0123456789abcdeF"));
	CHECK(!ctl_secret_equal("0123456789abcdef", "0123456789abcde"));
	CHECK(!ctl_secret_equal("0123456789abcdef", "0123456789abcdef0"));
	CHECK(!ctl_secret_equal("0123456789abcdef", ""));
	CHECK(!ctl_secret_equal("0123456789abcdef", NULL));
	CHECK(!ctl_secret_equal(NULL, "x"));
	/* No secret configured matches nothing but itself. */
	CHECK(ctl_secret_equal("", ""));
	CHECK(!ctl_secret_equal("", "x"));
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void loads_secret_files(void)
{
	char path[] = "/tmp/test_ctl_addr_XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	char out[CTL_SECRET_MAX + 1], err[300];
	CHECK_INT(write_file(path, "0a1b2c3d4e5f60718293a4b5 \r\nsecond\n"), 0);
	CHECK_INT(ctl_secret_load(path, out, sizeof out, err, sizeof err), 1);
	CHECK_STR(out, "0a1b2c3d4e5f60718293a4b5");
	CHECK_INT(write_file(path, "0a1b2c3d4e5f6071"), 0); /* no newline */
	CHECK_INT(ctl_secret_load(path, out, sizeof out, err, sizeof err), 1);
	CHECK_STR(out, "0a1b2c3d4e5f6071");
	CHECK_INT(write_file(path, "short-secret\n"), 0);
	CHECK_INT(ctl_secret_load(path, out, sizeof out, err, sizeof err), -1);
	CHECK(strstr(err, "shorter than 16") && !strstr(err, "short-secret"));
	CHECK_INT(write_file(path, "\n"), 0);
	CHECK_INT(ctl_secret_load(path, out, sizeof out, err, sizeof err), -1);
	CHECK(strstr(err, "empty") != NULL);
	CHECK_INT(write_file(path, "0a1b2c3d\x01"
	                           "4e5f60718293\n"),
	          0);
	CHECK_INT(ctl_secret_load(path, out, sizeof out, err, sizeof err), -1);
	char longer[400];
	memset(longer, 'a', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	CHECK_INT(write_file(path, longer), 0);
	CHECK_INT(ctl_secret_load(path, out, sizeof out, err, sizeof err), -1);
	CHECK(strstr(err, "longer than 256") != NULL);
	unlink(path);
	/* No file: no secret (a loopback listener may do without). */
	CHECK_INT(ctl_secret_load(path, out, sizeof out, err, sizeof err), 0);
	CHECK_STR(out, "");
	CHECK_INT(ctl_secret_load("", out, sizeof out, err, sizeof err), 0);
}

int main(void)
{
	RUN(parses_addresses);
	RUN(refuses_malformed);
	RUN(compares_secrets);
	RUN(loads_secret_files);
	CHECK_EXIT();
}
