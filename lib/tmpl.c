/*
 * tmpl.c — the dashboard's template engine (ctemplate tag language).
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
 * Variable lists are arrays (amortised O(1) append) with a small open
 * addressing index once they grow past INDEX_MIN entries; parse-time hashes
 * of the names in tags make the per-row lookups a hash compare and strcmp.
 */
#define _POSIX_C_SOURCE 200809L
#include "tmpl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define INDEX_MIN 8  /* lists longer than this get a hash index */
#define SHOW_MAX  60 /* bytes of a tag quoted in an error message */

/* ------------------------------------------------------------ variables */

struct tvar {
	char *name; /* one allocation: name, NUL, value, NUL */
	const char *value;
	uint32_t hash;
};

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

struct TMPL_fmtlist {
	TMPL_fmtlist *next;
	TMPL_fmtfunc fn;
	char name[];
};

static uint32_t hash_mem(const char *s, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	while (n--) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

static uint32_t hash_str(const char *s)
{
	return hash_mem(s, strlen(s));
}

/* Makes room for `need` elements; returns the (maybe moved) array or NULL,
 * leaving the old array valid on failure. */
static void *grow(void *v, size_t *cap, size_t need, size_t size)
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

	vars = grow(vl->vars, &vl->capvars, vl->nvars + 1, sizeof *vars);
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
	vars[vl->nvars].hash = hash_mem(name, nl - 1);
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
	loops = grow(varlist->loops, &varlist->caploops, varlist->nloops + 1,
	             sizeof *loops);
	if (!loops || !(loop->name = strdup(name))) {
		varlist->oom = 1;
		if (loops)
			varlist->loops = loops;
		return varlist;
	}
	varlist->loops = loops;
	loop->hash = hash_str(name);
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
	rows = grow(loop->rows, &loop->caprows, loop->nrows + 1, sizeof *rows);
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

static const char *find_var(const TMPL_varlist *vl, const char *name,
                            uint32_t h)
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

static const TMPL_loop *find_loop(const TMPL_varlist *vl, const char *name,
                                  uint32_t h)
{
	for (size_t i = vl->nloops; i-- > 0;)
		if (vl->loops[i]->hash == h &&
		    !strcmp(vl->loops[i]->name, name))
			return vl->loops[i];
	return NULL;
}

/* -------------------------------------------------------------- formats */

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

static TMPL_fmtfunc find_fmt(const TMPL_fmtlist *fl, const char *name)
{
	for (size_t i = 0; i < sizeof builtin_fmts / sizeof *builtin_fmts; i++)
		if (!strcmp(builtin_fmts[i].name, name))
			return builtin_fmts[i].fn;
	for (; fl; fl = fl->next)
		if (!strcmp(fl->name, name))
			return fl->fn;
	return NULL;
}

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

static void free_nodelist(struct nodelist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct node *n = &l->v[i];

		if (n->kind == N_VAR) {
			free(n->u.var.name);
			free(n->u.var.dflt);
		} else if (n->kind == N_IF) {
			for (size_t b = 0; b < n->u.cond.n; b++) {
				free(n->u.cond.v[b].name);
				free(n->u.cond.v[b].value);
				free_nodelist(&n->u.cond.v[b].body);
			}
			free(n->u.cond.v);
		} else if (n->kind == N_LOOP) {
			free(n->u.loop.name);
			free_nodelist(&n->u.loop.body);
		} else if (n->kind == N_INCLUDE) {
			free(n->u.path);
		}
	}
	free(l->v);
}

static void free_tmpl(struct tmpl *t)
{
	if (!t)
		return;
	free_nodelist(&t->root);
	for (size_t i = 0; i < t->nfmts; i++)
		free(t->fmts[i].name);
	free(t->fmts);
	free(t->text);
	free(t->src);
	free(t->name);
	free(t);
}

/* Copies a tag for an error message: one line, at most SHOW_MAX bytes. */
static const char *show(char *buf, const char *s, size_t len)
{
	size_t n = len < SHOW_MAX ? len : SHOW_MAX;

	for (size_t i = 0; i < n; i++)
		buf[i] =
		    (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') ? ' ' : s[i];
	strcpy(buf + n, len > n ? "..." : "");
	return buf;
}

/* ------------------------------------------------------------- scanner */

enum tkind {
	T_VAR,
	T_IF,
	T_ELSIF,
	T_ELSE,
	T_ENDIF,
	T_LOOP,
	T_ENDLOOP,
	T_INCLUDE,
	T_BREAK,
	T_CONTINUE,
	T_COMMENT,
	T_ENDCOMMENT
};

enum attr { A_NAME, A_VALUE, A_DEFAULT, A_FMT, A_LEVEL, NATTR };

static const char *const attr_names[NATTR] = {"name", "value", "default", "fmt",
                                              "level"};

#define AT(a) (1u << (a))

static const struct tagdef {
	const char *word;
	enum tkind kind;
	unsigned attrs;
	int container; /* may not be written <TMPL_x ... /> */
} tagdefs[] = {
    {"TMPL_VAR", T_VAR, AT(A_NAME) | AT(A_DEFAULT) | AT(A_FMT), 0},
    {"TMPL_IF", T_IF, AT(A_NAME) | AT(A_VALUE), 1},
    {"TMPL_ELSIF", T_ELSIF, AT(A_NAME) | AT(A_VALUE), 0},
    {"TMPL_ELSE", T_ELSE, 0, 0},
    {"/TMPL_IF", T_ENDIF, 0, 1},
    {"TMPL_LOOP", T_LOOP, AT(A_NAME), 1},
    {"/TMPL_LOOP", T_ENDLOOP, 0, 1},
    {"TMPL_INCLUDE", T_INCLUDE, AT(A_NAME), 0},
    {"TMPL_BREAK", T_BREAK, AT(A_LEVEL), 0},
    {"TMPL_CONTINUE", T_CONTINUE, AT(A_LEVEL), 0},
    {"TMPL_COMMENT", T_COMMENT, 0, 1},
    {"/TMPL_COMMENT", T_ENDCOMMENT, 0, 1},
};

struct tag {
	const struct tagdef *def;
	const char *start, *end;
	int line;
	char *attr[NATTR];
};

/* An IF or LOOP waiting for its closing tag. */
struct open {
	struct node *node;
	int else_seen;
};

struct parser {
	struct tmpl *t;
	const char *end;
	const char *counted; /* newlines before this are in `line` */
	int line;
	struct open *stack;
	size_t depth, cap;
	int loops; /* LOOPs among the open tags */
	char *err;
	size_t errlen;
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static int line_at(struct parser *ps, const char *p)
{
	for (; ps->counted < p; ps->counted++)
		ps->line += *ps->counted == '\n';
	return ps->line;
}

__attribute__((format(printf, 5, 6))) static int perr(struct parser *ps,
                                                      int line, const char *tag,
                                                      size_t taglen,
                                                      const char *fmt, ...)
{
	char shown[SHOW_MAX + 4], msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->errlen, "%s:%d: %s %s", ps->t->name, line,
	         show(shown, tag, taglen), msg);
	return -1;
}

static int oom(struct parser *ps)
{
	snprintf(ps->err, ps->errlen, "%s: out of memory", ps->t->name);
	return -1;
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && is_space(*p))
		p++;
	return p;
}

/* Length of the tag from `start` up to and including the next '>' on its
 * line (but not into the next tag), for quoting a tag we could not parse. */
static size_t rough_len(const char *start, const char *end)
{
	const char *p = start + 1;

	while (p < end && *p != '>' && *p != '\n' && *p != '<')
		p++;
	return (size_t)(p - start) + (p < end && *p == '>');
}

/* An unquoted attribute name or value; stops before "/>" and "-->". */
static const char *scan_bare(const char *p, const char *end)
{
	while (p < end && !is_space(*p) && !strchr("\"'=<>", *p)) {
		if (*p == '/' && p + 1 < end && p[1] == '>')
			break;
		if (*p == '-' && end - p >= 3 && !memcmp(p, "-->", 3))
			break;
		p++;
	}
	return p;
}

/*
 * Reads one attribute (name=value, or a bare name for the name= shorthand)
 * at *pp into tag.  Returns 0 and advances *pp, or -1 with ps->err set.
 */
static int scan_attr(struct parser *ps, struct tag *tag, const char **pp)
{
	const char *p = *pp, *end = ps->end, *w = p, *we, *v, *ve;
	size_t tl = rough_len(tag->start, end);
	char quote = 0;
	int a;

	if (*p == '"' || *p == '\'') {
		quote = *p;
		we = memchr(p + 1, quote, (size_t)(end - p - 1));
		if (!we || memchr(p + 1, '\n', (size_t)(we - p - 1)))
			return perr(ps, tag->line, tag->start, tl,
			            "has an unterminated quoted value");
		w = p + 1;
		p = we + 1;
	} else {
		p = we = scan_bare(p, end);
		if (we == w)
			return perr(ps, tag->line, tag->start, tl,
			            "has a malformed attribute");
	}
	v = skip_space(p, end);
	if (v < end && *v == '=' && !quote) {
		for (a = 0; a < NATTR; a++)
			if ((size_t)(we - w) == strlen(attr_names[a]) &&
			    !strncasecmp(w, attr_names[a], (size_t)(we - w)))
				break;
		if (a == NATTR || !(tag->def->attrs & AT(a)))
			return perr(ps, tag->line, tag->start, tl,
			            "does not take the %.*s= attribute",
			            (int)(we - w), w);
		v = skip_space(v + 1, end);
		if (v < end && (*v == '"' || *v == '\'')) {
			ve = memchr(v + 1, *v, (size_t)(end - v - 1));
			if (!ve || memchr(v + 1, '\n', (size_t)(ve - v - 1)))
				return perr(ps, tag->line, tag->start, tl,
				            "has an unterminated quoted value");
			p = ve + 1;
			v++;
		} else {
			p = ve = scan_bare(v, end);
			if (ve == v)
				return perr(
				    ps, tag->line, tag->start, tl,
				    "has no value after %s=", attr_names[a]);
		}
	} else if (tag->def->attrs & AT(A_NAME)) {
		a = A_NAME; /* <TMPL_VAR x>: the HTML::Template shorthand */
		v = w;
		ve = we;
	} else {
		return perr(ps, tag->line, tag->start, tl,
		            "has a stray \"%.*s\"", (int)(we - w), w);
	}
	if (tag->attr[a])
		return perr(ps, tag->line, tag->start, tl, "has %s= twice",
		            attr_names[a]);
	if (!(tag->attr[a] = strndup(v, (size_t)(ve - v))))
		return oom(ps);
	*pp = p;
	return 0;
}

/*
 * Scans a tag starting at the '<' at p.  Returns 1 with tag filled in, 0 if
 * this '<' does not start a template tag (it is text), -1 on a bad tag.
 */
static int scan_tag(struct parser *ps, const char *p, struct tag *tag)
{
	const char *end = ps->end, *q = p + 1, *w;
	int commentish = 0;

	memset(tag, 0, sizeof *tag);
	tag->start = p;
	if (end - q >= 3 && !memcmp(q, "!--", 3)) {
		commentish = 1;
		q = skip_space(q + 3, end);
	}
	w = q;
	if (q < end && *q == '/')
		q++;
	if (end - q < 5 || strncasecmp(q, "TMPL_", 5))
		return 0;
	while (q < end && is_word(*q))
		q++;
	for (size_t i = 0; i < sizeof tagdefs / sizeof *tagdefs; i++)
		if (strlen(tagdefs[i].word) == (size_t)(q - w) &&
		    !strncasecmp(tagdefs[i].word, w, (size_t)(q - w)))
			tag->def = &tagdefs[i];
	if (!tag->def)
		return perr(ps, line_at(ps, p), p, rough_len(p, end),
		            "is not a known tag");
	tag->line = line_at(ps, p);
	for (int first = 1;; first = 0) {
		const char *s = q;

		q = skip_space(q, end);
		if (commentish && end - q >= 3 && !memcmp(q, "-->", 3)) {
			q += 3;
			break;
		}
		if (!commentish && q < end && *q == '>') {
			q++;
			break;
		}
		if (!commentish && end - q >= 2 && !memcmp(q, "/>", 2)) {
			if (tag->def->container)
				return perr(ps, tag->line, p,
				            (size_t)(q + 2 - p),
				            "cannot be self-closing");
			q += 2;
			break;
		}
		if (q == end || *q == '<' || *q == '>')
			return perr(ps, tag->line, p, (size_t)(s - p),
			            "is not terminated (expected \"%s\")",
			            commentish ? "-->" : ">");
		if (first && q == s)
			return perr(ps, tag->line, p, rough_len(p, end),
			            "needs a space after the tag name");
		if (scan_attr(ps, tag, &q))
			return -1;
	}
	tag->end = q;
	if ((tag->def->attrs & AT(A_NAME)) &&
	    (!tag->attr[A_NAME] || !*tag->attr[A_NAME]))
		return perr(ps, tag->line, p, (size_t)(q - p),
		            "has no name= attribute");
	return 1;
}

/* Finds the </TMPL_COMMENT> (or <!-- /TMPL_COMMENT -->) after p; returns
 * the first byte after it, or NULL. */
static const char *find_endcomment(const char *p, const char *end)
{
	while ((p = memchr(p, '<', (size_t)(end - p)))) {
		const char *q = p + 1;
		int commentish = end - q >= 3 && !memcmp(q, "!--", 3);

		if (commentish)
			q = skip_space(q + 3, end);
		p++;
		if (end - q < 13 || strncasecmp(q, "/TMPL_COMMENT", 13))
			continue;
		q = skip_space(q + 13, end);
		if (commentish && end - q >= 3 && !memcmp(q, "-->", 3))
			return q + 3;
		if (!commentish && q < end && *q == '>')
			return q + 1;
	}
	return NULL;
}

/* ------------------------------------------------------------- parser */

static struct nodelist *current(struct parser *ps)
{
	struct node *n;

	if (!ps->depth)
		return &ps->t->root;
	n = ps->stack[ps->depth - 1].node;
	if (n->kind == N_LOOP)
		return &n->u.loop.body;
	return &n->u.cond.v[n->u.cond.n - 1].body;
}

static struct node *add_node(struct parser *ps, enum kind kind,
                             const struct tag *tag)
{
	struct nodelist *l = current(ps);
	struct node *v = grow(l->v, &l->cap, l->n + 1, sizeof *v);

	if (!v)
		return NULL;
	l->v = v;
	v = &v[l->n++];
	memset(v, 0, sizeof *v);
	v->kind = kind;
	if (tag) {
		v->line = tag->line;
		v->off = (size_t)(tag->start - ps->t->src);
		v->len = (size_t)(tag->end - tag->start);
	}
	return v;
}

/* Appends the text [p, e) with ctemplate's line continuation: a backslash
 * at the end of a line removes itself and the newline; "\\" at the end of
 * a line leaves one backslash and the newline. */
static int add_text(struct parser *ps, const char *p, const char *e)
{
	struct tmpl *t = ps->t;
	struct nodelist *l = current(ps);
	struct node *last = l->n ? &l->v[l->n - 1] : NULL;
	size_t start = t->textlen;
	char *buf;

	if (p == e)
		return 0;
	buf = grow(t->text, &t->textcap, t->textlen + (size_t)(e - p),
	           sizeof *buf);
	if (!buf)
		return oom(ps);
	t->text = buf;
	while (p < e) {
		if (*p == '\\') {
			const char *k = p + 1 + (p + 1 < e && p[1] == '\\');

			k += k < e && *k == '\r';
			if (k < e && *k == '\n') {
				if (p[1] == '\\') {
					buf[t->textlen++] = '\\';
					p += 2;
				} else {
					p = k + 1;
				}
				continue;
			}
		}
		buf[t->textlen++] = *p++;
	}
	if (t->textlen == start)
		return 0;
	if (last && last->kind == N_TEXT &&
	    last->u.text.off + last->u.text.len == start) {
		last->u.text.len += t->textlen - start;
		return 0;
	}
	if (!(last = add_node(ps, N_TEXT, NULL)))
		return oom(ps);
	last->u.text.off = start;
	last->u.text.len = t->textlen - start;
	return 0;
}

static int fmt_index(struct parser *ps, char *name, const struct node *n)
{
	struct tmpl *t = ps->t;
	struct fmtref *f;

	for (size_t i = 0; i < t->nfmts; i++)
		if (!strcmp(t->fmts[i].name, name)) {
			free(name);
			return (int)i;
		}
	f = grow(t->fmts, &t->capfmts, t->nfmts + 1, sizeof *f);
	if (!f) {
		free(name);
		return -1;
	}
	t->fmts = f;
	f[t->nfmts] = (struct fmtref){name, n->line, n->off, n->len};
	return (int)t->nfmts++;
}

static char *include_path(const char *parent, const char *name)
{
	const char *slash = strrchr(parent, '/');
	size_t dl = slash ? (size_t)(slash - parent + 1) : 0;
	char *path;

	if (name[0] == '/')
		return strdup(name);
	if (!strncmp(name, ".../", 4))
		name += 4;
	path = malloc(dl + strlen(name) + 1);
	if (path) {
		memcpy(path, parent, dl);
		strcpy(path + dl, name);
	}
	return path;
}

/* Level of a BREAK/CONTINUE: 1 by default, at most the loops open here. */
static int jump_level(struct parser *ps, const struct tag *tag)
{
	const char *s = tag->attr[A_LEVEL];
	size_t len = (size_t)(tag->end - tag->start);
	long level = 1;
	char *e;

	if (!ps->loops)
		return perr(ps, tag->line, tag->start, len,
		            "is not inside a <TMPL_LOOP> of this file");
	if (s) {
		errno = 0;
		level = strtol(s, &e, 10);
		if (*s < '0' || *s > '9' || *e || errno || level < 1 ||
		    level > ps->loops)
			return perr(ps, tag->line, tag->start, len,
			            "level must be between 1 and %d here",
			            ps->loops);
	}
	return (int)level;
}

static int push(struct parser *ps, struct node *n)
{
	struct open *st = grow(ps->stack, &ps->cap, ps->depth + 1, sizeof *st);

	if (!st)
		return oom(ps);
	ps->stack = st;
	st[ps->depth++] = (struct open){n, 0};
	return 0;
}

/* Checks that the innermost open tag is of `kind` for an ELSIF, ELSE or
 * closing tag. */
static int expect_open(struct parser *ps, const struct tag *tag, enum kind kind,
                       const char *opener)
{
	char shown[SHOW_MAX + 4];
	const struct node *top;
	size_t len = (size_t)(tag->end - tag->start);

	if (!ps->depth)
		return perr(ps, tag->line, tag->start, len,
		            "has no matching <%s>", opener);
	top = ps->stack[ps->depth - 1].node;
	if (top->kind != kind)
		return perr(ps, tag->line, tag->start, len,
		            "found while %s (line %d) is still open",
		            show(shown, ps->t->src + top->off, top->len),
		            top->line);
	if (ps->stack[ps->depth - 1].else_seen && tag->def->kind != T_ENDIF)
		return perr(ps, tag->line, tag->start, len,
		            "comes after the <TMPL_ELSE> of this <TMPL_IF>");
	return 0;
}

static int add_branch(struct parser *ps, struct node *n, struct tag *tag)
{
	struct branch *b =
	    grow(n->u.cond.v, &n->u.cond.cap, n->u.cond.n + 1, sizeof *b);

	if (!b)
		return oom(ps);
	n->u.cond.v = b;
	b = &b[n->u.cond.n++];
	memset(b, 0, sizeof *b);
	b->name = tag->attr[A_NAME];
	b->value = tag->attr[A_VALUE];
	tag->attr[A_NAME] = tag->attr[A_VALUE] = NULL;
	if (b->name)
		b->hash = hash_str(b->name);
	return 0;
}

static int handle_tag(struct parser *ps, struct tag *tag, const char **pp)
{
	struct node *n = NULL;
	enum kind k = N_TEXT;
	const char *close;
	int level;

	switch (tag->def->kind) {
	case T_VAR:
		if (!(n = add_node(ps, N_VAR, tag)))
			return oom(ps);
		n->u.var.name = tag->attr[A_NAME];
		n->u.var.hash = hash_str(n->u.var.name);
		n->u.var.dflt = tag->attr[A_DEFAULT];
		n->u.var.fmt = -1;
		tag->attr[A_NAME] = tag->attr[A_DEFAULT] = NULL;
		if (tag->attr[A_FMT]) {
			n->u.var.fmt = fmt_index(ps, tag->attr[A_FMT], n);
			tag->attr[A_FMT] = NULL;
			if (n->u.var.fmt < 0)
				return oom(ps);
		}
		return 0;
	case T_INCLUDE:
		if (!(n = add_node(ps, N_INCLUDE, tag)) ||
		    !(n->u.path = include_path(ps->t->name, tag->attr[A_NAME])))
			return oom(ps);
		return 0;
	case T_IF:
		if (!(n = add_node(ps, N_IF, tag)) || add_branch(ps, n, tag))
			return oom(ps);
		return push(ps, n);
	case T_ELSIF:
	case T_ELSE:
		if (expect_open(ps, tag, N_IF, "TMPL_IF"))
			return -1;
		ps->stack[ps->depth - 1].else_seen = tag->def->kind == T_ELSE;
		return add_branch(ps, ps->stack[ps->depth - 1].node, tag);
	case T_ENDIF:
	case T_ENDLOOP:
		k = tag->def->kind == T_ENDIF ? N_IF : N_LOOP;
		if (expect_open(ps, tag, k,
		                k == N_IF ? "TMPL_IF" : "TMPL_LOOP"))
			return -1;
		ps->depth--;
		ps->loops -= k == N_LOOP;
		return 0;
	case T_LOOP:
		if (!(n = add_node(ps, N_LOOP, tag)))
			return oom(ps);
		n->u.loop.name = tag->attr[A_NAME];
		n->u.loop.hash = hash_str(n->u.loop.name);
		tag->attr[A_NAME] = NULL;
		ps->loops++;
		return push(ps, n);
	case T_BREAK:
	case T_CONTINUE:
		if ((level = jump_level(ps, tag)) < 0)
			return -1;
		k = tag->def->kind == T_BREAK ? N_BREAK : N_CONTINUE;
		if (!(n = add_node(ps, k, tag)))
			return oom(ps);
		n->u.level = level;
		return 0;
	case T_COMMENT:
		if (!(close = find_endcomment(tag->end, ps->end)))
			return perr(ps, tag->line, tag->start,
			            (size_t)(tag->end - tag->start),
			            "is never closed");
		*pp = close;
		return 0;
	case T_ENDCOMMENT:
		return perr(ps, tag->line, tag->start,
		            (size_t)(tag->end - tag->start),
		            "has no matching <TMPL_COMMENT>");
	}
	return 0;
}

/* Parses t->src into t->root; returns 0 or -1 with err set. */
static int parse(struct tmpl *t, char *err, size_t errlen)
{
	struct parser ps = {.t = t,
	                    .end = t->src + t->srclen,
	                    .counted = t->src,
	                    .line = 1,
	                    .err = err,
	                    .errlen = errlen};
	const char *p = t->src, *q = p;
	int rc = 0;

	while (!rc && (q = memchr(q, '<', (size_t)(ps.end - q)))) {
		struct tag tag;
		const char *e;
		int r;

		if (q + 1 < ps.end && q[1] == '*') { /* <* comment *> */
			for (e = q + 2; ps.end - e >= 2; e++)
				if (e[0] == '*' && e[1] == '>')
					break;
			if (ps.end - e < 2) {
				rc =
				    perr(&ps, line_at(&ps, q), q, 2, "%s",
				         "comment is never closed (no \"*>\")");
				break;
			}
			rc = add_text(&ps, p, q);
			p = q = e + 2;
			continue;
		}
		r = scan_tag(&ps, q, &tag);
		if (r == 0) {
			q++;
			continue;
		}
		if (r > 0 && !(rc = add_text(&ps, p, q))) {
			p = q = tag.end;
			rc = handle_tag(&ps, &tag, &p);
			q = p;
		} else if (r < 0) {
			rc = -1;
		}
		for (int a = 0; a < NATTR; a++)
			free(tag.attr[a]);
	}
	if (!rc)
		rc = add_text(&ps, p, ps.end);
	if (!rc && ps.depth) {
		const struct node *n = ps.stack[ps.depth - 1].node;

		rc = perr(&ps, n->line, t->src + n->off, n->len,
		          "is never closed");
	}
	free(ps.stack);
	return rc;
}

static struct tmpl *new_tmpl(const char *name, char *src, size_t len)
{
	struct tmpl *t = calloc(1, sizeof *t);

	if (!t || !(t->name = strdup(name))) {
		free(t);
		return NULL;
	}
	t->src = src;
	t->srclen = len;
	return t;
}

/* ---------------------------------------------------------------- cache */

static struct {
	struct tmpl *head;
	unsigned gen; /* bumped per render: each file is stat()ed once */
	int busy;     /* a render is running */
} cache;

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_size == b->st_size && a->st_ino == b->st_ino &&
	       a->st_dev == b->st_dev;
}

/* Reads a regular file whole; returns the NUL-terminated contents or NULL
 * with errno set. */
static char *read_file(const char *path, struct stat *st, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), saved;
	char *buf = NULL;
	size_t got = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, st))
		goto fail;
	if (!S_ISREG(st->st_mode)) {
		errno = S_ISDIR(st->st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	if (!(buf = malloc((size_t)st->st_size + 1)))
		goto fail;
	while (got < (size_t)st->st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st->st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* shrank under us: parse what is there */
		got += (size_t)n;
	}
	close(fd);
	buf[got] = 0;
	*len = got;
	return buf;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return NULL;
}

static void cache_drop(struct tmpl *t)
{
	for (struct tmpl **pp = &cache.head; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			free_tmpl(t);
			return;
		}
}

/*
 * Returns the parsed template for path, re-reading it if it changed since
 * it was parsed.  On failure returns NULL: with err set for a syntax error,
 * or with err empty and errno set if the file could not be read.
 */
static struct tmpl *cache_get(const char *path, char *err, size_t errlen)
{
	struct tmpl *t, *old;
	struct stat st;
	size_t len;
	char *src;

	err[0] = 0;
	for (old = cache.head; old; old = old->next)
		if (!strcmp(old->name, path))
			break;
	if (old && old->gen == cache.gen)
		return old;
	if (old && !stat(path, &st) && same_file(&st, &old->st)) {
		old->gen = cache.gen;
		return old;
	}
	/* first use in this render, so the old tree is not being walked */
	if (old)
		cache_drop(old);
	if (!(src = read_file(path, &st, &len)))
		return NULL;
	if (!(t = new_tmpl(path, src, len))) {
		free(src);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	if (parse(t, err, errlen)) {
		free_tmpl(t);
		return NULL;
	}
	t->st = st;
	t->gen = cache.gen;
	t->next = cache.head;
	cache.head = t;
	return t;
}

void TMPL_clear_cache(void)
{
	if (cache.busy)
		return;
	while (cache.head)
		cache_drop(cache.head);
}

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
	         show(shown, t->src + n->off, n->len), msg);
	return -1;
}

static const char *lookup_var(const struct render *r, const char *name,
                              uint32_t h)
{
	for (size_t i = r->nscope; i-- > 0;) {
		const char *v = find_var(r->scope[i], name, h);

		if (v)
			return v;
	}
	return NULL;
}

static const TMPL_loop *lookup_loop(const struct render *r, const char *name,
                                    uint32_t h)
{
	for (size_t i = r->nscope; i-- > 0;) {
		const TMPL_loop *l = find_loop(r->scope[i], name, h);

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
	sc = grow(r->scope, &r->capscope, r->nscope + 1, sizeof *sc);
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
	if (!(t2 = cache_get(n->u.path, inner, sizeof inner))) {
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

		if (!(fns[i] = find_fmt(r->fmtlist, f->name)))
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
	if (cache.busy) {
		snprintf(r.err, r.errlen, "TMPL_render: %s",
		         "called from inside a format function");
		return -1;
	}
	if (!filename && !tmplstr) {
		snprintf(r.err, r.errlen, "TMPL_render: no template given");
		return -1;
	}
	if (!(r.deflt = find_fmt(fmtlist, dfmt))) {
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
	cache.busy = 1;
	cache.gen++;
	if (tmplstr) {
		char *src = strdup(tmplstr);

		if (!src || !(t = new_tmpl(filename ? filename : "(string)",
		                           src, strlen(src)))) {
			free(src);
			snprintf(r.err, r.errlen, "TMPL_render: out of memory");
			goto done;
		}
		if (parse(t, r.err, r.errlen))
			goto done;
	} else if (!(t = cache_get(filename, r.err, r.errlen))) {
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
		r.scope = grow(NULL, &r.capscope, 8, sizeof *r.scope);
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
		free_tmpl(t);
	free(r.scope);
	cache.busy = 0;
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
