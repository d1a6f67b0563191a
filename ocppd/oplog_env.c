/*
 * oplog_env.c — envelope scanning and stored text; see oplog_env.h.
 */
#include "oplog_env.h"

#include <string.h>

#include "utf8.h"

static size_t skip_ws(const char *s, size_t len, size_t i)
{
	while (i < len &&
	       (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* A JSON string at s[i] (the quote), copied raw (escapes kept as they
 * are written: an id or action with escapes is a broken frame anyway)
 * and cut to max bytes.  Returns the index after the closing quote, or 0
 * when there is no complete string there. */
static size_t string_at(const char *s, size_t len, size_t i, char *out,
                        size_t max)
{
	size_t n = 0;
	out[0] = '\0';
	if (i >= len || s[i] != '"')
		return 0;
	for (i++; i < len; i++) {
		if (s[i] == '"') {
			out[n] = '\0';
			return i + 1;
		}
		if (s[i] == '\\' && i + 1 < len) {
			if (n + 1 < max) {
				out[n++] = s[i];
				out[n++] = s[i + 1];
			}
			i++;
			continue;
		}
		if ((unsigned char)s[i] < 0x20)
			break;
		if (n < max)
			out[n++] = s[i];
	}
	out[0] = '\0';
	return 0;
}

/* The separator ',' after a value, with blanks around it. */
static size_t comma(const char *s, size_t len, size_t i)
{
	i = skip_ws(s, len, i);
	if (i >= len || s[i] != ',')
		return 0;
	return skip_ws(s, len, i + 1);
}

void oplog_envelope(const char *text, size_t len, struct oplog_env *e)
{
	memset(e, 0, sizeof *e);
	size_t i = skip_ws(text, len, 0);
	if (i >= len || text[i] != '[')
		return;
	i = skip_ws(text, len, i + 1);
	if (i + 1 >= len || text[i] < '2' || text[i] > '4' ||
	    (text[i + 1] >= '0' && text[i + 1] <= '9') || text[i + 1] == '.')
		return;
	int type = text[i] - '0';
	if (!(i = comma(text, len, i + 1)))
		return;
	char id[OPLOG_ID_MAX + 1];
	size_t j = string_at(text, len, i, id, OPLOG_ID_MAX);
	if (!j)
		return;
	e->type = type;
	memcpy(e->id, id, sizeof id);
	if (type == 3 || !(i = comma(text, len, j)))
		return;
	string_at(text, len, i, type == 2 ? e->action : e->code,
	          OPLOG_ACTION_MAX);
}

const char *oplog_type_name(int type)
{
	switch (type) {
	case 2:
		return "CALL";
	case 3:
		return "CALLRESULT";
	case 4:
		return "CALLERROR";
	default:
		return NULL;
	}
}

size_t oplog_clean_text(const char *text, size_t len, char *out, size_t max)
{
	size_t i = 0, n = 0;
	while (i < len && n < max) {
		size_t k = text[i] ? utf8_decode(text + i, len - i, NULL) : 0;
		if (!k) {
			out[n++] = '?';
			i++;
			continue;
		}
		if (n + k > max)
			break; /* a character that no longer fits whole */
		memcpy(out + n, text + i, k);
		n += k;
		i += k;
	}
	out[n] = '\0';
	return n;
}
