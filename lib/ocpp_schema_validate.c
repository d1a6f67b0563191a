/*
 * ocpp_schema_validate.c — walking a compiled schema next to a parsed
 * payload, and writing the error message.
 *
 * Validation never touches schema text and allocates nothing; the JSON path
 * for the error message is a chain of stack frames that is only rendered
 * when something is wrong.  The bounded message writer here also serves the
 * compiler's load errors.
 */
#include "ocpp_schema_int.h"
#include "timeutil.h"
#include "utf8.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- bounded message writing ---- */

void schema__out_init(struct out *o, char *buf, size_t cap)
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

void schema__out_str(struct out *o, const char *s)
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

/* The well-formed UTF-8 sequence at s (1..4 bytes), or 0 (utf8.h). */
static int utf8_len(const unsigned char *s)
{
	return (int)utf8_decode((const char *)s, SIZE_MAX, NULL);
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
		schema__out_str(o, "\"");
	while (*p) {
		int n = utf8_len(p);

		if (done >= max) {
			schema__out_str(o, "...");
			break;
		}
		if (n == 0 || *p < 0x20 || *p == 0x7F) {
			schema__out_str(o, "?");
			n = 1;
		} else if (quoted && (*p == '"' || *p == '\\')) {
			schema__out_str(o, "\\");
			out_bytes(o, (const char *)p, 1);
		} else {
			out_bytes(o, (const char *)p, (size_t)n);
		}
		p += n;
		done += (size_t)n;
	}
	if (quoted)
		schema__out_str(o, "\"");
}

void schema__out_path(struct out *o, const struct path *p)
{
	if (!p)
		return;
	schema__out_path(o, p->up);
	if (p->key) {
		if (p->up)
			schema__out_str(o, ".");
		out_clean(o, p->key, 64, 0);
	} else {
		out_fmt(o, "[%d]", p->index);
	}
}

static void out_types(struct out *o, unsigned types)
{
	const char *sep = "";

	for (size_t i = 0; i < SCHEMA_NTYPES; i++) {
		if (types & schema__type_names[i].bit) {
			schema__out_str(o, sep);
			schema__out_str(o, schema__type_names[i].name);
			sep = " or ";
		}
	}
}

/* ---- validating ---- */

struct vctx {
	struct out out;
	unsigned flags;
};

/* Start the message with the path; the caller appends the problem. */
static struct out *verr(struct vctx *v, const struct path *at)
{
	schema__out_init(&v->out, v->out.buf, v->out.cap);
	if (at)
		schema__out_path(&v->out, at);
	else
		schema__out_str(&v->out, "payload");
	schema__out_str(&v->out, ": ");
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

	schema__out_str(o, "expected ");
	out_types(o, n->types);
	schema__out_str(o, ", got ");
	schema__out_str(o, json_type_name(x));
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
		schema__out_str(verr(v, at), "number out of range");
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
	if (((n->flags & F_MINIMUM) && d < n->minimum) ||
	    ((n->flags & F_MAXIMUM) && d > n->maximum)) {
		out_fmt(verr(v, at), "%.15g is out of range (%s %.15g)", d,
		        (n->flags & F_MINIMUM) && d < n->minimum ? "minimum"
		                                                 : "maximum",
		        (n->flags & F_MINIMUM) && d < n->minimum ? n->minimum
		                                                 : n->maximum);
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
		schema__out_str(o, json_type_name(x));
	schema__out_str(o, " is not one of ");
	for (size_t i = 0; i < n->nenums; i++) {
		if (i)
			schema__out_str(o, ", ");
		schema__out_str(o, n->enums[i]);
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
			schema__out_str(verr(v, at), "invalid UTF-8");
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
		schema__out_str(o, n->format == FMT_URI
		                       ? " is not a valid URI"
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
	if (n->flags & F_MAX_ITEMS) {
		uint32_t count = 0;

		for (item = x->child; item && count <= n->max_items;
		     item = item->next)
			count++;
		if (count > n->max_items) {
			out_fmt(verr(v, at), "at most %u item%s allowed",
			        (unsigned)n->max_items,
			        n->max_items == 1 ? "" : "s");
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
		const struct prop *p = schema__find_prop(n, name);
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
			schema__out_str(verr(v, &here), "unknown property");
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

			schema__out_str(verr(v, &here),
			                "required property missing");
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

	schema__out_init(&v.out, msg, msglen);
	if (!schema) {
		schema__out_str(&v.out, "no schema");
		return OCPP_ERR_FORMATION;
	}
	/* Every OCPP 1.6 payload is an object; anything else is malformed
	 * PDU structure rather than a wrong field type. */
	if (!cJSON_IsObject(payload)) {
		schema__out_str(verr(&v, NULL), "not a JSON object");
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
