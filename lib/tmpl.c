/*
 * tmpl.c — the dashboard's template engine (ctemplate tag language): the
 * renderer and the entry points TMPL_render and TMPL_write.
 *
 * A template file is read whole, parsed once into a tree of nodes (text,
 * VAR, IF with its ELSIF/ELSE branches, LOOP, INCLUDE, BREAK, CONTINUE) and
 * kept in a per-process cache keyed by path.  Rendering walks the tree with
 * a stack of variable scopes (top-level list, then one row per open loop)
 * into an open_memstream buffer, so a failure half-way leaves `out`
 * untouched.  Includes are looked up in the cache when they are reached,
 * which lets a template include itself inside a loop (tree views) while the
 * depth limit still catches unbounded recursion.
 *
 * The other parts: tmpl_vars.c (variable lists, loops, formats),
 * tmpl_parse.c (text to tree), tmpl_cache.c (parsed files by path);
 * tmpl_int.h is what they share.
 */
#define _POSIX_C_SOURCE 200809L
#include "tmpl_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- renderer */

struct render {
	FILE *out;
	const TMPL_fmtlist *fmtlist;
	TMPL_fmtfunc deflt;
	const TMPL_varlist **scope; /* [0] top level, then one row per loop */
	size_t nscope, capscope;
	int brk, cont; /* loops still to leave for BREAK / CONTINUE */
	int depth;     /* includes */
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 4, 5))) static int rerr(struct render *r,
                                                      const struct tmpl *t,
                                                      const struct node *n,
                                                      const char *fmt, ...)
{
	char shown[SHOW_MAX + 4], msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errlen, "%s:%d: %s %s", t->name, n->line,
	         tmpl__show(shown, t->src + n->off, n->len), msg);
	return -1;
}

static const char *lookup_var(const struct render *r, const char *name,
                              uint32_t h)
{
	for (size_t i = r->nscope; i-- > 0;) {
		const char *v = tmpl__find_var(r->scope[i], name, h);

		if (v)
			return v;
	}
	return NULL;
}

static const TMPL_loop *lookup_loop(const struct render *r, const char *name,
                                    uint32_t h)
{
	for (size_t i = r->nscope; i-- > 0;) {
		const TMPL_loop *l = tmpl__find_loop(r->scope[i], name, h);

		if (l)
			return l;
	}
	return NULL;
}

static int is_true(const struct render *r, const struct branch *b)
{
	const char *v = lookup_var(r, b->name, b->hash);
	const TMPL_loop *l = v ? NULL : lookup_loop(r, b->name, b->hash);
	int rows = l && l->nrows;

	if (!b->value)
		return (v && *v) || rows;
	if (!*b->value)
		return !rows && (!v || !*v);
	return v && !strcmp(v, b->value);
}

static int render_tmpl(struct render *r, const struct tmpl *t);

static int walk(struct render *r, const struct tmpl *t,
                const struct nodelist *l, TMPL_fmtfunc *fns);

static int walk_loop(struct render *r, const struct tmpl *t,
                     const struct node *n, TMPL_fmtfunc *fns)
{
	const TMPL_loop *loop = lookup_loop(r, n->u.loop.name, n->u.loop.hash);
	const TMPL_varlist **sc;

	if (!loop)
		return 0;
	if (loop->oom)
		return rerr(r, t, n, "has rows lost to out of memory");
	sc = tmpl__grow(r->scope, &r->capscope, r->nscope + 1, sizeof *sc);
	if (!sc)
		return rerr(r, t, n, "ran out of memory");
	r->scope = sc;
	for (size_t i = 0; i < loop->nrows; i++) {
		int rc;

		if (loop->rows[i]->oom)
			return rerr(r, t, n, "has a row lost to out of memory");
		r->scope[r->nscope++] = loop->rows[i];
		rc = walk(r, t, &n->u.loop.body, fns);
		r->nscope--;
		if (rc)
			return rc;
		if (r->brk) {
			r->brk--;
			break;
		}
		if (r->cont && --r->cont)
			break; /* CONTINUE of an outer loop */
	}
	return 0;
}

static int walk_include(struct render *r, const struct tmpl *t,
                        const struct node *n)
{
	char inner[512];
	const struct tmpl *t2;
	int rc;

	if (r->depth >= TMPL_MAX_INCLUDE_DEPTH)
		return rerr(r, t, n,
		            "nests includes deeper than %d "
		            "(recursive include?)",
		            TMPL_MAX_INCLUDE_DEPTH);
	if (!(t2 = tmpl__cache_get(n->u.path, inner, sizeof inner))) {
		if (inner[0])
			return rerr(r, t, n, "includes a bad template: %s",
			            inner);
		return rerr(r, t, n, "cannot read \"%s\": %s", n->u.path,
		            strerror(errno));
	}
	r->depth++;
	rc = render_tmpl(r, t2);
	r->depth--;
	return rc;
}

static int walk(struct render *r, const struct tmpl *t,
                const struct nodelist *l, TMPL_fmtfunc *fns)
{
	for (size_t i = 0; i < l->n && !r->brk && !r->cont; i++) {
		const struct node *n = &l->v[i];
		const struct branch *b;
		const char *v;
		int rc = 0;

		switch (n->kind) {
		case N_TEXT:
			fwrite(t->text + n->u.text.off, 1, n->u.text.len,
			       r->out);
			break;
		case N_VAR:
			v = lookup_var(r, n->u.var.name, n->u.var.hash);
			if (!v)
				v = n->u.var.dflt;
			if (v)
				(n->u.var.fmt < 0
				     ? r->deflt
				     : fns[n->u.var.fmt])(v, r->out);
			break;
		case N_IF:
			for (b = n->u.cond.v; b < n->u.cond.v + n->u.cond.n;
			     b++)
				if (!b->name || is_true(r, b)) {
					rc = walk(r, t, &b->body, fns);
					break;
				}
			break;
		case N_LOOP:
			rc = walk_loop(r, t, n, fns);
			break;
		case N_INCLUDE:
			rc = walk_include(r, t, n);
			break;
		case N_BREAK:
			r->brk = n->u.level;
			break;
		case N_CONTINUE:
			r->cont = n->u.level;
			break;
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* Resolves the template's fmt= names (all of them, so a typo fails even in
 * a branch not taken) and walks it. */
static int render_tmpl(struct render *r, const struct tmpl *t)
{
	TMPL_fmtfunc local[16], *fns = local;
	int rc = 0;

	if (t->nfmts > 16 && !(fns = malloc(t->nfmts * sizeof *fns))) {
		snprintf(r->err, r->errlen, "%s: out of memory", t->name);
		return -1;
	}
	for (size_t i = 0; !rc && i < t->nfmts; i++) {
		const struct fmtref *f = &t->fmts[i];
		struct node at = {
		    .line = f->line, .off = f->off, .len = f->len};

		if (!(fns[i] = tmpl__find_fmt(r->fmtlist, f->name)))
			rc =
			    rerr(r, t, &at, "uses unknown fmt \"%s\"", f->name);
	}
	if (!rc)
		rc = walk(r, t, &t->root, fns);
	if (fns != local)
		free(fns);
	return rc;
}

int TMPL_render(const char *filename, const char *tmplstr,
                const TMPL_fmtlist *fmtlist, const TMPL_varlist *varlist,
                const TMPL_options *opts, char **out, size_t *outlen, char *err,
                size_t errlen)
{
	const char *dfmt =
	    opts && opts->default_fmt ? opts->default_fmt : "entity";
	char ebuf[512], *buf = NULL;
	struct render r = {.fmtlist = fmtlist, .err = err, .errlen = errlen};
	struct tmpl *t = NULL;
	size_t len = 0;
	int rc = -1;

	if (out)
		*out = NULL;
	if (outlen)
		*outlen = 0;
	if (!err || !errlen) {
		r.err = ebuf;
		r.errlen = sizeof ebuf;
	}
	r.err[0] = 0;
	if (tmpl__cache_busy()) {
		snprintf(r.err, r.errlen, "TMPL_render: %s",
		         "called from inside a format function");
		return -1;
	}
	if (!filename && !tmplstr) {
		snprintf(r.err, r.errlen, "TMPL_render: no template given");
		return -1;
	}
	if (!(r.deflt = tmpl__find_fmt(fmtlist, dfmt))) {
		snprintf(r.err, r.errlen, "TMPL_render: %s \"%s\"",
		         "unknown default fmt", dfmt);
		return -1;
	}
	if (varlist && varlist->oom) {
		snprintf(r.err, r.errlen, "%s: %s",
		         filename ? filename : "(string)",
		         "out of memory while adding variables");
		return -1;
	}
	tmpl__cache_begin();
	if (tmplstr) {
		char *src = strdup(tmplstr);

		if (!src || !(t = tmpl__new(filename ? filename : "(string)",
		                            src, strlen(src)))) {
			free(src);
			snprintf(r.err, r.errlen, "TMPL_render: out of memory");
			goto done;
		}
		if (tmpl__parse(t, r.err, r.errlen))
			goto done;
	} else if (!(t = tmpl__cache_get(filename, r.err, r.errlen))) {
		if (!r.err[0])
			snprintf(r.err, r.errlen,
			         "%s: cannot read template: %s", filename,
			         strerror(errno));
		goto done;
	}
	if (!(r.out = open_memstream(&buf, &len))) {
		snprintf(r.err, r.errlen, "TMPL_render: out of memory");
		goto done;
	}
	if (varlist) {
		r.scope = tmpl__grow(NULL, &r.capscope, 8, sizeof *r.scope);
		if (r.scope)
			r.scope[r.nscope++] = varlist;
	}
	if (varlist && !r.scope)
		snprintf(r.err, r.errlen, "TMPL_render: out of memory");
	else
		rc = render_tmpl(&r, t);
	if (fclose(r.out) && !rc) {
		snprintf(r.err, r.errlen, "%s: out of memory while rendering",
		         t->name);
		rc = -1;
	}
done:
	if (tmplstr)
		tmpl__free(t);
	free(r.scope);
	tmpl__cache_end();
	if (rc || !out) {
		free(buf);
		return rc;
	}
	*out = buf;
	if (outlen)
		*outlen = len;
	return 0;
}

int TMPL_write(const char *filename, const char *tmplstr,
               const TMPL_fmtlist *fmtlist, const TMPL_varlist *varlist,
               FILE *out, FILE *errout)
{
	char err[1024], *buf;
	size_t len;

	if (TMPL_render(filename, tmplstr, fmtlist, varlist, NULL, &buf, &len,
	                err, sizeof err)) {
		if (errout)
			fprintf(errout, "%s\n", err);
		return -1;
	}
	if (out && fwrite(buf, 1, len, out) != len) {
		if (errout)
			fprintf(errout, "%s: writing the page failed\n",
			        filename ? filename : "(string)");
		free(buf);
		return -1;
	}
	free(buf);
	return 0;
}
