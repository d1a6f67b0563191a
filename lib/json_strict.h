/*
 * json_strict.h — cJSON with the checks a strict JSON parser makes and
 * cJSON does not.
 *
 * cJSON accepts text RFC 8259 forbids, and some of it changes meaning on
 * the way to C strings and database rows:
 *   - "\u0000" inside a string becomes a NUL byte, and every C string
 *     after it is cut there ("DEMO-TAG-1\u0000XYZ" reads as DEMO-TAG-1);
 *   - raw control characters (NUL included) inside strings, and any byte
 *     up to 0x20 between tokens, pass as if they were whitespace;
 *   - a member named twice: lookups find the first, so two readers of
 *     one text can see different values;
 *   - anything after the value: ignored.
 * json_parse_strict parses with cJSON, then looks at the raw text once
 * (strings and whitespace) and at the tree once (duplicate names), and
 * says which rule broke and where, so callers answer with the right
 * protocol error instead of acting on a different value than was sent.
 */
#ifndef CSMS_JSON_STRICT_H
#define CSMS_JSON_STRICT_H

#include <stddef.h>

#include <cjson/cJSON.h>

enum json_strict {
	JSON_STRICT_OK = 0,
	JSON_STRICT_SYNTAX,   /* not JSON (no tree) */
	JSON_STRICT_TRAILING, /* text after the value */
	JSON_STRICT_NUL,      /* "\u0000" in a string value */
	JSON_STRICT_NUL_KEY,  /* "\u0000" in a member name */
	JSON_STRICT_DUP_KEY,  /* an object names a member twice */
};

struct json_strict_err {
	enum json_strict kind;
	/* Where, when the value is an array: the index of its element that
	 * holds the problem (-1: the value itself, or not an array). */
	int top;
	/* The path inside that element, e.g. "meterValue[0].sampledValue"
	 * ("" for the element itself); for JSON_STRICT_DUP_KEY the object
	 * holding the name.  Control characters are never copied in. */
	char path[160];
	char key[48]; /* JSON_STRICT_DUP_KEY: the name (cut, cleaned) */
};

/*
 * Parses len bytes.  Returns the tree (the caller deletes it) unless the
 * text is not JSON at all (JSON_STRICT_SYNTAX, NULL); a tree comes back
 * with e->kind saying whether a strict rule broke — the first one met in
 * the order SYNTAX, NUL, TRAILING, DUP_KEY.
 */
cJSON *json_parse_strict(const char *buf, size_t len,
                         struct json_strict_err *e);

/* A short English description of e->kind ("data after the JSON text"). */
const char *json_strict_what(enum json_strict kind);

#endif
