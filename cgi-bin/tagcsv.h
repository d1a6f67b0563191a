/*
 * tagcsv.h — id tags as CSV, for the API (GET/POST /tags.csv) and the
 * dashboard's import form (docs/tags.md).
 *
 * Reading turns the file into chunks of ocppd's control op tag_import
 * ({"rows": [...], "lines": [...]}, at most TAGCSV_CHUNK rows each); every
 * check of a value is ocppd's, as for tag_add / tag_update.  Only the
 * file's shape is checked here: RFC 4180 quoting, a header naming known
 * columns with id_tag among them, the same number of fields on every
 * line, UTF-8, at most TAGCSV_ROWS_MAX rows.
 */
#ifndef CSMS_TAGCSV_H
#define CSMS_TAGCSV_H

#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#define TAGCSV_BODY_MAX (1024 * 1024) /* bytes of one import */
#define TAGCSV_ROWS_MAX 10000         /* rows of one import */
#define TAGCSV_CHUNK    200           /* rows per tag_import request */

/* The columns, in the order the export writes them. */
#define TAGCSV_HEADER                                                          \
	"id_tag,name,status,expiry_date,parent_id_tag,max_concurrent_tx"

/* The chunks of a file: 0 ok (*chunks an array, owned by the caller),
 * -1 with why ("line 3: unterminated quote"). */
int tagcsv_parse(const char *text, size_t len, cJSON **chunks, char *why,
                 size_t whylen);

/* Sends each chunk with call (NULL: it failed, and stops the import)
 * and merges the answers into {"items": [...], "added", "updated",
 * "unchanged", "refused"}; *failed_chunk set to the index that failed
 * (-1: none).  NULL only out of memory. */
cJSON *tagcsv_import(const cJSON *chunks,
                     cJSON *(*call)(void *ctx, const cJSON *params), void *ctx,
                     int *failed_chunk);

/* One CSV field, formula-guarded ("'=..."): the export's own. */
void tagcsv_field(FILE *out, const char *s);

#endif
