/*
 * cgi.h — the request loop and request context shared by the api and
 * dashboard programs.
 *
 * One binary serves FastCGI (lighttpd mod_fastcgi, Apache mod_fcgid /
 * mod_proxy_fcgi) and, unchanged, plain CGI: cgi_main_loop() detects which
 * and calls the handler once per request.  Output goes through req->out, a
 * stdio FILE, so templates and JSON writers need not know which mode runs.
 * Everything per-request lives in struct cgi_req and is reset each pass.
 */
#ifndef CSMS_CGI_H
#define CSMS_CGI_H

#include <stddef.h>
#include <stdio.h>

#define CGI_MAX_PARAMS 64

struct cgi_param {
	char *name;
	char *value;
};

struct cgi_req {
	FILE *out;               /* the response, headers first */
	const char *method;      /* REQUEST_METHOD, "GET" when unset */
	const char *path;        /* PATH_INFO, "" when unset */
	const char *query;       /* QUERY_STRING, "" when unset */
	const char *remote_user; /* REMOTE_USER or NULL */
	const char *remote_addr;
	long content_length;
	struct cgi_param params[CGI_MAX_PARAMS];
	int nparams;
	int params_refused; /* enum cgi_query: why the query is refused */
	char *qbuf;         /* owns the decoded query strings */
	/* private */
	void *fcgx_in;
	char **envp;
};

typedef void (*cgi_handler)(struct cgi_req *req, void *ctx);

/*
 * Serves requests until the web server stops the process (FastCGI) or
 * once (CGI).  Returns 0, or -1 when the FastCGI library failed.
 */
int cgi_main_loop(cgi_handler handler, void *ctx);

const char *cgi_getenv(const struct cgi_req *req, const char *name);
/* The first value of a query parameter, or NULL when absent. */
const char *cgi_param(const struct cgi_req *req, const char *name);

/* Up to n bytes of the request body (streamed: an upload larger than
 * memory); 0 at its end, -1 on an error. */
long cgi_read(struct cgi_req *req, char *buf, size_t n);

/* Why a query or form cannot be used as sent. */
enum cgi_query {
	CGI_QUERY_OK,
	CGI_QUERY_TOO_MANY, /* more than max parameters */
	CGI_QUERY_NUL,      /* a "%00": a C string would end there */
};

/*
 * Parses an application/x-www-form-urlencoded string into params (pure:
 * the fuzzing harness and the unit tests call it directly).  *buf receives
 * the storage the params point into; the caller frees it.  Returns the
 * number of params; *refused (enum cgi_query) says when the request must
 * be refused: more than max parameters, or a NUL in a name or value,
 * which would cut it short ("DEMO%00XYZ" is not DEMO).
 */
int cgi_parse_query(const char *query, struct cgi_param *params, int max,
                    char **buf, int *refused);
/* A short description of a refused query, for the 400 answer. */
const char *cgi_query_why(int refused);

/* Percent-decoding ('+' is a space when plus_is_space); in place.  A
 * "%00" stays as it is and makes the result -1; else 0. */
int cgi_url_decode(char *s, int plus_is_space);

/*
 * Reads the request body (POST/PUT) up to max bytes; *body is NUL
 * terminated and owned by the caller.  -1 when larger than max or short.
 */
int cgi_read_body(struct cgi_req *req, char **body, size_t *len, size_t max);

#endif
