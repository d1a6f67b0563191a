/*
 * ocpp_schema.c — the OCPP 1.6 JSON schemas, compiled once, walked per
 * message.
 *
 * Loading turns every schema (a cJSON tree full of strings) into a tree of
 * small `struct node`s: type as a bit mask, properties as a sorted array for
 * binary search, required names as indices into it, $ref resolved to a
 * pointer.  All of it lives in one arena owned by the ocpp_schemas set, so
 * there is exactly one free.  Validation then never touches schema text and
 * allocates nothing; the JSON path for the error message is a chain of stack
 * frames that is only rendered when something is wrong.
 *
 * Only the keywords the OCPP 1.6 schemas use are implemented (draft-07
 * semantics: each keyword applies only to values of its own type).  Any other
 * keyword is a load error rather than silently ignored.
 */
#include "ocpp_schema.h"
#include "timeutil.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena: every compiled byte, freed in one go ---- */

#define ARENA_BLOCK 16384

struct block {
	struct block *next;
	size_t used, cap;
	max_align_t data[];
};

struct arena {
	struct block *head;
};

static void *arena_alloc(struct arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	struct block *b = a->head;
	void *p;

	n = (n + align - 1) / align * align;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;

		b = malloc(sizeof *b + cap);
		if (!b)
			return NULL;
		b->used = 0;
		b->cap = cap;
		/* An oversized block is used up at once; keep filling the
		 * current one. */
		if (cap == n && a->head) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	p = (char *)b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

static char *arena_strdup(struct arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = arena_alloc(a, n);

	if (d)
		memcpy(d, s, n);
	return d;
}

static void arena_free(struct arena *a)
{
	struct block *b = a->head, *next;

	for (; b; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
}

/* ---- the compiled form ---- */

enum {
	T_NULL = 1,
	T_BOOLEAN = 2,
	T_INTEGER = 4,
	T_NUMBER = 8,
	T_STRING = 16,
	T_ARRAY = 32,
	T_OBJECT = 64,
	T_ANY = 127,
};

static const struct {
	const char *name;
	unsigned bit;
} type_names[] = {
    {"null", T_NULL},     {"boolean", T_BOOLEAN}, {"integer", T_INTEGER},
    {"number", T_NUMBER}, {"string", T_STRING},   {"array", T_ARRAY},
    {"object", T_OBJECT},
};

enum { F_MAX_LENGTH = 1, F_MIN_ITEMS = 2, F_MULTIPLE_OF = 4, F_CLOSED = 8 };

enum { FMT_NONE, FMT_DATE_TIME, FMT_URI };

struct node;

struct prop {
	const char *name;
	const struct node *schema; /* NULL: anything goes */
	int declared; /* 0: only named in "required", not in "properties" */
};

struct node {
	struct prop *props; /* sorted by name */
	uint16_t *required; /* indices into props, in schema order */
	const char **enums;
	const struct node *items;
	const struct node *additional; /* schema for undeclared properties */
	double multiple_of;
	uint32_t max_length, min_items;
	uint16_t nprops, nrequired, nenums;
	uint8_t types, flags, format;
};

struct ocpp_schema {
	const char *name; /* "BootNotification.req" */
	const struct node *root;
};

struct entry {
	const char *action;
	const ocpp_schema *req, *conf;
};

struct ocpp_schemas {
	struct arena arena;
	struct entry *entries; /* sorted by action */
	size_t nentries, nschemas;
};

/* A JSON path as a chain of frames on the C stack; key NULL means index. */
struct path {
	const struct path *up;
	const char *key;
	int index;
};

/* ---- bounded message writing ---- */

struct out {
	char *buf;
	size_t cap, len;
};

static void out_init(struct out *o, char *buf, size_t cap)
{
	o->buf = buf;
	o->cap = buf ? cap : 0;
	o->len = 0;
	if (o->cap)
		buf[0] = '\0';
}

static int is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

static void out_bytes(struct out *o, const char *s, size_t n)
{
	size_t room;

	if (!o->cap)
		return;
	room = o->cap - 1 - o->len;
	if (n > room) {
		/* never leave half a UTF-8 sequence at the cut */
		n = room;
		while (n > 0 && is_cont((unsigned char)s[n]))
			n--;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void out_str(struct out *o, const char *s)
{
	out_bytes(o, s, strlen(s));
}

static void out_fmt(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void out_fmt(struct out *o, const char *fmt, ...)
{
	char tmp[160];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	out_bytes(o, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/*
 * Length of the well-formed UTF-8 sequence at s (1..4), or 0.  Rejects
 * overlong forms, surrogates and code points past U+10FFFF.  A NUL is never a
 * continuation byte, so this cannot read past the end of a C string.
 */
static int utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return is_cont(s[1]) ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
		unsigned char hi = c == 0xED ? 0x9F : 0xBF;

		if (s[1] < lo || s[1] > hi || !is_cont(s[2]))
			return 0;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
		unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;

		if (s[1] < lo || s[1] > hi || !is_cont(s[2]) || !is_cont(s[3]))
			return 0;
		return 4;
	}
	return 0;
}

/*
 * Untrusted text into a message: at most max bytes, control characters and
 * broken UTF-8 as '?', quotes escaped when quoted, so the message is always
 * safe to log and to put into a CALLERROR.
 */
static void out_clean(struct out *o, const char *s, size_t max, int quoted)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t done = 0;

	if (quoted)
		out_str(o, "\"");
	while (*p) {
		int n = utf8_len(p);

		if (done >= max) {
			out_str(o, "...");
			break;
		}
		if (n == 0 || *p < 0x20 || *p == 0x7F) {
			out_str(o, "?");
			n = 1;
		} else if (quoted && (*p == '"' || *p == '\\')) {
			out_str(o, "\\");
			out_bytes(o, (const char *)p, 1);
		} else {
			out_bytes(o, (const char *)p, (size_t)n);
		}
		p += n;
		done += (size_t)n;
	}
	if (quoted)
		out_str(o, "\"");
}

static void out_path(struct out *o, const struct path *p)
{
	if (!p)
		return;
	out_path(o, p->up);
	if (p->key) {
		if (p->up)
			out_str(o, ".");
		out_clean(o, p->key, 64, 0);
	} else {
		out_fmt(o, "[%d]", p->index);
	}
}

static void out_types(struct out *o, unsigned types)
{
	const char *sep = "";

	for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
		if (types & type_names[i].bit) {
			out_str(o, sep);
			out_str(o, type_names[i].name);
			sep = " or ";
		}
	}
}

/* ---- compiling ---- */

struct memo {
	const cJSON *src;
	struct node *node;
};

struct compiler {
	struct arena *arena;
	const cJSON *root; /* the schema $ref pointers are resolved in */
	const char *id;
	struct memo *memo; /* $ref targets compiled so far */
	size_t nmemo, capmemo;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4))) static int
compile_error(struct compiler *c, const struct path *at, const char *fmt, ...)
{
	struct out o;
	char tmp[256];
	va_list ap;

	out_init(&o, c->err, c->errlen);
	out_str(&o, c->id ? c->id : "schema");
	out_str(&o, ": ");
	if (at) {
		out_path(&o, at);
		out_str(&o, ": ");
	}
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	out_str(&o, tmp);
	return -1;
}

static int oom(struct compiler *c)
{
	return compile_error(c, NULL, "out of memory");
}

static struct node *compile(struct compiler *c, const cJSON *s,
                            const struct path *at);

static int count_uint(const cJSON *v, uint32_t *out)
{
	double d = v->valuedouble;

	if (!cJSON_IsNumber(v) || !(d >= 0 && d <= UINT32_MAX) ||
	    d != (double)(uint32_t)d)
		return -1;
	*out = (uint32_t)d;
	return 0;
}

static int kw_type(struct compiler *c, struct node *n, const cJSON *v,
                   const struct path *at)
{
	const cJSON *t = cJSON_IsArray(v) ? v->child : v;

	n->types = 0;
	for (; t; t = cJSON_IsArray(v) ? t->next : NULL) {
		size_t i;

		for (i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
			if (cJSON_IsString(t) &&
			    !strcmp(t->valuestring, type_names[i].name))
				break;
		if (i == sizeof type_names / sizeof type_names[0])
			return compile_error(c, at, "unknown type");
		n->types |= type_names[i].bit;
	}
	if (!n->types)
		return compile_error(c, at, "empty type list");
	return 0;
}

/* "properties" and "required" are built together once both are known. */
static int kw_properties(struct compiler *c, struct node *n, const cJSON *v,
                         const struct path *at)
{
	(void)n;
	if (!cJSON_IsObject(v))
		return compile_error(c, at, "must be an object");
	return 0;
}

static int kw_required(struct compiler *c, struct node *n, const cJSON *v,
                       const struct path *at)
{
	const cJSON *r;

	(void)n;
	if (!cJSON_IsArray(v))
		return compile_error(c, at, "must be an array");
	cJSON_ArrayForEach(r, v)
	{
		if (!cJSON_IsString(r))
			return compile_error(c, at, "names must be strings");
	}
	return 0;
}

static int kw_additional(struct compiler *c, struct node *n, const cJSON *v,
                         const struct path *at)
{
	if (cJSON_IsFalse(v)) {
		n->flags |= F_CLOSED;
		return 0;
	}
	if (cJSON_IsTrue(v))
		return 0;
	n->additional = compile(c, v, at);
	return n->additional ? 0 : -1;
}

static int kw_items(struct compiler *c, struct node *n, const cJSON *v,
                    const struct path *at)
{
	if (!cJSON_IsObject(v))
		return compile_error(c, at,
		                     "only a single schema is supported");
	n->items = compile(c, v, at);
	return n->items ? 0 : -1;
}

static int kw_min_items(struct compiler *c, struct node *n, const cJSON *v,
                        const struct path *at)
{
	if (count_uint(v, &n->min_items))
		return compile_error(c, at, "must be a non-negative integer");
	n->flags |= F_MIN_ITEMS;
	return 0;
}

static int kw_max_length(struct compiler *c, struct node *n, const cJSON *v,
                         const struct path *at)
{
	if (count_uint(v, &n->max_length))
		return compile_error(c, at, "must be a non-negative integer");
	n->flags |= F_MAX_LENGTH;
	return 0;
}

static int kw_enum(struct compiler *c, struct node *n, const cJSON *v,
                   const struct path *at)
{
	int count = cJSON_GetArraySize(v);
	const cJSON *e;
	size_t i = 0;

	if (!cJSON_IsArray(v) || count < 1 || count > UINT16_MAX)
		return compile_error(c, at, "must be a non-empty array");
	n->enums = arena_alloc(c->arena, (size_t)count * sizeof *n->enums);
	if (!n->enums)
		return oom(c);
	cJSON_ArrayForEach(e, v)
	{
		if (!cJSON_IsString(e))
			return compile_error(
			    c, at, "only string values are supported");
		n->enums[i] = arena_strdup(c->arena, e->valuestring);
		if (!n->enums[i++])
			return oom(c);
	}
	n->nenums = (uint16_t)count;
	return 0;
}

static int kw_format(struct compiler *c, struct node *n, const cJSON *v,
                     const struct path *at)
{
	if (cJSON_IsString(v) && !strcmp(v->valuestring, "date-time"))
		n->format = FMT_DATE_TIME;
	else if (cJSON_IsString(v) && !strcmp(v->valuestring, "uri"))
		n->format = FMT_URI;
	else
		return compile_error(c, at, "unsupported format");
	return 0;
}

static int kw_multiple_of(struct compiler *c, struct node *n, const cJSON *v,
                          const struct path *at)
{
	if (!cJSON_IsNumber(v) || !(v->valuedouble > 0))
		return compile_error(c, at, "must be a positive number");
	n->multiple_of = v->valuedouble;
	n->flags |= F_MULTIPLE_OF;
	return 0;
}

typedef int (*keyword_fn)(struct compiler *, struct node *, const cJSON *,
                          const struct path *);

/* Every keyword a schema may contain; fn NULL marks annotations. */
static const struct {
	const char *name;
	keyword_fn fn;
} keywords[] = {
    {"type", kw_type},
    {"properties", kw_properties},
    {"required", kw_required},
    {"additionalProperties", kw_additional},
    {"items", kw_items},
    {"minItems", kw_min_items},
    {"maxLength", kw_max_length},
    {"enum", kw_enum},
    {"format", kw_format},
    {"multipleOf", kw_multiple_of},
    {"$id", NULL},
    {"$schema", NULL},
    {"$comment", NULL},
    {"title", NULL},
    {"description", NULL},
    {"default", NULL},
    {"examples", NULL},
    {"definitions", NULL}, /* compiled when a $ref reaches them */
};

static int prop_cmp(const void *a, const void *b)
{
	return strcmp(((const struct prop *)a)->name,
	              ((const struct prop *)b)->name);
}

static const struct prop *find_prop(const struct node *n, const char *name)
{
	struct prop key = {.name = name};

	if (!n->nprops)
		return NULL;
	return bsearch(&key, n->props, n->nprops, sizeof key, prop_cmp);
}

static int build_props(struct compiler *c, struct node *n, const cJSON *props,
                       const cJSON *req, const struct path *at)
{
	size_t max =
	    (size_t)cJSON_GetArraySize(props) + (size_t)cJSON_GetArraySize(req);
	struct path here = {at, "properties", 0};
	const cJSON *p;

	if (max > UINT16_MAX)
		return compile_error(c, at, "too many properties");
	if (!max)
		return 0;
	n->props = arena_alloc(c->arena, max * sizeof *n->props);
	if (!n->props)
		return oom(c);
	cJSON_ArrayForEach(p, props)
	{
		struct path name = {&here, p->string, 0};
		struct prop *np = &n->props[n->nprops++];

		np->name = arena_strdup(c->arena, p->string);
		np->schema = compile(c, p, &name);
		np->declared = 1;
		if (!np->name)
			return oom(c);
		if (!np->schema)
			return -1;
	}
	/* A required name "properties" does not list still has to be found
	 * by name, so it gets an undeclared entry. */
	cJSON_ArrayForEach(p, req)
	{
		size_t i;

		for (i = 0; i < n->nprops; i++)
			if (!strcmp(n->props[i].name, p->valuestring))
				break;
		if (i < n->nprops)
			continue;
		n->props[n->nprops].name =
		    arena_strdup(c->arena, p->valuestring);
		if (!n->props[n->nprops++].name)
			return oom(c);
	}
	qsort(n->props, n->nprops, sizeof *n->props, prop_cmp);
	for (size_t i = 1; i < n->nprops; i++)
		if (!strcmp(n->props[i - 1].name, n->props[i].name))
			return compile_error(c, &here, "duplicate property %s",
			                     n->props[i].name);

	if (!cJSON_GetArraySize(req))
		return 0;
	n->required = arena_alloc(c->arena, (size_t)cJSON_GetArraySize(req) *
	                                        sizeof *n->required);
	if (!n->required)
		return oom(c);
	cJSON_ArrayForEach(p, req)
	{
		const struct prop *found = find_prop(n, p->valuestring);

		n->required[n->nrequired++] = (uint16_t)(found - n->props);
	}
	return 0;
}

static int fill(struct compiler *c, struct node *n, const cJSON *s,
                const struct path *at)
{
	const cJSON *k;

	if (!cJSON_IsObject(s))
		return compile_error(c, at, "schema must be an object");
	n->types = T_ANY;
	cJSON_ArrayForEach(k, s)
	{
		struct path here = {at, k->string, 0};
		size_t i;

		for (i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
			if (!strcmp(k->string, keywords[i].name))
				break;
		if (i == sizeof keywords / sizeof keywords[0])
			return compile_error(c, &here, "unsupported keyword");
		if (keywords[i].fn && keywords[i].fn(c, n, k, &here))
			return -1;
	}
	return build_props(c, n,
	                   cJSON_GetObjectItemCaseSensitive(s, "properties"),
	                   cJSON_GetObjectItemCaseSensitive(s, "required"), at);
}

/* A local JSON pointer ("#/definitions/IdTagInfo") inside c->root. */
static const cJSON *resolve(const struct compiler *c, const char *ref)
{
	const cJSON *cur = c->root;
	const char *p = ref;

	if (*p++ != '#')
		return NULL;
	while (*p) {
		char tok[128];
		size_t n = 0;

		if (*p++ != '/')
			return NULL;
		for (; *p && *p != '/'; p++) {
			char ch = *p;

			if (ch == '~') {
				if (p[1] != '0' && p[1] != '1')
					return NULL;
				ch = *++p == '0' ? '~' : '/';
			}
			if (n + 1 >= sizeof tok)
				return NULL;
			tok[n++] = ch;
		}
		tok[n] = '\0';
		if (cJSON_IsArray(cur)) {
			char *end;
			long i = strtol(tok, &end, 10);

			cur = *tok && !*end && i >= 0 && i <= INT32_MAX
			          ? cJSON_GetArrayItem(cur, (int)i)
			          : NULL;
		} else if (cJSON_IsObject(cur)) {
			cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
		} else {
			cur = NULL;
		}
		if (!cur)
			return NULL;
	}
	return cur;
}

/*
 * A $ref target is compiled once per schema and shared; the node is
 * registered before it is filled so recursive definitions terminate.
 * Keywords next to $ref are ignored, as draft-07 says.
 */
static struct node *compile_ref(struct compiler *c, const cJSON *s,
                                const struct path *at)
{
	const cJSON *ref;
	struct node *n;
	int hops = 0;

	while ((ref = cJSON_GetObjectItemCaseSensitive(s, "$ref"))) {
		if (!cJSON_IsString(ref)) {
			compile_error(c, at, "$ref must be a string");
			return NULL;
		}
		s = resolve(c, ref->valuestring);
		if (!s) {
			compile_error(c, at, "unresolved $ref %s",
			              ref->valuestring);
			return NULL;
		}
		if (++hops > 16 || !cJSON_IsObject(s)) {
			compile_error(c, at, "$ref %s is not a usable schema",
			              ref->valuestring);
			return NULL;
		}
	}
	for (size_t i = 0; i < c->nmemo; i++)
		if (c->memo[i].src == s)
			return c->memo[i].node;
	if (c->nmemo == c->capmemo) {
		size_t cap = c->capmemo ? c->capmemo * 2 : 8;
		struct memo *m = realloc(c->memo, cap * sizeof *m);

		if (!m) {
			oom(c);
			return NULL;
		}
		c->memo = m;
		c->capmemo = cap;
	}
	n = arena_alloc(c->arena, sizeof *n);
	if (!n) {
		oom(c);
		return NULL;
	}
	c->memo[c->nmemo].src = s;
	c->memo[c->nmemo++].node = n;
	return fill(c, n, s, at) ? NULL : n;
}

static struct node *compile(struct compiler *c, const cJSON *s,
                            const struct path *at)
{
	struct node *n;

	if (cJSON_IsObject(s) && cJSON_GetObjectItemCaseSensitive(s, "$ref"))
		return compile_ref(c, s, at);
	n = arena_alloc(c->arena, sizeof *n);
	if (!n) {
		oom(c);
		return NULL;
	}
	return fill(c, n, s, at) ? NULL : n;
}

/* ---- loading ---- */

struct loaded {
	char *action;
	int is_conf;
	ocpp_schema *schema;
};

static int loaded_cmp(const void *a, const void *b)
{
	const struct loaded *x = a, *y = b;
	int r = strcmp(x->action, y->action);

	return r ? r : x->is_conf - y->is_conf;
}

static int entry_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const struct entry *)e)->action);
}

/* "urn:BootNotification.req" -> action "BootNotification", is_conf 0. */
static int parse_id(struct compiler *c, const cJSON *id, struct loaded *l)
{
	const char *s, *dot;
	size_t n;

	if (!cJSON_IsString(id) || strncmp(id->valuestring, "urn:", 4))
		return compile_error(c, NULL,
		                     "$id must be \"urn:<Action>.req\""
		                     " or \"urn:<Action>.conf\"");
	s = id->valuestring + 4;
	dot = strrchr(s, '.');
	if (!dot || (strcmp(dot, ".req") && strcmp(dot, ".conf")))
		return compile_error(c, NULL, "$id must end in .req or .conf");
	n = (size_t)(dot - s);
	if (n == 0 || n > OCPP_ACTION_MAX)
		return compile_error(c, NULL, "bad action name length");
	l->is_conf = !strcmp(dot, ".conf");
	l->action = arena_alloc(c->arena, n + 1);
	if (!l->action)
		return oom(c);
	memcpy(l->action, s, n);
	return 0;
}

static int load_all(ocpp_schemas *set, const cJSON *arr, struct compiler *c)
{
	size_t n = (size_t)cJSON_GetArraySize(arr), i = 0;
	struct loaded *l = calloc(n ? n : 1, sizeof *l);
	const cJSON *s;
	int rc = -1;

	if (!l)
		return oom(c);
	cJSON_ArrayForEach(s, arr)
	{
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(s, "$id");
		ocpp_schema *sch;

		c->id = cJSON_IsString(id) ? id->valuestring : NULL;
		c->root = s;
		c->nmemo = 0;
		if (!cJSON_IsObject(s)) {
			compile_error(c, NULL,
			              "array element %zu is not a schema", i);
			goto out;
		}
		if (parse_id(c, id, &l[i]))
			goto out;
		sch = arena_alloc(&set->arena, sizeof *sch);
		if (!sch ||
		    !(sch->name = arena_strdup(&set->arena, c->id + 4))) {
			oom(c);
			goto out;
		}
		sch->root = compile(c, s, NULL);
		if (!sch->root)
			goto out;
		l[i++].schema = sch;
	}

	qsort(l, n, sizeof *l, loaded_cmp);
	set->entries =
	    arena_alloc(&set->arena, (n ? n : 1) * sizeof *set->entries);
	if (!set->entries) {
		oom(c);
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct entry *e = &set->entries[set->nentries];

		if (i && !strcmp(l[i - 1].action, l[i].action)) {
			if (l[i - 1].is_conf == l[i].is_conf) {
				c->id = NULL;
				compile_error(c, NULL, "duplicate $id for %s",
				              l[i].schema->name);
				goto out;
			}
			e--;
		} else {
			e->action = l[i].action;
			set->nentries++;
		}
		if (l[i].is_conf)
			e->conf = l[i].schema;
		else
			e->req = l[i].schema;
	}
	set->nschemas = n;
	rc = 0;
out:
	free(l);
	return rc;
}

int ocpp_schemas_load(ocpp_schemas **out, const char *json_text, char *err,
                      size_t errlen)
{
	struct compiler c = {.err = err, .errlen = errlen};
	ocpp_schemas *set;
	cJSON *arr;
	int rc;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	arr = json_text ? cJSON_Parse(json_text) : NULL;
	if (!arr) {
		const char *at = cJSON_GetErrorPtr();

		if (err && errlen)
			snprintf(err, errlen,
			         "schemas: JSON syntax error%s%.20s",
			         at ? " near: " : "", at ? at : "");
		return -1;
	}
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(arr);
		return compile_error(&c, NULL, "top level must be an array");
	}
	set = calloc(1, sizeof *set);
	if (!set) {
		cJSON_Delete(arr);
		return oom(&c);
	}
	c.arena = &set->arena;
	rc = load_all(set, arr, &c);
	free(c.memo);
	cJSON_Delete(arr);
	if (rc) {
		ocpp_schemas_free(set);
		return -1;
	}
	*out = set;
	return 0;
}

void ocpp_schemas_free(ocpp_schemas *schemas)
{
	if (!schemas)
		return;
	arena_free(&schemas->arena);
	free(schemas);
}

size_t ocpp_schemas_count(const ocpp_schemas *schemas)
{
	return schemas ? schemas->nschemas : 0;
}

static const struct entry *find_entry(const ocpp_schemas *schemas,
                                      const char *action)
{
	if (!schemas || !action || !schemas->nentries ||
	    strnlen(action, OCPP_ACTION_MAX + 1) > OCPP_ACTION_MAX)
		return NULL;
	return bsearch(action, schemas->entries, schemas->nentries,
	               sizeof *schemas->entries, entry_cmp);
}

const ocpp_schema *ocpp_schema_find(const ocpp_schemas *schemas,
                                    const char *action, int is_conf)
{
	const struct entry *e = find_entry(schemas, action);

	if (!e)
		return NULL;
	return is_conf ? e->conf : e->req;
}

int ocpp_action_known(const ocpp_schemas *schemas, const char *action)
{
	const struct entry *e = find_entry(schemas, action);

	return e && e->req;
}

const char *ocpp_schema_name(const ocpp_schema *schema)
{
	return schema ? schema->name : "";
}

/* ---- validating ---- */

struct vctx {
	struct out out;
	unsigned flags;
};

/* Start the message with the path; the caller appends the problem. */
static struct out *verr(struct vctx *v, const struct path *at)
{
	out_init(&v->out, v->out.buf, v->out.cap);
	if (at)
		out_path(&v->out, at);
	else
		out_str(&v->out, "payload");
	out_str(&v->out, ": ");
	return &v->out;
}

static const char *json_type_name(const cJSON *x)
{
	if (cJSON_IsObject(x))
		return "object";
	if (cJSON_IsArray(x))
		return "array";
	if (cJSON_IsString(x))
		return "string";
	if (cJSON_IsNumber(x))
		return "number";
	if (cJSON_IsBool(x))
		return "boolean";
	if (cJSON_IsNull(x))
		return "null";
	return "invalid";
}

static enum ocpp_verr type_error(struct vctx *v, const struct node *n,
                                 const cJSON *x, const struct path *at)
{
	struct out *o = verr(v, at);

	out_str(o, "expected ");
	out_types(o, n->types);
	out_str(o, ", got ");
	out_str(o, json_type_name(x));
	return OCPP_ERR_TYPE;
}

static double absd(double d)
{
	return d < 0 ? -d : d;
}

/* Integral and finite; beyond 2^53 every double is integral anyway. */
static int is_integral(double d)
{
	if (!isfinite(d))
		return 0;
	return absd(d) >= 9007199254740992.0 || (double)(int64_t)d == d;
}

/*
 * v / m is rarely exact in binary (2.3 / 0.1 = 22.999999999999996), so a
 * value counts as a multiple when the quotient is within rounding noise of a
 * whole number.
 */
static int is_multiple(double d, double m)
{
	double q = d / m, r;

	if (!isfinite(q))
		return 0;
	if (absd(q) >= 4503599627370496.0) /* 2^52: no fraction left */
		return 1;
	r = q - (double)(int64_t)(q < 0 ? q - 0.5 : q + 0.5);
	return absd(r) <= absd(q) * 1e-12 + 1e-9;
}

static enum ocpp_verr check_number(struct vctx *v, const struct node *n,
                                   const cJSON *x, const struct path *at)
{
	double d = x->valuedouble;

	if (!(n->types & (T_NUMBER | T_INTEGER)))
		return type_error(v, n, x, at);
	if (!isfinite(d)) {
		/* cJSON turns 1e999 into infinity: a range problem */
		out_str(verr(v, at), "number out of range");
		return OCPP_ERR_PROPERTY;
	}
	if (!is_integral(d) && !(n->types & T_NUMBER)) {
		out_fmt(verr(v, at), "%.15g is not an integer", d);
		return OCPP_ERR_TYPE;
	}
	if (!(n->types & T_NUMBER) && (d < INT32_MIN || d > INT32_MAX)) {
		out_fmt(verr(v, at), "%.15g is out of range for an integer", d);
		return OCPP_ERR_PROPERTY;
	}
	if ((n->flags & F_MULTIPLE_OF) && !is_multiple(d, n->multiple_of)) {
		out_fmt(verr(v, at), "%.15g is not a multiple of %.15g", d,
		        n->multiple_of);
		return OCPP_ERR_PROPERTY;
	}
	return OCPP_VALID;
}

/* scheme ":" rest, with no blanks or control characters anywhere. */
static int is_uri(const char *s)
{
	const char *p = s;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return 0;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	       (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p != ':' || !p[1])
		return 0;
	for (; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7F)
			return 0;
	return 1;
}

static enum ocpp_verr enum_error(struct vctx *v, const struct node *n,
                                 const cJSON *x, const struct path *at)
{
	struct out *o = verr(v, at);

	if (cJSON_IsString(x))
		out_clean(o, x->valuestring, 64, 1);
	else
		out_str(o, json_type_name(x));
	out_str(o, " is not one of ");
	for (size_t i = 0; i < n->nenums; i++) {
		if (i)
			out_str(o, ", ");
		out_str(o, n->enums[i]);
	}
	return OCPP_ERR_PROPERTY;
}

static enum ocpp_verr check_string(struct vctx *v, const struct node *n,
                                   const cJSON *x, const struct path *at)
{
	const unsigned char *p = (const unsigned char *)x->valuestring;
	size_t chars = 0;
	int64_t ms;

	if (!(n->types & T_STRING))
		return type_error(v, n, x, at);
	for (; *p; chars++) {
		int len = utf8_len(p);

		if (!len) {
			out_str(verr(v, at), "invalid UTF-8");
			return OCPP_ERR_FORMATION;
		}
		p += len;
	}
	if ((n->flags & F_MAX_LENGTH) && chars > n->max_length) {
		out_fmt(verr(v, at), "longer than %u characters",
		        (unsigned)n->max_length);
		return OCPP_ERR_PROPERTY;
	}
	if (n->nenums) {
		size_t i;

		for (i = 0; i < n->nenums; i++)
			if (!strcmp(x->valuestring, n->enums[i]))
				break;
		if (i == n->nenums)
			return enum_error(v, n, x, at);
	}
	if ((n->format == FMT_DATE_TIME &&
	     time_parse_iso8601(x->valuestring, &ms)) ||
	    (n->format == FMT_URI && !is_uri(x->valuestring))) {
		struct out *o = verr(v, at);

		out_clean(o, x->valuestring, 64, 1);
		out_str(o, n->format == FMT_URI ? " is not a valid URI"
		                                : " is not a valid date-time");
		return OCPP_ERR_PROPERTY;
	}
	return OCPP_VALID;
}

static enum ocpp_verr check(struct vctx *v, const struct node *n,
                            const cJSON *x, const struct path *at);

static enum ocpp_verr check_array(struct vctx *v, const struct node *n,
                                  const cJSON *x, const struct path *at)
{
	struct path here = {at, NULL, 0};
	const cJSON *item;
	enum ocpp_verr r;

	if (!(n->types & T_ARRAY))
		return type_error(v, n, x, at);
	if (n->flags & F_MIN_ITEMS) {
		uint32_t count = 0;

		for (item = x->child; item && count < n->min_items;
		     item = item->next)
			count++;
		if (count < n->min_items) {
			out_fmt(verr(v, at), "at least %u item%s required",
			        (unsigned)n->min_items,
			        n->min_items == 1 ? "" : "s");
			return OCPP_ERR_OCCURRENCE;
		}
	}
	if (!n->items)
		return OCPP_VALID;
	for (item = x->child; item; item = item->next, here.index++)
		if ((r = check(v, n->items, item, &here)))
			return r;
	return OCPP_VALID;
}

static enum ocpp_verr check_object(struct vctx *v, const struct node *n,
                                   const cJSON *x, const struct path *at)
{
	uint64_t seen = 0; /* declared properties present, for "required" */
	const cJSON *c;
	enum ocpp_verr r;

	if (!(n->types & T_OBJECT))
		return type_error(v, n, x, at);
	for (c = x->child; c; c = c->next) {
		const char *name = c->string ? c->string : "";
		const struct prop *p = find_prop(n, name);
		struct path here = {at, name, 0};

		if (p && p - n->props < 64)
			seen |= 1ull << (p - n->props);
		if (p && p->declared) {
			if (p->schema && (r = check(v, p->schema, c, &here)))
				return r;
			continue;
		}
		if (n->flags & F_CLOSED) {
			if (v->flags & OCPP_V_LENIENT_UNKNOWN)
				continue;
			out_str(verr(v, &here), "unknown property");
			return OCPP_ERR_FORMATION;
		}
		if (n->additional && (r = check(v, n->additional, c, &here)))
			return r;
	}
	for (size_t i = 0; i < n->nrequired; i++) {
		unsigned idx = n->required[i];
		const char *name = n->props[idx].name;
		int present = idx < 64
		                  ? (int)(seen >> idx & 1)
		                  : !!cJSON_GetObjectItemCaseSensitive(x, name);

		if (!present) {
			struct path here = {at, name, 0};

			out_str(verr(v, &here), "required property missing");
			return OCPP_ERR_OCCURRENCE;
		}
	}
	return OCPP_VALID;
}

static enum ocpp_verr check(struct vctx *v, const struct node *n,
                            const cJSON *x, const struct path *at)
{
	enum ocpp_verr r;

	if (cJSON_IsNumber(x))
		r = check_number(v, n, x, at);
	else if (cJSON_IsString(x))
		r = check_string(v, n, x, at);
	else if (cJSON_IsObject(x))
		r = check_object(v, n, x, at);
	else if (cJSON_IsArray(x))
		r = check_array(v, n, x, at);
	else if (cJSON_IsBool(x))
		r = n->types & T_BOOLEAN ? OCPP_VALID : type_error(v, n, x, at);
	else if (cJSON_IsNull(x))
		r = n->types & T_NULL ? OCPP_VALID : type_error(v, n, x, at);
	else
		r = type_error(v, n, x, at);
	/* strings were matched against the enum already, with their value */
	if (!r && n->nenums && !cJSON_IsString(x))
		r = enum_error(v, n, x, at);
	return r;
}

enum ocpp_verr ocpp_validate(const ocpp_schema *schema, const cJSON *payload,
                             unsigned flags, char *msg, size_t msglen)
{
	struct vctx v = {.flags = flags};

	out_init(&v.out, msg, msglen);
	if (!schema) {
		out_str(&v.out, "no schema");
		return OCPP_ERR_FORMATION;
	}
	/* Every OCPP 1.6 payload is an object; anything else is malformed
	 * PDU structure rather than a wrong field type. */
	if (!cJSON_IsObject(payload)) {
		out_str(verr(&v, NULL), "not a JSON object");
		return OCPP_ERR_FORMATION;
	}
	return check(&v, schema->root, payload, NULL);
}

const char *ocpp_verr_code(enum ocpp_verr err)
{
	switch (err) {
	case OCPP_VALID:
		return "";
	case OCPP_ERR_TYPE:
		return "TypeConstraintViolation";
	case OCPP_ERR_OCCURRENCE:
		return "OccurenceConstraintViolation"; /* sic, as in OCPP-J 1.6
		                                        */
	case OCPP_ERR_PROPERTY:
		return "PropertyConstraintViolation";
	case OCPP_ERR_FORMATION:
		return "FormationViolation";
	}
	return "GenericError";
}
