/*
 * handshake.c — see handshake.h.
 */
#include "handshake.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"

int handshake_identity(const char *path, char *out, size_t outlen,
                       const char **why)
{
	*why = NULL;
	if (!path || path[0] != '/') {
		*why = "no request path";
		return -1;
	}
	size_t end = strlen(path);
	if (end > 1 && path[end - 1] == '/')
		end--;
	size_t start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	size_t len = end - start;
	if (len == 0) {
		*why = "no charge point identity in the path";
		return -1;
	}
	if (len > CP_ID_BYTES || len >= outlen) {
		*why = "identity longer than 50 characters";
		return -1;
	}
	const char *s = path + start;
	size_t chars = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (!n) {
			*why = "identity is not valid UTF-8";
			return -1;
		}
		/* C0, DEL and C1 controls: never part of an identity. */
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
			*why = "control character in identity";
			return -1;
		}
		i += n;
		chars++;
	}
	if (chars > CP_ID_CHARS) {
		*why = "identity longer than 50 characters";
		return -1;
	}
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

int handshake_subprotocol(const char *offered, int accept_missing,
                          const char **why)
{
	*why = NULL;
	if (!offered || !*offered) {
		if (accept_missing)
			return 1;
		*why = "no Sec-WebSocket-Protocol offered (ocpp1.6 or "
		       "ocpp2.0.1 required; "
		       "set accept_missing_subprotocol = yes for chargers "
		       "that omit it)";
		return 0;
	}
	/* A comma (or, for repeated headers, space) separated list. */
	const size_t want = sizeof OCPP_SUBPROTOCOL - 1;
	const size_t want201 = sizeof OCPP_SUBPROTOCOL_201 - 1;
	const char *p = offered;
	while (*p) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		const char *tok = p;
		while (*p && *p != ',' && *p != ' ' && *p != '\t')
			p++;
		if ((size_t)(p - tok) == want &&
		    !strncmp(tok, OCPP_SUBPROTOCOL, want))
			return 1;
		if ((size_t)(p - tok) == want201 &&
		    !strncmp(tok, OCPP_SUBPROTOCOL_201, want201))
			return 1;
	}
	*why = "only unsupported subprotocols offered (need ocpp1.6 or "
	       "ocpp2.0.1)";
	return 0;
}

int handshake_in_list(const char *list, const char *s, int nocase)
{
	size_t n = strlen(s);
	const char *p = list;
	while (p && *p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *end = p + strcspn(p, ",");
		const char *e = end;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if ((size_t)(e - p) == n && n &&
		    !(nocase ? strncasecmp(p, s, n) : strncmp(p, s, n)))
			return 1;
		p = end;
	}
	return 0;
}

/* An address as a header writes it: [v6]:port, "quoted", v4:port. */
static int clean_addr(const char *s, size_t n, char *out, size_t outlen)
{
	while (n && (*s == ' ' || *s == '\t' || *s == '"'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '"'))
		n--;
	if (n && *s == '[') {
		const char *close = memchr(s, ']', n);
		if (!close)
			return -1;
		n = (size_t)(close - s - 1);
		s++;
	} else if (memchr(s, '.', n)) {
		const char *colon = memchr(s, ':', n);
		if (colon) /* 192.0.2.1:4711 */
			n = (size_t)(colon - s);
	}
	if (!n || n >= outlen)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		      (c >= 'A' && c <= 'F') || c == '.' || c == ':'))
			return -1; /* "unknown", obfuscated ids, junk */
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/* The rightmost untrusted address of a comma list; field: NULL for
 * X-Forwarded-For items, "for=" for Forwarded elements. */
static int pick(const char *hdr, const char *field, const char *trusted,
                char *out, size_t outlen)
{
	size_t end = strlen(hdr);
	while (end > 0) {
		size_t start = end;
		while (start > 0 && hdr[start - 1] != ',')
			start--;
		const char *item = hdr + start;
		size_t n = end - start;
		char addr[64];
		if (field) {
			/* for=... among ;-separated pairs */
			const char *f = NULL;
			for (size_t i = 0; i + 4 <= n; i++)
				if (!strncasecmp(item + i, "for=", 4) &&
				    (i == 0 || item[i - 1] == ';' ||
				     item[i - 1] == ' ')) {
					f = item + i + 4;
					break;
				}
			if (!f)
				return -1;
			n = strcspn(f, ";,");
			item = f;
		}
		if (clean_addr(item, n, addr, sizeof addr))
			return -1;
		if (!handshake_in_list(trusted, addr, 1) || start == 0) {
			if (strlen(addr) >= outlen)
				return -1;
			memcpy(out, addr, strlen(addr) + 1);
			return 0;
		}
		end = start ? start - 1 : 0;
	}
	return -1;
}

int handshake_client_addr(const char *peer, const char *trusted,
                          const char *xff, const char *fwd, char *out,
                          size_t outlen)
{
	snprintf(out, outlen, "%s", peer);
	if (!trusted || !*trusted || !handshake_in_list(trusted, peer, 1))
		return 0;
	if (xff && *xff && !pick(xff, NULL, trusted, out, outlen))
		return 1;
	if (fwd && *fwd && !pick(fwd, "for=", trusted, out, outlen))
		return 1;
	snprintf(out, outlen, "%s", peer);
	return 0;
}

unsigned handshake_forwarded_tls(const struct handshake_fwd_tls *f, int enabled,
                                 int trusted, int *tls, const char **cn,
                                 const char **why)
{
	int https = f->proto && !strcasecmp(f->proto, "https");
	int cert = f->verify || f->cn;
	*tls = 0;
	*cn = NULL;
	*why = NULL;
	if (!enabled || !trusted) {
		/* Never believed: only a proxy we trust may vouch for a
		 * certificate, and one claiming TLS is refused aloud rather
		 * than quietly taken as plain. */
		if (cert)
			*why =
			    "client certificate headers (" FWD_TLS_CERT_HEADERS
			    ") from a peer that is not a trusted TLS proxy "
			    "(trusted_proxies, trusted_proxy_tls)";
		else if (enabled && https)
			*why =
			    "X-Forwarded-Proto: https from a peer that is not "
			    "in trusted_proxies";
		return *why ? 400 : 0;
	}
	*tls = https;
	if (!cert)
		return 0;
	if (!https) {
		*why = "client certificate headers without X-Forwarded-Proto: "
		       "https";
		return 400;
	}
	if (!f->verify) {
		*why = "X-SSL-Client-CN without X-SSL-Client-Verify";
		return 400;
	}
	if (strcmp(f->verify, "0")) {
		*why = "client certificate not verified by the proxy";
		return 403;
	}
	if (!f->cn || !*f->cn) {
		*why = "verified client certificate without a CN";
		return 403;
	}
	*cn = f->cn;
	return 0;
}
