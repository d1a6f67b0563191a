/*
 * api-text.h — pure text helpers of the REST API: UTF-8 repair, CSV
 * fields (LIKE patterns are in param.h and money in money.h, shared with
 * the dashboard).
 * No I/O beyond a FILE they are given, no database, so the unit tests call
 * them directly.
 */
#ifndef CSMS_API_TEXT_H
#define CSMS_API_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* 1 when s (len bytes) is well-formed UTF-8 (no overlongs, surrogates or
 * code points past U+10FFFF). */
int api_utf8_valid(const char *s, size_t len);

/* A malloc'd copy of s with every byte that is not part of a well-formed
 * UTF-8 sequence replaced by U+FFFD; NULL when out of memory. */
char *api_utf8_repair(const char *s);

/*
 * Writes s as one CSV field (RFC 4180): quoted when it holds a comma,
 * quote, CR or LF.  A text that a spreadsheet would run as a formula
 * (starting with = + - @ or a tab/CR) gets a leading apostrophe, because
 * charge point ids and id tags come from the field, not from us.  NULL
 * writes an empty field.
 */
void api_csv_text(FILE *out, const char *s);

#endif
