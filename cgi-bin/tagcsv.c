/*
 * tagcsv.c — id tags as CSV; see tagcsv.h.
 */
#include "tagcsv.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static const char *const columns[] = {"id_tag",        "name",
                                      "status",        "expiry_date",
                                      "parent_id_tag", "max_concurrent_tx"};
#define NCOLS    ((int)(sizeof columns / sizeof columns[0]))
#define CELL_MAX 512 /* bytes of one field; ocppd allows less */

struct reader {
	const char *p, *end;
	long line;
};

/* One field into cell; *eol set at the end of a record.  0 ok, -1 bad. */
static int read_field(struct reader *rd, char *cell, size_t size, int *eol,
                      char *why, size_t whylen)
{
	size_t n = 0;
	*eol = 0;
	if (rd->p < rd->end && *rd->p == '"') {
		long start = rd->line;
		rd->p++;
		for (;;) {
			if (rd->p >= rd->end) {
				snprintf(why, whylen,
				         "line %ld: unterminated quote", start);
				return -1;
			}
			char ch = *rd->p++;
			if (ch == '"') {
				if (rd->p < rd->end && *rd->p == '"')
					rd->p++;
				else
					break;
			}
			if (ch == '\n')
				rd->line++;
			if (n + 1 >= size) {
				snprintf(why, whylen,
				         "line %ld: a field longer than %d "
				         "bytes",
				         rd->line, CELL_MAX);
				return -1;
			}
			cell[n++] = ch;
		}
		if (rd->p < rd->end && *rd->p != ',' && *rd->p != '\n' &&
		    *rd->p != '\r') {
			snprintf(why, whylen,
			         "line %ld: text after a closing quote",
			         rd->line);
			return -1;
		}
	} else {
		while (rd->p < rd->end && *rd->p != ',' && *rd->p != '\n' &&
		       *rd->p != '\r') {
			if (*rd->p == '"') {
				snprintf(why, whylen,
				         "line %ld: a quote inside an unquoted "
				         "field",
				         rd->line);
				return -1;
			}
			if (n + 1 >= size) {
				snprintf(why, whylen,
				         "line %ld: a field longer than %d "
				         "bytes",
				         rd->line, CELL_MAX);
				return -1;
			}
			cell[n++] = *rd->p++;
		}
	}
	cell[n] = '\0';
	if (rd->p < rd->end && *rd->p == ',') {
		rd->p++;
		return 0;
	}
	if (rd->p < rd->end && *rd->p == '\r')
		rd->p++;
	if (rd->p < rd->end && *rd->p == '\n')
		rd->p++;
	rd->line++;
	*eol = 1;
	return 0;
}

/* The export guards a formula with a leading quote: take it off. */
static const char *unguard(const char *s)
{
	return s[0] == '\'' && s[1] && strchr("=+-@\t\r'", s[1]) ? s + 1 : s;
}

static cJSON *cell_json(int col, const char *s)
{
	if (!strcmp(columns[col], "max_concurrent_tx")) {
		if (!*s)
			return cJSON_CreateNull();
		size_t k = strspn(s, "0123456789");
		if (!s[k] && k <= 6)
			return cJSON_CreateNumber(atof(s));
		return cJSON_CreateString(s);
	}
	if (!*s)
		return cJSON_CreateNull();
	return cJSON_CreateString(unguard(s));
}

static cJSON *new_chunk(cJSON *chunks)
{
	cJSON *c = cJSON_CreateObject();
	if (!c || !cJSON_AddItemToArray(chunks, c) ||
	    !cJSON_AddArrayToObject(c, "rows") ||
	    !cJSON_AddArrayToObject(c, "lines"))
		return NULL;
	return c;
}

int tagcsv_parse(const char *text, size_t len, cJSON **chunks, char *why,
                 size_t whylen)
{
	*chunks = NULL;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		text += 3, len -= 3; /* a spreadsheet's byte order mark */
	if (memchr(text, '\0', len) || !utf8_valid(text, len)) {
		snprintf(why, whylen, "not UTF-8 text");
		return -1;
	}
	struct reader rd = {text, text + len, 1};
	int map[NCOLS], ncol = 0, eol = 0;
	char cell[CELL_MAX + 1];
	unsigned seen = 0;
	/* The header: which column is which. */
	do {
		if (rd.p >= rd.end) {
			snprintf(why, whylen, "empty: a header line (%s) first",
			         TAGCSV_HEADER);
			return -1;
		}
		if (read_field(&rd, cell, sizeof cell, &eol, why, whylen))
			return -1;
		int k = 0;
		for (; k < NCOLS && strcmp(cell, columns[k]); k++)
			;
		if (k == NCOLS || ncol == NCOLS || (seen & (1u << k))) {
			snprintf(
			    why, whylen,
			    "line 1: \"%.40s\" is not a column (or twice); "
			    "the columns are %s",
			    cell, TAGCSV_HEADER);
			return -1;
		}
		seen |= 1u << k;
		map[ncol++] = k;
	} while (!eol);
	if (!(seen & 1u)) {
		snprintf(why, whylen,
		         "line 1: the header has no id_tag column");
		return -1;
	}
	cJSON *all = cJSON_CreateArray(), *chunk = NULL;
	long rows = 0;
	size_t bytes = 0;
	while (all && rd.p < rd.end) {
		long line = rd.line;
		/* A blank line is nothing. */
		if (*rd.p == '\n' || *rd.p == '\r') {
			read_field(&rd, cell, sizeof cell, &eol, why, whylen);
			continue;
		}
		if (++rows > TAGCSV_ROWS_MAX) {
			snprintf(why, whylen, "more than %d rows",
			         TAGCSV_ROWS_MAX);
			goto bad;
		}
		cJSON *row = cJSON_CreateObject();
		int i = 0;
		size_t rowbytes = 100;
		do {
			if (read_field(&rd, cell, sizeof cell, &eol, why,
			               whylen)) {
				cJSON_Delete(row);
				goto bad;
			}
			if (i < ncol && row) {
				rowbytes += 6 * strlen(cell) + 24;
				if (!(map[i] == 2 && !*cell)) /* status: keep */
					cJSON_AddItemToObject(
					    row, columns[map[i]],
					    cell_json(map[i], cell));
			}
			i++;
		} while (!eol);
		if (i != ncol) {
			cJSON_Delete(row);
			snprintf(why, whylen,
			         "line %ld: %d fields, the header has %d", line,
			         i, ncol);
			goto bad;
		}
		/* A chunk must fit ocppd's request line (64 KiB). */
		if (!chunk || bytes + rowbytes > 48 * 1024 ||
		    cJSON_GetArraySize(cJSON_GetObjectItem(chunk, "rows")) >=
		        TAGCSV_CHUNK) {
			chunk = new_chunk(all);
			bytes = 0;
		}
		if (!chunk || !row) {
			cJSON_Delete(row);
			break;
		}
		bytes += rowbytes;
		cJSON_AddItemToArray(cJSON_GetObjectItem(chunk, "rows"), row);
		cJSON_AddItemToArray(cJSON_GetObjectItem(chunk, "lines"),
		                     cJSON_CreateNumber((double)line));
	}
	if (!all || (rd.p < rd.end)) {
		snprintf(why, whylen, "out of memory");
		goto bad;
	}
	if (!rows) {
		snprintf(why, whylen, "no rows after the header");
		goto bad;
	}
	*chunks = all;
	return 0;
bad:
	cJSON_Delete(all);
	return -1;
}

cJSON *tagcsv_import(const cJSON *chunks,
                     cJSON *(*call)(void *ctx, const cJSON *params), void *ctx,
                     int *failed_chunk)
{
	static const char *const counts[] = {"added", "updated", "unchanged",
	                                     "refused"};
	double sum[4] = {0};
	cJSON *out = cJSON_CreateObject();
	cJSON *items = out ? cJSON_AddArrayToObject(out, "items") : NULL;
	*failed_chunk = -1;
	int i = 0;
	for (const cJSON *c = chunks ? chunks->child : NULL; items && c;
	     c = c->next, i++) {
		cJSON *res = call(ctx, c);
		if (!res) {
			*failed_chunk = i;
			break;
		}
		cJSON *its = cJSON_DetachItemFromObject(res, "items");
		for (cJSON *it = its ? its->child : NULL; it;) {
			cJSON *next = it->next;
			cJSON_AddItemToArray(
			    items, cJSON_DetachItemViaPointer(its, it));
			it = next;
		}
		cJSON_Delete(its);
		for (int k = 0; k < 4; k++) {
			const cJSON *v = cJSON_GetObjectItem(res, counts[k]);
			sum[k] += cJSON_IsNumber(v) ? v->valuedouble : 0;
		}
		cJSON_Delete(res);
	}
	for (int k = 0; items && k < 4; k++)
		if (!cJSON_AddNumberToObject(out, counts[k], sum[k]))
			items = NULL;
	if (!items) {
		cJSON_Delete(out);
		return NULL;
	}
	return out;
}

void tagcsv_field(FILE *out, const char *s)
{
	if (!s || !*s)
		return;
	int guard = strchr("=+-@\t\r'", s[0]) != NULL;
	if (!guard && !strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	putc('"', out);
	if (guard)
		putc('\'', out);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			putc('"', out);
		putc(*p, out);
	}
	putc('"', out);
}
