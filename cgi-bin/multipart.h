/*
 * multipart.h — a multipart/form-data body (RFC 7578) held in memory: the
 * parts' names, file names and contents, as pointers into the body.  Pure
 * (unit-tested, tests/unit/test_multipart.c): the upload program and the
 * dashboard's firmware form read their uploads through it.
 */
#ifndef CSMS_MULTIPART_H
#define CSMS_MULTIPART_H

#include <stddef.h>

#define MULTIPART_MAX_PARTS 8

struct multipart_part {
	char name[64];      /* the form field's name */
	char filename[256]; /* "" when not a file */
	const char *data;   /* into the body; not NUL-terminated */
	size_t len;
};

/*
 * The boundary from a Content-Type "multipart/form-data; boundary=..."
 * into out (≤ 70 characters, RFC 2046).  0, or -1 when the type is not
 * multipart/form-data or has no usable boundary.
 */
int multipart_boundary(const char *content_type, char *out, size_t outlen);

/*
 * Splits body into up to max parts.  Returns how many, or -1 when the body
 * is not a well-formed multipart body for boundary (no closing delimiter,
 * a part without headers, more than max parts).
 */
int multipart_parse(const char *body, size_t len, const char *boundary,
                    struct multipart_part *parts, int max);

/* The part named name, or NULL. */
const struct multipart_part *multipart_get(const struct multipart_part *parts,
                                           int n, const char *name);

#endif
