/*
 * ctl_addr.c — control addresses and the shared secret; see ctl_addr.h.
 */
#include "ctl_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ctl_addr_parse(const char *text, struct ctl_addr *out, char *err,
                   size_t errlen)
{
	char host[64];
	const char *port;
	memset(out, 0, sizeof *out);
	if (!text || !*text)
		goto bad;
	if (text[0] == '[') {
		const char *end = strchr(text, ']');
		if (!end || end[1] != ':' ||
		    (size_t)(end - text - 1) >= sizeof host)
			goto bad;
		memcpy(host, text + 1, (size_t)(end - text - 1));
		host[end - text - 1] = '\0';
		port = end + 2;
	} else {
		const char *colon = strrchr(text, ':');
		if (!colon || (size_t)(colon - text) >= sizeof host ||
		    memchr(text, ':', (size_t)(colon - text)))
			goto bad;
		memcpy(host, text, (size_t)(colon - text));
		host[colon - text] = '\0';
		port = colon + 1;
	}
	char *end;
	errno = 0;
	long p = strtol(port, &end, 10);
	if (!*port || *end || errno || p < 1 || p > 65535 ||
	    !(*port >= '0' && *port <= '9'))
		goto bad;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&out->sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&out->sa;
	if (text[0] != '[' && inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((unsigned short)p);
		out->len = sizeof *s4;
		return 0;
	}
	if (text[0] == '[' && inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)p);
		out->len = sizeof *s6;
		return 0;
	}
bad:
	snprintf(err, errlen,
	         "control address \"%.80s\" is not ADDRESS:PORT (a numeric "
	         "IPv4 address, or [IPv6], and a port 1..65535)",
	         text ? text : "");
	memset(out, 0, sizeof *out);
	return -1;
}

int ctl_addr_is_loopback(const struct ctl_addr *a)
{
	if (a->sa.ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)&a->sa;
		return (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	}
	if (a->sa.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)&a->sa;
		return IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
	}
	return 0;
}

int ctl_addr_is_wildcard(const struct ctl_addr *a)
{
	if (a->sa.ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)&a->sa;
		return s4->sin_addr.s_addr == htonl(INADDR_ANY);
	}
	if (a->sa.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)&a->sa;
		return IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr);
	}
	return 0;
}

int ctl_secret_load(const char *path, char *out, size_t outlen, char *err,
                    size_t errlen)
{
	char line[CTL_SECRET_MAX + 3];
	out[0] = '\0';
	if (!path || !*path)
		return 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "control_secret_file %s: %s", path,
		         strerror(errno));
		return -1;
	}
	int got = fgets(line, sizeof line, f) != NULL;
	fclose(f);
	size_t n = got ? strcspn(line, "\n") : 0;
	int whole = got && (line[n] == '\n' || n < sizeof line - 1);
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' ||
	             line[n - 1] == '\r'))
		n--;
	line[n] = '\0';
	const char *why = NULL;
	if (!whole || n > CTL_SECRET_MAX || n + 1 > outlen)
		why = "longer than 256 characters";
	else if (n < CTL_SECRET_MIN)
		why = n ? "shorter than 16 characters" : "empty";
	for (size_t i = 0; !why && i < n; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			why = "has control characters";
	if (why) {
		snprintf(err, errlen,
		         "control_secret_file %s: the first line is %s", path,
		         why);
		memset(line, 0, sizeof line);
		return -1;
	}
	memcpy(out, line, n + 1);
	memset(line, 0, sizeof line);
	return 1;
}

int ctl_secret_equal(const char *expected, const char *given)
{
	if (!expected || !given)
		return 0;
	size_t le = strlen(expected), lg = strlen(given);
	/* Every byte of expected is looked at whatever given holds: the
	 * time tells the length of the expected secret, never how much of
	 * it a guess got right. */
	volatile unsigned char d = le != lg;
	for (size_t i = 0; i < le; i++)
		d |= (unsigned char)expected[i] ^
		     (unsigned char)(i < lg ? given[i] : 0);
	return d == 0;
}
