/*
 * ocpp_schema_int.h — PRIVATE to lib/ocpp_schema*.c; include it nowhere else
 * (the public API is ocpp_schema.h).
 *
 * The compiled form of a schema, shared by the three parts of the validator:
 * ocpp_schema_compile.c builds it, ocpp_schema.c looks schemas up in it and
 * ocpp_schema_validate.c walks it.  Also the bounded message writer the
 * compiler borrows from the validator for its load errors.
 */
#ifndef CSMS_OCPP_SCHEMA_INT_H
#define CSMS_OCPP_SCHEMA_INT_H

#include "ocpp_schema.h"

#include <stddef.h>
#include <stdint.h>

/* ---- the compiled form (built by ocpp_schema_compile.c) ---- */

/* Every compiled byte, freed in one go; blocks are private to the compiler. */
struct block;

struct arena {
	struct block *head;
};

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

/* The type names as the schemas spell them, one per T_ bit: the compiler
 * reads them, messages print them (ocpp_schema_compile.c). */
struct schema__type_name {
	const char *name;
	unsigned bit;
};

#define SCHEMA_NTYPES 7

extern const struct schema__type_name schema__type_names[SCHEMA_NTYPES];

enum {
	F_MAX_LENGTH = 1,
	F_MIN_ITEMS = 2,
	F_MULTIPLE_OF = 4,
	F_CLOSED = 8,
	F_MAX_ITEMS = 16, /* the 2.0.1 schemas use these three */
	F_MINIMUM = 32,
	F_MAXIMUM = 64,
};

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
	double multiple_of, minimum, maximum;
	uint32_t max_length, min_items, max_items;
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

/* ---- bounded message writing (ocpp_schema_validate.c) ---- */

struct out {
	char *buf;
	size_t cap, len;
};

/* Starts an empty message in buf (NULL or cap 0: write nothing). */
void schema__out_init(struct out *o, char *buf, size_t cap);
/* Appends s, truncated at a UTF-8 boundary when the buffer is full. */
void schema__out_str(struct out *o, const char *s);
/* Appends the path as "meterValue[0].sampledValue", names made safe. */
void schema__out_path(struct out *o, const struct path *p);

/* ---- searching the compiled tree (ocpp_schema_compile.c) ---- */

/* The property called name in n (a binary search), or NULL. */
const struct prop *schema__find_prop(const struct node *n, const char *name);

#endif
