/*
 * ocpp_schema_compile.c — loading: the OCPP 1.6 JSON schemas compiled once
 * into the tree ocpp_schema_validate.c walks per message.
 *
 * Loading turns every schema (a cJSON tree full of strings) into a tree of
 * small `struct node`s: type as a bit mask, properties as a sorted array for
 * binary search, required names as indices into it, $ref resolved to a
 * pointer.  All of it lives in one arena owned by the ocpp_schemas set, so
 * there is exactly one free.  Validation then never touches schema text and
 * allocates nothing.
 *
 * Only the keywords the OCPP 1.6 schemas use are implemented (draft-07
 * semantics: each keyword applies only to values of its own type).  Any other
 * keyword is a load error rather than silently ignored.
 */
#include "ocpp_schema_int.h"

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

/* ---- type names ---- */

const struct schema__type_name schema__type_names[SCHEMA_NTYPES] = {
    {"null", T_NULL},     {"boolean", T_BOOLEAN}, {"integer", T_INTEGER},
    {"number", T_NUMBER}, {"string", T_STRING},   {"array", T_ARRAY},
    {"object", T_OBJECT},
};

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

	schema__out_init(&o, c->err, c->errlen);
	schema__out_str(&o, c->id ? c->id : "schema");
	schema__out_str(&o, ": ");
	if (at) {
		schema__out_path(&o, at);
		schema__out_str(&o, ": ");
	}
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	schema__out_str(&o, tmp);
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

		for (i = 0; i < SCHEMA_NTYPES; i++)
			if (cJSON_IsString(t) &&
			    !strcmp(t->valuestring, schema__type_names[i].name))
				break;
		if (i == SCHEMA_NTYPES)
			return compile_error(c, at, "unknown type");
		n->types |= schema__type_names[i].bit;
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

static int kw_max_items(struct compiler *c, struct node *n, const cJSON *v,
                        const struct path *at)
{
	if (count_uint(v, &n->max_items))
		return compile_error(c, at, "must be a non-negative integer");
	n->flags |= F_MAX_ITEMS;
	return 0;
}

/* Only "items": {one schema} is supported, and there additionalItems has
 * no effect (draft-07 9.3.1.2): accepted as the boolean the 2.0.1
 * schemas write, nothing else. */
static int kw_additional_items(struct compiler *c, struct node *n,
                               const cJSON *v, const struct path *at)
{
	(void)n;
	if (!cJSON_IsBool(v))
		return compile_error(c, at, "only a boolean is supported");
	return 0;
}

static int kw_minimum(struct compiler *c, struct node *n, const cJSON *v,
                      const struct path *at)
{
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return compile_error(c, at, "must be a number");
	n->minimum = v->valuedouble;
	n->flags |= F_MINIMUM;
	return 0;
}

static int kw_maximum(struct compiler *c, struct node *n, const cJSON *v,
                      const struct path *at)
{
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return compile_error(c, at, "must be a number");
	n->maximum = v->valuedouble;
	n->flags |= F_MAXIMUM;
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
    {"maxItems", kw_max_items},
    {"additionalItems", kw_additional_items},
    {"minimum", kw_minimum},
    {"maximum", kw_maximum},
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

const struct prop *schema__find_prop(const struct node *n, const char *name)
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
		const struct prop *found = schema__find_prop(n, p->valuestring);

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
