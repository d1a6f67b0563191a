/*
 * url.c — parsing the ws:// URL given on the command line and building the
 * request path with a percent-encoded identity.
 */
#include "url.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hex.h"

/* Decode %XX; a '%' not followed by two hex digits is kept literally. */
static int pct_decode(const char *in, size_t len, char *out, size_t outlen)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		int c = (unsigned char)in[i];

		if (c == '%' && i + 2 < len && hex_value(in[i + 1]) >= 0 &&
		    hex_value(in[i + 2]) >= 0) {
			c = hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]);
			i += 2;
		}
		if (o + 1 >= outlen)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return (int)o;
}

int url_encode_segment(const char *in, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *in; in++) {
		unsigned char c = (unsigned char)*in;
		int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		            (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		            c == '_' || c == '~';

		if (o + (plain ? 1 : 3) >= outlen)
			return -1;
		if (plain) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (o >= outlen)
		return -1;
	out[o] = '\0';
	return (int)o;
}

int url_parse(const char *url, struct cp_url *u, char *err, size_t errlen)
{
	const char *p, *hs, *he, *ps, *slash;
	size_t n;

	memset(u, 0, sizeof *u);
	if (!strncasecmp(url, "ws://", 5)) {
		p = url + 5;
	} else if (!strncasecmp(url, "wss://", 6)) {
		u->tls = 1;
		p = url + 6;
	} else {
		snprintf(err, errlen, "URL must start with ws:// or wss://: %s",
		         url);
		return -1;
	}

	/* Authority: [v6]:port or host:port, up to the first '/'. */
	hs = p;
	if (*p == '[') {
		he = strchr(p, ']');
		if (!he) {
			snprintf(err, errlen, "unterminated [ in URL: %s", url);
			return -1;
		}
		hs = p + 1;
		p = he + 1;
	} else {
		while (*p && *p != '/' && *p != ':')
			p++;
		he = p;
	}
	n = (size_t)(he - hs);
	if (n == 0 || n >= sizeof u->host) {
		snprintf(err, errlen, "no host in URL: %s", url);
		return -1;
	}
	memcpy(u->host, hs, n);
	u->host[n] = '\0';

	u->port = u->tls ? 443 : 80;
	if (*p == ':') {
		char *end;
		long port = strtol(p + 1, &end, 10);

		if (end == p + 1 || port < 1 || port > 65535 ||
		    (*end && *end != '/')) {
			snprintf(err, errlen, "bad port in URL: %s", url);
			return -1;
		}
		u->port = (int)port;
		p = end;
	} else if (*p && *p != '/') {
		snprintf(err, errlen, "bad URL: %s", url);
		return -1;
	}

	/* Path: everything up to the last '/' is the endpoint. */
	ps = *p ? p : "/";
	slash = strrchr(ps, '/');
	n = (size_t)(slash - ps) + 1;
	if (n >= sizeof u->prefix) {
		snprintf(err, errlen, "URL path too long");
		return -1;
	}
	memcpy(u->prefix, ps, n);
	u->prefix[n] = '\0';
	if (pct_decode(slash + 1, strlen(slash + 1), u->identity,
	               sizeof u->identity) < 0) {
		snprintf(err, errlen, "identity too long");
		return -1;
	}
	return 0;
}

int url_path(const struct cp_url *u, const char *identity, char *out,
             size_t outlen)
{
	size_t n = strlen(u->prefix);
	int m;

	if (n >= outlen)
		return -1;
	memcpy(out, u->prefix, n);
	m = url_encode_segment(identity, out + n, outlen - n);
	if (m < 0)
		return -1;
	return (int)n + m;
}

int url_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (!strcasecmp(host, "localhost"))
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}
