/*
 * tmpl_vars.c — what a template is rendered with: variable lists, loops of
 * rows, and the format functions (the built-in entity, url and raw, and the
 * caller's own).
 *
 * Variable lists are arrays (amortised O(1) append) with a small open
 * addressing index once they grow past INDEX_MIN entries; parse-time hashes
 * of the names in tags make the per-row lookups a hash compare and strcmp.
 */
#define _POSIX_C_SOURCE 200809L
#include "tmpl_int.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INDEX_MIN 8 /* lists longer than this get a hash index */

/* ------------------------------------------------------------ variables */

struct tvar {
	char *name; /* one allocation: name, NUL, value, NUL */
	const char *value;
	uint32_t hash;
};

static void index_put(TMPL_varlist *vl, size_t i)
{
	const struct tvar *v = &vl->vars[i];
	size_t mask = vl->indexcap - 1, j = v->hash & mask;

	while (vl->index[j]) {
		const struct tvar *o = &vl->vars[vl->index[j] - 1];

		if (o->hash == v->hash && !strcmp(o->name, v->name))
			break; /* the newer value replaces the older */
		j = (j + 1) & mask;
	}
	vl->index[j] = (uint32_t)(i + 1);
}

static void index_update(TMPL_varlist *vl)
{
	size_t cap = vl->indexcap ? vl->indexcap : 32;
	uint32_t *ix;

	if (vl->nvars <= INDEX_MIN)
		return;
	if (vl->nvars * 2 <= vl->indexcap) {
		index_put(vl, vl->nvars - 1);
		return;
	}
	while (cap < vl->nvars * 4)
		cap *= 2;
	ix = calloc(cap, sizeof *ix);
	free(vl->index);
	/* without memory for an index the list is still searched linearly */
	vl->index = ix;
	vl->indexcap = ix ? cap : 0;
	for (size_t i = 0; ix && i < vl->nvars; i++)
		index_put(vl, i);
}

static int add_one(TMPL_varlist *vl, const char *name, const char *value)
{
	size_t nl = strlen(name) + 1, vlen = strlen(value) + 1;
	struct tvar *vars;
	char *buf;

	vars = tmpl__grow(vl->vars, &vl->capvars, vl->nvars + 1, sizeof *vars);
	if (!vars)
		return -1;
	vl->vars = vars;
	buf = malloc(nl + vlen);
	if (!buf)
		return -1;
	memcpy(buf, name, nl);
	memcpy(buf + nl, value, vlen);
	vars[vl->nvars].name = buf;
	vars[vl->nvars].value = buf + nl;
	vars[vl->nvars].hash = tmpl__hash_mem(name, nl - 1);
	vl->nvars++;
	index_update(vl);
	return 0;
}

TMPL_varlist *TMPL_add_var(TMPL_varlist *varlist, ...)
{
	const char *name, *value;
	va_list ap;

	va_start(ap, varlist);
	while ((name = va_arg(ap, const char *)) &&
	       (value = va_arg(ap, const char *))) {
		if (!varlist && !(varlist = calloc(1, sizeof *varlist)))
			break;
		if (add_one(varlist, name, value))
			varlist->oom = 1;
	}
	va_end(ap);
	return varlist;
}

TMPL_varlist *TMPL_add_loop(TMPL_varlist *varlist, const char *name,
                            TMPL_loop *loop)
{
	TMPL_loop **loops;

	if (!name || !loop || loop->parent)
		return varlist;
	/* refuse a cycle: varlist must not be a row inside loop */
	for (TMPL_varlist *vl = varlist; vl && vl->parent;
	     vl = vl->parent->parent)
		if (vl->parent == loop)
			return varlist;
	if (!varlist && !(varlist = calloc(1, sizeof *varlist)))
		return NULL;
	loops = tmpl__grow(varlist->loops, &varlist->caploops,
	                   varlist->nloops + 1, sizeof *loops);
	if (!loops || !(loop->name = strdup(name))) {
		varlist->oom = 1;
		if (loops)
			varlist->loops = loops;
		return varlist;
	}
	varlist->loops = loops;
	loop->hash = tmpl__hash_str(name);
	loop->parent = varlist;
	loops[varlist->nloops++] = loop;
	return varlist;
}

TMPL_loop *TMPL_add_varlist(TMPL_loop *loop, TMPL_varlist *varlist)
{
	TMPL_varlist **rows;

	if (!varlist || varlist->parent)
		return loop;
	/* refuse a cycle: loop must not hang below varlist */
	for (TMPL_loop *lp = loop; lp && lp->parent; lp = lp->parent->parent)
		if (lp->parent == varlist)
			return loop;
	if (!loop && !(loop = calloc(1, sizeof *loop)))
		return NULL;
	rows = tmpl__grow(loop->rows, &loop->caprows, loop->nrows + 1,
	                  sizeof *rows);
	if (!rows) {
		loop->oom = 1;
		return loop;
	}
	loop->rows = rows;
	varlist->parent = loop;
	rows[loop->nrows++] = varlist;
	return loop;
}

static void free_varlist(TMPL_varlist *vl);

static void free_loop(TMPL_loop *loop)
{
	for (size_t i = 0; i < loop->nrows; i++)
		free_varlist(loop->rows[i]);
	free(loop->rows);
	free(loop->name);
	free(loop);
}

static void free_varlist(TMPL_varlist *vl)
{
	for (size_t i = 0; i < vl->nvars; i++)
		free(vl->vars[i].name);
	for (size_t i = 0; i < vl->nloops; i++)
		free_loop(vl->loops[i]);
	free(vl->vars);
	free(vl->index);
	free(vl->loops);
	free(vl);
}

void TMPL_free_varlist(TMPL_varlist *varlist)
{
	if (varlist && !varlist->parent)
		free_varlist(varlist);
}

const char *tmpl__find_var(const TMPL_varlist *vl, const char *name, uint32_t h)
{
	if (vl->index) {
		size_t mask = vl->indexcap - 1;

		for (size_t j = h & mask; vl->index[j]; j = (j + 1) & mask) {
			const struct tvar *v = &vl->vars[vl->index[j] - 1];

			if (v->hash == h && !strcmp(v->name, name))
				return v->value;
		}
		return NULL;
	}
	for (size_t i = vl->nvars; i-- > 0;)
		if (vl->vars[i].hash == h && !strcmp(vl->vars[i].name, name))
			return vl->vars[i].value;
	return NULL;
}

const TMPL_loop *tmpl__find_loop(const TMPL_varlist *vl, const char *name,
                                 uint32_t h)
{
	for (size_t i = vl->nloops; i-- > 0;)
		if (vl->loops[i]->hash == h &&
		    !strcmp(vl->loops[i]->name, name))
			return vl->loops[i];
	return NULL;
}

/* -------------------------------------------------------------- formats */

struct TMPL_fmtlist {
	TMPL_fmtlist *next;
	TMPL_fmtfunc fn;
	char name[];
};

void TMPL_encode_entity(const char *value, FILE *out)
{
	const char *run = value, *ent;

	for (;; value++) {
		switch (*value) {
		case '&':
			ent = "&amp;";
			break;
		case '<':
			ent = "&lt;";
			break;
		case '>':
			ent = "&gt;";
			break;
		case '"':
			ent = "&quot;";
			break;
		case '\'':
			ent = "&#39;";
			break;
		case '\n': /* CR and LF as ctemplate: safe inside attributes */
			ent = "&#10;";
			break;
		case '\r':
			ent = "&#13;";
			break;
		case 0:
			fwrite(run, 1, (size_t)(value - run), out);
			return;
		default:
			continue;
		}
		fwrite(run, 1, (size_t)(value - run), out);
		fputs(ent, out);
		run = value + 1;
	}
}

void TMPL_encode_url(const char *value, FILE *out)
{
	static const char keep[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                           "abcdefghijklmnopqrstuvwxyz0123456789-._~";

	while (*value) {
		size_t n = strspn(value, keep);

		fwrite(value, 1, n, out);
		value += n;
		if (*value)
			fprintf(out, "%%%02X", (unsigned char)*value++);
	}
}

static void encode_raw(const char *value, FILE *out)
{
	fputs(value, out);
}

static const struct {
	const char *name;
	TMPL_fmtfunc fn;
} builtin_fmts[] = {
    {"entity", TMPL_encode_entity},
    {"url", TMPL_encode_url},
    {"raw", encode_raw},
};

TMPL_fmtlist *TMPL_add_fmt(TMPL_fmtlist *fmtlist, const char *name,
                           TMPL_fmtfunc fmtfunc)
{
	TMPL_fmtlist *f, *last = NULL;

	if (!name || !fmtfunc)
		return fmtlist;
	for (f = fmtlist; f; last = f, f = f->next)
		if (!strcmp(f->name, name)) {
			f->fn = fmtfunc;
			return fmtlist;
		}
	/* out of memory shows up later as "unknown fmt" at render time */
	f = malloc(sizeof *f + strlen(name) + 1);
	if (!f)
		return fmtlist;
	strcpy(f->name, name);
	f->fn = fmtfunc;
	f->next = NULL;
	if (!last)
		return f;
	last->next = f;
	return fmtlist;
}

void TMPL_free_fmtlist(TMPL_fmtlist *fmtlist)
{
	while (fmtlist) {
		TMPL_fmtlist *next = fmtlist->next;

		free(fmtlist);
		fmtlist = next;
	}
}

TMPL_fmtfunc tmpl__find_fmt(const TMPL_fmtlist *fl, const char *name)
{
	for (size_t i = 0; i < sizeof builtin_fmts / sizeof *builtin_fmts; i++)
		if (!strcmp(builtin_fmts[i].name, name))
			return builtin_fmts[i].fn;
	for (; fl; fl = fl->next)
		if (!strcmp(fl->name, name))
			return fl->fn;
	return NULL;
}
