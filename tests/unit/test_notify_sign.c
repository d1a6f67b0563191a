/*
 * test_notify_sign.c — what a webhook receiver relies on: the signature
 * header (HMAC-SHA256 of "<timestamp>.<body>", checked against values
 * computed independently with Python's hmac module), the retry schedule,
 * and which URLs and addresses webhooks may go to.
 */
#include "check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "../../ocppd/notify_sign.c"

static void signs_timestamp_and_body(void)
{
	char sig[NOTIFY_SIG_LEN];
	const char *body = "{\"id\":\"1\",\"type\":\"session.started\"}";
	CHECK(!notify_sign("whsec-test-secret-0123", 1700000000, body,
	                   strlen(body), sig));
	CHECK_STR(sig, "sha256=927d685be70ba52fbadc22d75e16d7ee453d26a56a069"
	               "94a2b84f8d14342f3e5");
	const char *rfc = "what do ya want for nothing?";
	CHECK(!notify_sign("Jefe", 1, rfc, strlen(rfc), sig));
	CHECK_STR(sig, "sha256=a9049465ce89cfb8e9aac62333abda66f80e3403f51f5"
	               "7f6bae3c3a4485eca38");
}

static void signature_changes_with_each_input(void)
{
	char a[NOTIFY_SIG_LEN], b[NOTIFY_SIG_LEN];
	CHECK(!notify_sign("secret-one-0123456", 100, "{}", 2, a));
	CHECK(!notify_sign("secret-one-0123456", 101, "{}", 2, b));
	CHECK(strcmp(a, b)); /* a replay under a new timestamp */
	CHECK(!notify_sign("secret-two-0123456", 100, "{}", 2, b));
	CHECK(strcmp(a, b));
	CHECK(!notify_sign("secret-one-0123456", 100, "{ }", 3, b));
	CHECK(strcmp(a, b));
	/* The body's bytes up to its length only, NULs included. */
	CHECK(!notify_sign("secret-one-0123456", 100, "{}\0x", 2, b));
	CHECK_STR(a, b);
}

static void backoff_doubles_up_to_its_cap(void)
{
	CHECK_INT(notify_backoff_s(1, 10, 3600), 10);
	CHECK_INT(notify_backoff_s(2, 10, 3600), 20);
	CHECK_INT(notify_backoff_s(3, 10, 3600), 40);
	CHECK_INT(notify_backoff_s(6, 10, 3600), 320);
	CHECK_INT(notify_backoff_s(9, 10, 3600), 2560);
	CHECK_INT(notify_backoff_s(10, 10, 3600), 3600);
	/* The spread: within a quarter more, the same for the same delivery
	 * and attempt, different across deliveries. */
	int differ = 0;
	for (long long id = 1; id <= 50; id++) {
		long long w = notify_backoff_spread(400, id, 3);
		CHECK(w >= 400 && w <= 500);
		CHECK_INT(notify_backoff_spread(400, id, 3), w);
		differ += w != notify_backoff_spread(400, 1, 3);
	}
	CHECK(differ > 25);
	CHECK_INT(notify_backoff_spread(1, 7, 1), 1);
	CHECK_INT(notify_backoff_s(1000, 10, 3600), 3600);
	CHECK_INT(notify_backoff_s(1, 1, 1), 1);
	CHECK_INT(notify_backoff_s(2, 1, 3), 2);
	CHECK_INT(notify_backoff_s(3, 1, 3), 3);
	/* Never shorter than base, whatever attempts says. */
	CHECK_INT(notify_backoff_s(0, 5, 60), 5);
	CHECK_INT(notify_backoff_s(-3, 5, 60), 5);
}

static int v4(const char *s)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	inet_pton(AF_INET, s, &a.sin_addr);
	return notify_addr_private((struct sockaddr *)&a);
}

static int v6(const char *s)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6};
	inet_pton(AF_INET6, s, &a.sin6_addr);
	return notify_addr_private((struct sockaddr *)&a);
}

static void private_addresses_refused(void)
{
	const char *priv[] = {
	    "127.0.0.1",   "10.1.2.3",        "172.16.0.1", "172.31.255.255",
	    "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
	    "224.0.0.1",   "255.255.255.255", "198.18.0.1"};
	for (size_t i = 0; i < sizeof priv / sizeof priv[0]; i++)
		CHECK(v4(priv[i]) == 1);
	const char *pub[] = {"8.8.8.8", "172.32.0.1", "192.169.0.1",
	                     "100.128.0.1", "93.184.216.34"};
	for (size_t i = 0; i < sizeof pub / sizeof pub[0]; i++)
		CHECK(v4(pub[i]) == 0);
	CHECK(v6("::1") == 1);
	CHECK(v6("::") == 1);
	CHECK(v6("fd00::1") == 1);
	CHECK(v6("fe80::1") == 1);
	CHECK(v6("ff02::1") == 1);
	CHECK(v6("::ffff:127.0.0.1") == 1);
	CHECK(v6("::ffff:10.0.0.1") == 1);
	CHECK(v6("::ffff:8.8.8.8") == 0);
	CHECK(v6("2001:4860:4860::8888") == 0);
	struct sockaddr unix_sa = {.sa_family = AF_UNIX};
	CHECK(notify_addr_private(&unix_sa) == 1);
}

static void urls_checked(void)
{
	char why[128];
	CHECK(!notify_url_check("https://hooks.example.com/csms", why,
	                        sizeof why));
	CHECK(
	    !notify_url_check("HTTP://127.0.0.1:8080/x?y=1", why, sizeof why));
	const char *bad[] = {"ftp://example.com/",
	                     "file:///etc/passwd",
	                     "gopher://example.com/",
	                     "javascript:alert(1)",
	                     "example.com/hook",
	                     "http://",
	                     "https:///path",
	                     "http://user:pw@example.com/",
	                     "http://exa mple.com/",
	                     "http://example.com/\r\nX-Injected: 1",
	                     "http://:80/"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(notify_url_check(bad[i], why, sizeof why) == -1);
	char longurl[2100] = "https://example.com/";
	memset(longurl + 20, 'a', 2000);
	longurl[2020] = '\0';
	CHECK(notify_url_check(longurl, why, sizeof why) == -1);
}

int main(void)
{
	RUN(signs_timestamp_and_body);
	RUN(signature_changes_with_each_input);
	RUN(backoff_doubles_up_to_its_cap);
	RUN(private_addresses_refused);
	RUN(urls_checked);
	CHECK_EXIT();
}
