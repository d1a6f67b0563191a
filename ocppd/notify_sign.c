/*
 * notify_sign.c — see notify_sign.h.
 */
#include "notify_sign.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hex.h"

int notify_sign(const char *secret, long long timestamp, const char *body,
                size_t body_len, char out[NOTIFY_SIG_LEN])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	char prefix[32];
	int n = snprintf(prefix, sizeof prefix, "%lld.", timestamp);
	/* The one-shot HMAC (the streaming HMAC_CTX is deprecated in
	 * OpenSSL 3) over one buffer: "<timestamp>." then the body. */
	unsigned char *msg = malloc((size_t)n + body_len + 1);
	if (!msg)
		return -1;
	memcpy(msg, prefix, (size_t)n);
	memcpy(msg + n, body, body_len);
	const unsigned char *r = HMAC(EVP_sha256(), secret, (int)strlen(secret),
	                              msg, (size_t)n + body_len, mac, &maclen);
	free(msg);
	if (!r || maclen != 32)
		return -1;
	memcpy(out, "sha256=", 7);
	hex_encode(mac, 32, out + 7);
	return 0;
}

long long notify_backoff_s(int attempts, int base, int max)
{
	long long s = base > 0 ? base : 1;
	for (int i = 1; i < attempts && s < max; i++)
		s *= 2;
	return s > max ? max : s;
}

long long notify_backoff_spread(long long wait, long long delivery,
                                int attempts)
{
	/* splitmix64 of the pair: any fixed, well-mixed number will do. */
	uint64_t x =
	    (uint64_t)delivery * 0x9e3779b97f4a7c15ull + (uint64_t)attempts;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	x ^= x >> 31;
	return wait + (long long)(x % (uint64_t)(wait / 4 + 1));
}

static int v4_private(uint32_t a)
{
	static const struct {
		uint32_t net, mask;
	} nets[] = {
	    {0x00000000u, 0xff000000u}, /* 0/8 "this network" */
	    {0x0a000000u, 0xff000000u}, /* 10/8 */
	    {0x64400000u, 0xffc00000u}, /* 100.64/10 shared (CGNAT) */
	    {0x7f000000u, 0xff000000u}, /* 127/8 loopback */
	    {0xa9fe0000u, 0xffff0000u}, /* 169.254/16 link-local, metadata */
	    {0xac100000u, 0xfff00000u}, /* 172.16/12 */
	    {0xc0000000u, 0xffffff00u}, /* 192.0.0/24 protocol assignments */
	    {0xc0a80000u, 0xffff0000u}, /* 192.168/16 */
	    {0xc6120000u, 0xfffe0000u}, /* 198.18/15 benchmarking */
	    {0xe0000000u, 0xf0000000u}, /* 224/4 multicast */
	    {0xf0000000u, 0xf0000000u}, /* 240/4 reserved, broadcast */
	};
	for (size_t i = 0; i < sizeof nets / sizeof nets[0]; i++)
		if ((a & nets[i].mask) == nets[i].net)
			return 1;
	return 0;
}

int notify_addr_private(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		return v4_private(ntohl(in->sin_addr.s_addr));
	}
	if (sa->sa_family != AF_INET6)
		return 1;
	const unsigned char *b =
	    ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0,    0,
	                                         0, 0, 0, 0, 0xff, 0xff};
	static const unsigned char zero[15] = {0};
	if (!memcmp(b, mapped, 12))
		return v4_private((uint32_t)b[12] << 24 |
		                  (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 |
		                  b[15]);
	if (!memcmp(b, zero, 15) && (b[15] == 0 || b[15] == 1))
		return 1; /* :: and ::1 */
	if ((b[0] & 0xfe) == 0xfc)
		return 1; /* fc00::/7 unique local */
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return 1; /* fe80::/10 link-local */
	if (b[0] == 0xff)
		return 1; /* multicast */
	if (b[0] == 0x00 && !memcmp(b, zero, 12))
		return 1; /* ::/96, IPv4-compatible (deprecated) */
	return 0;
}

int notify_url_check(const char *url, char *why, size_t whylen)
{
	size_t len = strlen(url);
	const char *rest;
	if (!strncasecmp(url, "http://", 7))
		rest = url + 7;
	else if (!strncasecmp(url, "https://", 8))
		rest = url + 8;
	else {
		snprintf(why, whylen, "url: only http:// and https:// URLs");
		return -1;
	}
	if (len > 2000) {
		snprintf(why, whylen, "url: longer than 2000 characters");
		return -1;
	}
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= 0x20 || *p == 0x7f) {
			snprintf(why, whylen,
			         "url: has spaces or control characters");
			return -1;
		}
	size_t auth = strcspn(rest, "/?#");
	if (!auth) {
		snprintf(why, whylen, "url: has no host");
		return -1;
	}
	if (memchr(rest, '@', auth)) {
		snprintf(why, whylen,
		         "url: must not carry a user or password (use the "
		         "secret)");
		return -1;
	}
	if (rest[0] == ':') {
		snprintf(why, whylen, "url: has no host");
		return -1;
	}
	return 0;
}
