/*
 * tmpl.h — HTML page templates for the dashboard, in the tag language and
 * API of "C Template" (ctemplate, Stephen C. Losen's C port of Perl's
 * HTML::Template).  docs/templates.md is the reference for template authors.
 *
 * Tags (names case-insensitive; also written <!-- TMPL_VAR ... -->):
 *   <TMPL_VAR name="x" default="..." fmt="...">   (or <TMPL_VAR x>)
 *   <TMPL_IF name="x" [value="..."]> <TMPL_ELSIF ...> <TMPL_ELSE> </TMPL_IF>
 *   <TMPL_LOOP name="rows"> ... <TMPL_BREAK|TMPL_CONTINUE [level=n]> ...
 *   </TMPL_LOOP>
 *   <TMPL_INCLUDE name="header.tmpl">
 *   <* comment *>   <TMPL_COMMENT> ... </TMPL_COMMENT>
 *
 * Choices the original leaves open, or where we differ, made here once:
 *
 * - Escaping is ON by default.  A TMPL_VAR without fmt= goes through the
 *   "entity" format (HTML-escapes & < > " ' CR LF).  Unescaped output must be
 *   written fmt="raw" in the template, where a reviewer sees it.  The
 *   default can be changed per call with TMPL_options.default_fmt (e.g.
 *   "raw" for a text/plain body), never globally.
 * - Lookup: inside a loop a name is looked up in the current row first, then
 *   in each enclosing row, then in the top-level list, as ctemplate does
 *   (HTML::Template's global_vars behaviour).  Names are case-sensitive.  If
 *   a list holds a name twice, the last value added wins.  A simple variable
 *   hides a loop of the same name in TMPL_IF.
 * - TMPL_IF name="x" is true when x is a non-empty variable ("0" is true) or a
 *   loop with rows; value="v" compares strings; value="" is true when x is
 *   missing or empty.
 * - TMPL_INCLUDE paths are relative to the directory of the including
 *   template (ctemplate resolves them from the process cwd unless they start
 *   with ".../"; ".../x" is accepted and means the same as "x" here).
 *   Absolute paths are used as they are.  Includes nested deeper than
 *   TMPL_MAX_INCLUDE_DEPTH are an error (recursive include).
 * - TMPL_BREAK/TMPL_CONTINUE must sit inside a TMPL_LOOP of the same file.
 * - Any syntax error (unknown TMPL_ tag, unclosed IF/LOOP, stray closer, bad
 *   attribute, missing include, unknown fmt...) fails the whole call with a
 *   "file:line: <tag> problem" message and NOTHING is written to `out`: the
 *   page is rendered into memory first.  ctemplate would print bad tags as
 *   text instead.
 *
 * Cache: template files are parsed once per process and kept by path; each
 * render stat()s every file it uses once and re-parses a file whose mtime,
 * size or inode changed.  Templates given as a string (tmplstr) are parsed on
 * every call.
 *
 * Not thread-safe: the cache is process-global and unlocked (FastCGI workers
 * are single-threaded).  Do not call TMPL_write/TMPL_render/TMPL_clear_cache
 * from inside a format function.
 *
 * Under FastCGI do not let <fcgi_stdio.h> redefine FILE in code that passes a
 * FILE * to this library or implements a TMPL_fmtfunc: use TMPL_render and
 * write the buffer with FCGX_PutStr (fcgiapp.h), or a plain stdio FILE.
 */
#ifndef CSMS_TMPL_H
#define CSMS_TMPL_H

#include <stddef.h>
#include <stdio.h>

#define TMPL_MAX_INCLUDE_DEPTH 30

typedef struct TMPL_varlist TMPL_varlist;
typedef struct TMPL_loop TMPL_loop;
typedef struct TMPL_fmtlist TMPL_fmtlist;

/* Writes `value` to `out` formatted; value is never NULL. */
typedef void (*TMPL_fmtfunc)(const char *value, FILE *out);

/*
 * Adds name/value pairs, copying both strings; terminate the list with
 * (char *)NULL (a plain 0 is not a pointer in a variadic call).  A NULL
 * value also ends the list, so pass "" for an empty value.  A NULL varlist
 * creates a new list, which is returned.  Appending is amortised O(1); lists
 * that grow past a few entries get a hash index.  If memory runs out the
 * list is marked and TMPL_write on it fails with "out of memory".
 */
TMPL_varlist *TMPL_add_var(TMPL_varlist *varlist, ...);

/*
 * Attaches `loop` (rows made with TMPL_add_varlist) to `varlist` under
 * `name` (copied); varlist then owns the loop.  A loop that already belongs
 * to a list, or whose rows contain varlist, is refused (varlist is returned
 * unchanged and the caller still owns the loop).
 */
TMPL_varlist *TMPL_add_loop(TMPL_varlist *varlist, const char *name,
                            TMPL_loop *loop);

/*
 * Appends `varlist` as the next row of `loop` (NULL creates the loop); the
 * loop then owns the row.  A row already in a loop is refused.
 */
TMPL_loop *TMPL_add_varlist(TMPL_loop *loop, TMPL_varlist *varlist);

/*
 * Registers a format function for fmt="name" (name copied; registering a
 * name again replaces the function).  NULL fmtlist creates the list.  The
 * built-in formats "entity", "url" and "raw" always exist and cannot be
 * replaced.
 */
TMPL_fmtlist *TMPL_add_fmt(TMPL_fmtlist *fmtlist, const char *name,
                           TMPL_fmtfunc fmtfunc);

typedef struct TMPL_options {
	/* format for TMPL_VAR tags without fmt=; NULL means "entity" */
	const char *default_fmt;
} TMPL_options;

/*
 * Renders a template into a malloc'd, NUL-terminated buffer (*out, length
 * *outlen; the caller frees it).  The template is the file `filename`, or
 * the string `tmplstr` if that is not NULL, in which case `filename` (may be
 * NULL) only names it in messages and gives the directory for includes.
 * opts may be NULL.  Returns 0, or -1 with *out = NULL and a one-line
 * message in err.
 */
int TMPL_render(const char *filename, const char *tmplstr,
                const TMPL_fmtlist *fmtlist, const TMPL_varlist *varlist,
                const TMPL_options *opts, char **out, size_t *outlen, char *err,
                size_t errlen);

/*
 * ctemplate's entry point: TMPL_render with default options, then the page
 * goes to `out`.  Returns 0, or -1 after writing the message and a newline
 * to errout (if not NULL); on error nothing is written to `out`.
 */
int TMPL_write(const char *filename, const char *tmplstr,
               const TMPL_fmtlist *fmtlist, const TMPL_varlist *varlist,
               FILE *out, FILE *errout);

/* Frees a top-level list with all its loops and rows; NULL is a no-op.  A
 * list that is a row of a loop is freed with its loop, so it is ignored. */
void TMPL_free_varlist(TMPL_varlist *varlist);
void TMPL_free_fmtlist(TMPL_fmtlist *fmtlist);

/* Forgets every cached template (e.g. on SIGHUP, and before exit so leak
 * checkers stay quiet). */
void TMPL_clear_cache(void);

/* The built-in "entity" and "url" formats, for C code and for ctemplate-era
 * code that registers them by hand.  url keeps A-Z a-z 0-9 - . _ ~ and
 * writes everything else as %XX (space is %20, not "+"). */
void TMPL_encode_entity(const char *value, FILE *out);
void TMPL_encode_url(const char *value, FILE *out);

#endif
