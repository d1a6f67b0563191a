/*
 * cgi.c — FastCGI/CGI request loop on libfcgi's fcgiapp interface.
 *
 * fcgiapp (not fcgi_stdio) keeps the C library's stdio intact, so
 * open_memstream and the template engine keep working; the response FILE is
 * a fopencookie stream over the FastCGI output stream.
 */
#include "cgi.h"

#include <fcgiapp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hex.h"

extern char **environ;

static ssize_t fcgx_cookie_write(void *cookie, const char *buf, size_t size)
{
	int n = FCGX_PutStr(buf, (int)size, (FCGX_Stream *)cookie);
	return n < 0 ? -1 : n;
}

int cgi_url_decode(char *s, int plus_is_space)
{
	char *w = s;
	int nul = 0;
	for (char *r = s; *r; r++) {
		int hi, lo;
		if (*r == '%' && (hi = hex_value(r[1])) >= 0 &&
		    (lo = hex_value(r[2])) >= 0) {
			if (!hi && !lo) { /* "%00": kept, and reported */
				nul = 1;
				*w++ = *r;
				continue;
			}
			*w++ = (char)(hi * 16 + lo);
			r += 2;
		} else if (*r == '+' && plus_is_space) {
			*w++ = ' ';
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return nul ? -1 : 0;
}

const char *cgi_query_why(int refused)
{
	return refused == CGI_QUERY_NUL ? "a parameter contains %00 (NUL)"
	                                : "too many parameters";
}

int cgi_parse_query(const char *query, struct cgi_param *params, int max,
                    char **buf, int *refused)
{
	*refused = CGI_QUERY_OK;
	*buf = strdup(query ? query : "");
	if (!*buf)
		return 0;
	int n = 0;
	char *save = NULL;
	for (char *part = strtok_r(*buf, "&;", &save); part;
	     part = strtok_r(NULL, "&;", &save)) {
		if (!*part)
			continue;
		if (n == max) {
			*refused = CGI_QUERY_TOO_MANY;
			break;
		}
		char *eq = strchr(part, '=');
		if (eq)
			*eq = '\0';
		if (cgi_url_decode(part, 1))
			*refused = CGI_QUERY_NUL;
		params[n].name = part;
		if (eq) {
			if (cgi_url_decode(eq + 1, 1))
				*refused = CGI_QUERY_NUL;
			params[n].value = eq + 1;
		} else {
			params[n].value = part + strlen(part);
		}
		n++;
	}
	return n;
}

const char *cgi_getenv(const struct cgi_req *req, const char *name)
{
	if (!req->envp)
		return getenv(name);
	return FCGX_GetParam(name, req->envp);
}

const char *cgi_param(const struct cgi_req *req, const char *name)
{
	for (int i = 0; i < req->nparams; i++)
		if (!strcmp(req->params[i].name, name))
			return req->params[i].value;
	return NULL;
}

int cgi_read_body(struct cgi_req *req, char **body, size_t *len, size_t max)
{
	*body = NULL;
	*len = 0;
	if (req->content_length < 0 || (size_t)req->content_length > max)
		return -1;
	size_t want = (size_t)req->content_length;
	char *b = malloc(want + 1);
	if (!b)
		return -1;
	size_t got = 0;
	while (got < want) {
		int n;
		if (req->fcgx_in)
			n = FCGX_GetStr(b + got, (int)(want - got),
			                (FCGX_Stream *)req->fcgx_in);
		else
			n = (int)fread(b + got, 1, want - got, stdin);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != want) {
		free(b);
		return -1;
	}
	b[got] = '\0';
	*body = b;
	*len = got;
	return 0;
}

long cgi_read(struct cgi_req *req, char *buf, size_t n)
{
	if (n > (1u << 30))
		n = 1u << 30;
	if (req->fcgx_in)
		return FCGX_GetStr(buf, (int)n, (FCGX_Stream *)req->fcgx_in);
	size_t got = fread(buf, 1, n, stdin);
	return got ? (long)got : (ferror(stdin) ? -1 : 0);
}

static void setup_request(struct cgi_req *req)
{
	const char *v;
	req->method = (v = cgi_getenv(req, "REQUEST_METHOD")) && *v ? v : "GET";
	req->path = (v = cgi_getenv(req, "PATH_INFO")) ? v : "";
	req->query = (v = cgi_getenv(req, "QUERY_STRING")) ? v : "";
	req->remote_user = cgi_getenv(req, "REMOTE_USER");
	req->remote_addr = cgi_getenv(req, "REMOTE_ADDR");
	v = cgi_getenv(req, "CONTENT_LENGTH");
	req->content_length = v && *v ? strtol(v, NULL, 10) : 0;
	req->nparams = cgi_parse_query(req->query, req->params, CGI_MAX_PARAMS,
	                               &req->qbuf, &req->params_refused);
}

static void finish_request(struct cgi_req *req)
{
	free(req->qbuf);
	memset(req, 0, sizeof *req);
}

int cgi_main_loop(cgi_handler handler, void *ctx)
{
	struct cgi_req req;
	memset(&req, 0, sizeof req);
	if (FCGX_IsCGI()) {
		req.out = stdout;
		setup_request(&req);
		handler(&req, ctx);
		fflush(stdout);
		finish_request(&req);
		return 0;
	}
	FCGX_Stream *in, *out, *err;
	FCGX_ParamArray envp;
	while (FCGX_Accept(&in, &out, &err, &envp) >= 0) {
		cookie_io_functions_t io = {.write = fcgx_cookie_write};
		req.envp = envp;
		req.fcgx_in = in;
		req.out = fopencookie(out, "w", io);
		if (!req.out) {
			FCGX_FPrintF(out,
			             "Status: 500 Internal Server Error\r\n"
			             "Content-Type: text/plain\r\n\r\n"
			             "out of memory\n");
			finish_request(&req);
			continue;
		}
		/* A full buffer per write keeps syscalls per response low. */
		setvbuf(req.out, NULL, _IOFBF, 16384);
		setup_request(&req);
		handler(&req, ctx);
		fclose(req.out);
		finish_request(&req);
	}
	return 0;
}
