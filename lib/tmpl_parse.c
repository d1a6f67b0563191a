/*
 * tmpl_parse.c — a template's text turned into the tree tmpl.c renders.
 *
 * The scanner reads one tag (<TMPL_x ...>, <!-- TMPL_x ... -->) with its
 * attributes; the parser keeps a stack of open IF and LOOP tags and hangs
 * text, VAR, IF (with its ELSIF/ELSE branches), LOOP, INCLUDE, BREAK and
 * CONTINUE nodes under them.  Every syntax error becomes a
 * "file:line: <tag> problem" message.
 */
#define _POSIX_C_SOURCE 200809L
#include "tmpl_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------- parse tree */

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

void tmpl__free(struct tmpl *t)
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
const char *tmpl__show(char *buf, const char *s, size_t len)
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
	         tmpl__show(shown, tag, taglen), msg);
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
	struct node *v = tmpl__grow(l->v, &l->cap, l->n + 1, sizeof *v);

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
	buf = tmpl__grow(t->text, &t->textcap, t->textlen + (size_t)(e - p),
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
	f = tmpl__grow(t->fmts, &t->capfmts, t->nfmts + 1, sizeof *f);
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
	struct open *st =
	    tmpl__grow(ps->stack, &ps->cap, ps->depth + 1, sizeof *st);

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
		            tmpl__show(shown, ps->t->src + top->off, top->len),
		            top->line);
	if (ps->stack[ps->depth - 1].else_seen && tag->def->kind != T_ENDIF)
		return perr(ps, tag->line, tag->start, len,
		            "comes after the <TMPL_ELSE> of this <TMPL_IF>");
	return 0;
}

static int add_branch(struct parser *ps, struct node *n, struct tag *tag)
{
	struct branch *b =
	    tmpl__grow(n->u.cond.v, &n->u.cond.cap, n->u.cond.n + 1, sizeof *b);

	if (!b)
		return oom(ps);
	n->u.cond.v = b;
	b = &b[n->u.cond.n++];
	memset(b, 0, sizeof *b);
	b->name = tag->attr[A_NAME];
	b->value = tag->attr[A_VALUE];
	tag->attr[A_NAME] = tag->attr[A_VALUE] = NULL;
	if (b->name)
		b->hash = tmpl__hash_str(b->name);
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
		n->u.var.hash = tmpl__hash_str(n->u.var.name);
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
		n->u.loop.hash = tmpl__hash_str(n->u.loop.name);
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
int tmpl__parse(struct tmpl *t, char *err, size_t errlen)
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

struct tmpl *tmpl__new(const char *name, char *src, size_t len)
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
