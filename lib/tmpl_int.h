/*
 * tmpl_int.h — PRIVATE to lib/tmpl*.c; include it nowhere else (the public
 * API is tmpl.h).
 *
 * What the parts of the template engine share: the variable lists and
 * loops the renderer reads (tmpl_vars.c builds them), the parse tree
 * (tmpl_parse.c builds it, tmpl_cache.c keeps it, tmpl.c walks it), and the
 * few functions that cross those files.
 */
#ifndef CSMS_TMPL_INT_H
#define CSMS_TMPL_INT_H

#include "tmpl.h"
#include "hash.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SHOW_MAX 60 /* bytes of a tag quoted in an error message */

/* ------------------------------------------------------------ variables */

struct tvar; /* one name/value pair, private to tmpl_vars.c */

struct TMPL_varlist {
	struct tvar *vars;
	size_t nvars, capvars;
	uint32_t *index; /* var position + 1, 0 = empty slot */
	size_t indexcap; /* power of two, or 0 */
	TMPL_loop **loops;
	size_t nloops, caploops;
	TMPL_loop *parent; /* the loop this list is a row of */
	int oom;
};

struct TMPL_loop {
	char *name;
	uint32_t hash;
	TMPL_varlist **rows;
	size_t nrows, caprows;
	TMPL_varlist *parent; /* the list this loop is attached to */
	int oom;
};

/* Small helpers every part uses, static inline so nothing more is exported. */

static inline uint32_t tmpl__hash_mem(const char *s, size_t n)
{
	return fnv1a32_mem(FNV1A32_INIT, s, n);
}

static inline uint32_t tmpl__hash_str(const char *s)
{
	return tmpl__hash_mem(s, strlen(s));
}

/* Makes room for `need` elements; returns the (maybe moved) array or NULL,
 * leaving the old array valid on failure. */
static inline void *tmpl__grow(void *v, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 4;

	if (need <= *cap)
		return v;
	while (n < need)
		n *= 2;
	v = realloc(v, n * size);
	if (v)
		*cap = n;
	return v;
}

/* The value of name (hash h = tmpl__hash_str(name)) in vl itself, or NULL;
 * the last value added wins. */
const char *tmpl__find_var(const TMPL_varlist *vl, const char *name,
                           uint32_t h);
/* The loop called name in vl itself, or NULL. */
const TMPL_loop *tmpl__find_loop(const TMPL_varlist *vl, const char *name,
                                 uint32_t h);
/* The format called name: a built-in, else from fl; NULL if unknown. */
TMPL_fmtfunc tmpl__find_fmt(const TMPL_fmtlist *fl, const char *name);

/* ---------------------------------------------------------- parse tree */

enum kind { N_TEXT, N_VAR, N_IF, N_LOOP, N_INCLUDE, N_BREAK, N_CONTINUE };

struct nodelist {
	struct node *v;
	size_t n, cap;
};

/* One arm of an IF: the IF itself, an ELSIF, or the ELSE (name NULL). */
struct branch {
	char *name, *value; /* value NULL: no value= attribute */
	uint32_t hash;
	struct nodelist body;
};

struct node {
	enum kind kind;
	int line;
	size_t off, len; /* the tag in the source, quoted in errors */
	union {
		struct {
			size_t off, len; /* in tmpl.text */
		} text;
		struct {
			char *name, *dflt;
			uint32_t hash;
			int fmt; /* index into tmpl.fmts, -1: the default */
		} var;
		struct {
			struct branch *v;
			size_t n, cap;
		} cond;
		struct {
			char *name;
			uint32_t hash;
			struct nodelist body;
		} loop;
		char *path; /* INCLUDE, resolved against the template's dir */
		int level;  /* BREAK, CONTINUE */
	} u;
};

/* A fmt= name used in the template and the first tag using it. */
struct fmtref {
	char *name;
	int line;
	size_t off, len;
};

struct tmpl {
	char *name; /* as given; cache key and the name in messages */
	char *src;
	size_t srclen;
	char *text; /* text between tags, backslash-newlines removed */
	size_t textlen, textcap;
	struct nodelist root;
	struct fmtref *fmts;
	size_t nfmts, capfmts;
	struct stat st; /* of the file when it was read */
	unsigned gen;   /* render that last checked st */
	struct tmpl *next;
};

/* A template named name (copied; cache key and name in messages) over src,
 * which it owns from then on; NULL when out of memory (src is not freed). */
struct tmpl *tmpl__new(const char *name, char *src, size_t len);
/* Parses t->src into t->root; returns 0 or -1 with err set. */
int tmpl__parse(struct tmpl *t, char *err, size_t errlen);
/* Frees t with its tree and source; NULL is a no-op. */
void tmpl__free(struct tmpl *t);
/* Copies a tag for an error message into buf (SHOW_MAX + 4 bytes): one
 * line, at most SHOW_MAX bytes; returns buf. */
const char *tmpl__show(char *buf, const char *s, size_t len);

/* ---------------------------------------------------------------- cache */

/*
 * Returns the parsed template for path, re-reading it if it changed since
 * it was parsed.  On failure returns NULL: with err set for a syntax error,
 * or with err empty and errno set if the file could not be read.
 */
struct tmpl *tmpl__cache_get(const char *path, char *err, size_t errlen);
/* Brackets one render: while it runs each file is stat()ed at most once
 * and TMPL_clear_cache does nothing; a second render is refused. */
int tmpl__cache_busy(void);
void tmpl__cache_begin(void);
void tmpl__cache_end(void);

#endif
