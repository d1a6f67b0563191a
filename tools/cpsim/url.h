/*
 * url.h — the charge point URL: ws[s]://host[:port]/endpoint/IDENTITY.
 *
 * OCPP-J puts the charge point identity in the last path segment,
 * percent-encoded.  The identity is taken from the URL as given (decoding
 * any %XX already there) and the request path is rebuilt with it encoded,
 * so "ws://h/ocpp/CP 1" and "ws://h/ocpp/CP%201" both connect as "CP 1".
 */
#ifndef CPSIM_URL_H
#define CPSIM_URL_H

#include <stddef.h>

struct cp_url {
	int tls;            /* wss:// */
	char host[256];     /* without brackets for IPv6 literals */
	int port;           /* 80/443 when not given */
	char prefix[1024];  /* path up to and including the last '/' */
	char identity[256]; /* last segment, decoded */
};

/* 0, or -1 with a message in err. */
int url_parse(const char *url, struct cp_url *u, char *err, size_t errlen);

/*
 * The request path for one identity: prefix + percent-encoded identity.
 * Returns the length, or -1 if it does not fit.
 */
int url_path(const struct cp_url *u, const char *identity, char *out,
             size_t outlen);

/* Percent-encode everything but RFC 3986 unreserved characters. */
int url_encode_segment(const char *in, char *out, size_t outlen);

/* 1 for localhost, 127.0.0.0/8 and ::1: the only hosts load mode targets. */
int url_host_is_loopback(const char *host);

#endif
