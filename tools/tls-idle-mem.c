/*
 * tls-idle-mem.c — what OpenSSL itself keeps per idle server-side TLS
 * link, as ocppd's libwebsockets sets it up (SSL_MODE_RELEASE_BUFFERS,
 * a socket BIO): N handshakes over socket pairs, one small message each
 * way, the client ends freed, then the bytes still allocated through
 * OpenSSL's allocator per link, and the allocations of one link by size
 * and place.  Built and run by scripts/bench-storm.sh:
 *
 *   tls-idle-mem CERT.pem KEY.pem [tls1.2]
 */
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define LINKS 200
#define TRACE 4096

static long live;
static int tracing;
static struct {
	void *p;
	size_t n;
	const char *file;
	int line;
} trace[TRACE];
static int ntrace;

static void note(void *p, size_t n, const char *file, int line)
{
	if (tracing && ntrace < TRACE) {
		trace[ntrace].p = p;
		trace[ntrace].n = n;
		trace[ntrace].file = file;
		trace[ntrace].line = line;
		ntrace++;
	}
}

static void unnote(void *p)
{
	for (int i = 0; i < ntrace; i++)
		if (trace[i].p == p)
			trace[i].p = NULL;
}

/* A size header in front of each block, to count what is live. */
static void *m_alloc(size_t n, const char *file, int line)
{
	size_t *h = malloc(n + 16);
	if (!h)
		return NULL;
	h[0] = n;
	live += (long)n;
	note((char *)h + 16, n, file, line);
	return (char *)h + 16;
}

static void m_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	if (!p)
		return;
	size_t *h = (size_t *)((char *)p - 16);
	live -= (long)h[0];
	unnote(p);
	free(h);
}

static void *m_realloc(void *p, size_t n, const char *file, int line)
{
	if (!p)
		return m_alloc(n, file, line);
	size_t *h = (size_t *)((char *)p - 16);
	live += (long)n - (long)h[0];
	unnote(p);
	h = realloc(h, n + 16);
	if (!h)
		return NULL;
	h[0] = n;
	note((char *)h + 16, n, file, line);
	return (char *)h + 16;
}

int main(int argc, char **argv)
{
	static SSL *srv[LINKS], *cli[LINKS];
	char buf[4096];
	if (argc < 3) {
		fprintf(stderr, "usage: tls-idle-mem CERT KEY [tls1.2]\n");
		return 2;
	}
	CRYPTO_set_mem_functions(m_alloc, m_realloc, m_free);
	SSL_CTX *sc = SSL_CTX_new(TLS_server_method());
	SSL_CTX *cc = SSL_CTX_new(TLS_client_method());
	if (!sc || !cc ||
	    SSL_CTX_use_certificate_chain_file(sc, argv[1]) != 1 ||
	    SSL_CTX_use_PrivateKey_file(sc, argv[2], SSL_FILETYPE_PEM) != 1) {
		fprintf(stderr, "tls-idle-mem: cannot load %s / %s\n", argv[1],
		        argv[2]);
		return 1;
	}
	if (argc > 3 && !strcmp(argv[3], "tls1.2"))
		SSL_CTX_set_max_proto_version(sc, TLS1_2_VERSION);
	long before = live;
	for (int i = 0; i < LINKS; i++) {
		int sv[2];
		tracing = i == LINKS - 1;
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			return 1;
		fcntl(sv[0], F_SETFL, O_NONBLOCK);
		fcntl(sv[1], F_SETFL, O_NONBLOCK);
		srv[i] = SSL_new(sc);
		cli[i] = SSL_new(cc);
		/* What lws 4.1 sets on every server link. */
		SSL_set_mode(srv[i], SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
		                         SSL_MODE_RELEASE_BUFFERS);
		SSL_set_fd(srv[i], sv[0]);
		SSL_set_fd(cli[i], sv[1]);
		SSL_set_accept_state(srv[i]);
		SSL_set_connect_state(cli[i]);
		for (int k = 0; k < 20; k++) {
			SSL_do_handshake(cli[i]);
			SSL_do_handshake(srv[i]);
		}
		SSL_write(cli[i], "[2,\"1\",\"Heartbeat\",{}]", 22);
		while (SSL_read(srv[i], buf, sizeof buf) > 0)
			;
		SSL_write(srv[i], "[3,\"1\",{}]", 10);
		while (SSL_read(cli[i], buf, sizeof buf) > 0)
			;
	}
	tracing = 0;
	for (int i = 0; i < LINKS; i++)
		SSL_free(cli[i]);
	printf("%s: OpenSSL keeps %ld bytes per idle server link\n",
	       SSL_get_version(srv[0]), (live - before) / LINKS);
	printf("one link's blocks of 256 bytes or more:\n");
	for (int i = 0; i < ntrace; i++)
		if (trace[i].p && trace[i].n >= 256)
			printf("  %6zu  %s:%d\n", trace[i].n, trace[i].file,
			       trace[i].line);
	return 0;
}
