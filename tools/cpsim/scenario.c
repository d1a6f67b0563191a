/*
 * scenario.c — parsing scenario scripts into steps.  Only the shape of each
 * line is checked here; variables and JSON are dealt with when the step
 * runs, since ${tx} inside a payload is not JSON until it is expanded.
 */
#include "scenario.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
    [SK_SEND] = "send",
    [SK_RAW] = "raw",
    [SK_EXPECT_RESULT] = "expect result",
    [SK_EXPECT_ERROR] = "expect error",
    [SK_EXPECT_FIELD] = "expect field",
    [SK_EXPECT_NONE] = "expect none",
    [SK_EXPECT_CALL] = "expect call",
    [SK_EXPECT_CLOSED] = "expect closed",
    [SK_SAVE] = "save",
    [SK_SET] = "set",
    [SK_WAIT] = "wait",
    [SK_TIMEOUT] = "timeout",
    [SK_DISCONNECT] = "disconnect",
    [SK_CLOSE] = "close",
    [SK_RECONNECT] = "reconnect",
    [SK_ANSWER] = "answer",
    [SK_PRINT] = "print",
};

const char *scenario_kind_name(enum step_kind k)
{
	return (unsigned)k < sizeof kind_names / sizeof kind_names[0]
	           ? kind_names[k]
	           : "?";
}

/* Cut a trailing comment: '#' after whitespace, outside a JSON string. */
static void strip_comment(char *s)
{
	int in_str = 0;
	char *p;

	for (p = s; *p; p++) {
		if (in_str) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				in_str = 0;
		} else if (*p == '"') {
			in_str = 1;
		} else if (*p == '#' &&
		           (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
	}
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Split off the next whitespace-separated word; *rest is what follows. */
static char *word(char *s, char **rest)
{
	char *p;

	s = trim(s);
	if (!*s) {
		*rest = s;
		return NULL;
	}
	for (p = s; *p && !isspace((unsigned char)*p); p++)
		;
	if (*p)
		*p++ = '\0';
	*rest = trim(p);
	return s;
}

static int parse_secs(const char *s, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (errno || *end || end == s || d < 0 || d > 86400)
		return -1;
	*out = d;
	return 0;
}

static int valid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' &&
		    *s != '.')
			return 0;
	return 1;
}

static char *dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

/* One line into st; returns 0, 1 for a blank line, -1 with err set. */
static int parse_line(char *line, struct step *st, char *err, size_t errlen)
{
	char *rest, *cmd, *w, *w2;

	strip_comment(line);
	cmd = word(line, &rest);
	if (!cmd)
		return 1;
	memset(st, 0, sizeof *st);

	if (!strcmp(cmd, "send")) {
		w = word(rest, &rest);
		if (!w || !valid_name(w)) {
			snprintf(err, errlen, "send needs an action name");
			return -1;
		}
		st->kind = SK_SEND;
		st->a1 = strdup(w);
		st->a2 = strdup(*rest ? rest : "{}");
		return 0;
	}
	if (!strcmp(cmd, "raw") || !strcmp(cmd, "print")) {
		if (!*rest && cmd[0] == 'r') {
			snprintf(err, errlen, "raw needs text to send");
			return -1;
		}
		st->kind = cmd[0] == 'r' ? SK_RAW : SK_PRINT;
		st->a1 = strdup(rest);
		return 0;
	}
	if (!strcmp(cmd, "expect")) {
		w = word(rest, &rest);
		if (!w) {
			snprintf(err, errlen,
			         "expect what? (result, error, "
			         "field, none, call, closed)");
			return -1;
		}
		if (!strcmp(w, "result") || !strcmp(w, "none")) {
			if (*rest)
				goto extra;
			st->kind =
			    w[0] == 'r' ? SK_EXPECT_RESULT : SK_EXPECT_NONE;
			return 0;
		}
		if (!strcmp(w, "error")) {
			w2 = word(rest, &rest);
			if (*rest)
				goto extra;
			st->kind = SK_EXPECT_ERROR;
			st->a1 = dup_or_null(w2);
			return 0;
		}
		if (!strcmp(w, "field")) {
			w2 = word(rest, &rest);
			if (!w2) {
				snprintf(err, errlen,
				         "expect field needs a path");
				return -1;
			}
			st->kind = SK_EXPECT_FIELD;
			st->a1 = strdup(w2);
			st->a2 = dup_or_null(rest);
			return 0;
		}
		if (!strcmp(w, "call")) {
			w2 = word(rest, &rest);
			if (!w2 || !valid_name(w2)) {
				snprintf(err, errlen,
				         "expect call needs an action name");
				return -1;
			}
			st->kind = SK_EXPECT_CALL;
			st->a1 = strdup(w2);
			goto opt_secs;
		}
		if (!strcmp(w, "closed")) {
			st->kind = SK_EXPECT_CLOSED;
			goto opt_secs;
		}
		snprintf(err, errlen, "unknown expect '%s'", w);
		return -1;
	}
	if (!strcmp(cmd, "save") || !strcmp(cmd, "set")) {
		w = word(rest, &rest);
		if (cmd[1] == 'a') {
			w2 = word(rest, &rest);
			if (!w || !w2 || *rest || !valid_name(w2)) {
				snprintf(err, errlen, "usage: save PATH VAR");
				return -1;
			}
			st->kind = SK_SAVE;
			st->a1 = strdup(w);
			st->a2 = strdup(w2);
			return 0;
		}
		if (!w || !valid_name(w)) {
			snprintf(err, errlen, "usage: set VAR VALUE");
			return -1;
		}
		st->kind = SK_SET;
		st->a1 = strdup(w);
		st->a2 = strdup(rest);
		return 0;
	}
	if (!strcmp(cmd, "wait") || !strcmp(cmd, "timeout")) {
		st->kind = cmd[0] == 'w' ? SK_WAIT : SK_TIMEOUT;
		if (parse_secs(rest, &st->secs) ||
		    (st->kind == SK_TIMEOUT && st->secs <= 0)) {
			snprintf(err, errlen, "%s needs seconds", cmd);
			return -1;
		}
		return 0;
	}
	if (!strcmp(cmd, "disconnect") || !strcmp(cmd, "reconnect")) {
		if (*rest)
			goto extra;
		st->kind = cmd[0] == 'd' ? SK_DISCONNECT : SK_RECONNECT;
		return 0;
	}
	if (!strcmp(cmd, "close")) {
		st->kind = SK_CLOSE;
		st->code = 1000;
		if (*rest) {
			char *end;
			long c = strtol(rest, &end, 10);

			if (*end || c < 1000 || c > 4999) {
				snprintf(err, errlen,
				         "close code must be 1000..4999");
				return -1;
			}
			st->code = (int)c;
		}
		return 0;
	}
	if (!strcmp(cmd, "answer")) {
		w = word(rest, &rest);
		if (!w || !valid_name(w) || !*rest) {
			snprintf(err, errlen,
			         "usage: answer ACTION JSON | answer ACTION "
			         "error CODE");
			return -1;
		}
		st->kind = SK_ANSWER;
		st->a1 = strdup(w);
		if (!strncmp(rest, "error", 5) &&
		    (rest[5] == '\0' || isspace((unsigned char)rest[5]))) {
			w2 = word(rest + 5, &rest);
			if (!w2 || *rest || !valid_name(w2)) {
				snprintf(err, errlen,
				         "answer ACTION error needs one code");
				return -1;
			}
			st->a3 = strdup(w2);
		} else {
			st->a2 = strdup(rest);
		}
		return 0;
	}
	snprintf(err, errlen, "unknown command '%s'", cmd);
	return -1;

opt_secs:
	if (*rest && parse_secs(rest, &st->secs)) {
		snprintf(err, errlen, "bad seconds '%s'", rest);
		return -1;
	}
	return 0;
extra:
	snprintf(err, errlen, "unexpected '%s'", rest);
	return -1;
}

int scenario_parse(const char *text, const char *name, struct scenario *sc,
                   char *err, size_t errlen)
{
	const char *p = text;
	int lineno = 0, cap = 0;

	memset(sc, 0, sizeof *sc);
	snprintf(sc->name, sizeof sc->name, "%s", name);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = malloc(n + 1), msg[256];
		struct step st;
		int r;

		if (!line)
			goto oom;
		memcpy(line, p, n);
		line[n] = '\0';
		lineno++;
		p += n + (nl ? 1 : 0);

		r = parse_line(line, &st, msg, sizeof msg);
		free(line);
		if (r < 0) {
			free(st.a1);
			free(st.a2);
			free(st.a3);
			snprintf(err, errlen, "%s:%d: %s", name, lineno, msg);
			scenario_free(sc);
			return -1;
		}
		if (r > 0)
			continue;
		st.line = lineno;
		if (sc->n == cap) {
			struct step *ns;

			cap = cap ? cap * 2 : 32;
			ns = realloc(sc->steps, (size_t)cap * sizeof *ns);
			if (!ns) {
				free(st.a1);
				free(st.a2);
				free(st.a3);
				goto oom;
			}
			sc->steps = ns;
		}
		sc->steps[sc->n++] = st;
	}
	return 0;
oom:
	snprintf(err, errlen, "%s: out of memory", name);
	scenario_free(sc);
	return -1;
}

int scenario_load(const char *path, struct scenario *sc, char *err,
                  size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text;
	long size;
	int r;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || size > 4 * 1024 * 1024) {
		snprintf(err, errlen, "%s: cannot read (or over 4 MiB)", path);
		fclose(f);
		return -1;
	}
	text = malloc((size_t)size + 1);
	if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) {
		snprintf(err, errlen, "%s: read error", path);
		free(text);
		fclose(f);
		return -1;
	}
	fclose(f);
	text[size] = '\0';
	r = scenario_parse(text, path, sc, err, errlen);
	free(text);
	return r;
}

void scenario_free(struct scenario *sc)
{
	int i;

	for (i = 0; i < sc->n; i++) {
		free(sc->steps[i].a1);
		free(sc->steps[i].a2);
		free(sc->steps[i].a3);
	}
	free(sc->steps);
	sc->steps = NULL;
	sc->n = 0;
}
