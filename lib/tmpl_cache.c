/*
 * tmpl_cache.c — parsed template files, kept per process by path.
 *
 * A file is parsed once; each render stat()s every file it uses once and
 * re-parses a file whose mtime, size or inode changed.  Includes are looked
 * up here when the renderer reaches them.
 */
#define _POSIX_C_SOURCE 200809L
#include "tmpl_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
	struct tmpl *head;
	unsigned gen; /* bumped per render: each file is stat()ed once */
	int busy;     /* a render is running */
} cache;

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_size == b->st_size && a->st_ino == b->st_ino &&
	       a->st_dev == b->st_dev;
}

/* Reads a regular file whole; returns the NUL-terminated contents or NULL
 * with errno set. */
static char *read_file(const char *path, struct stat *st, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), saved;
	char *buf = NULL;
	size_t got = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, st))
		goto fail;
	if (!S_ISREG(st->st_mode)) {
		errno = S_ISDIR(st->st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	if (!(buf = malloc((size_t)st->st_size + 1)))
		goto fail;
	while (got < (size_t)st->st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st->st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* shrank under us: parse what is there */
		got += (size_t)n;
	}
	close(fd);
	buf[got] = 0;
	*len = got;
	return buf;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return NULL;
}

static void cache_drop(struct tmpl *t)
{
	for (struct tmpl **pp = &cache.head; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			tmpl__free(t);
			return;
		}
}

/*
 * Returns the parsed template for path, re-reading it if it changed since
 * it was parsed.  On failure returns NULL: with err set for a syntax error,
 * or with err empty and errno set if the file could not be read.
 */
struct tmpl *tmpl__cache_get(const char *path, char *err, size_t errlen)
{
	struct tmpl *t, *old;
	struct stat st;
	size_t len;
	char *src;

	err[0] = 0;
	for (old = cache.head; old; old = old->next)
		if (!strcmp(old->name, path))
			break;
	if (old && old->gen == cache.gen)
		return old;
	if (old && !stat(path, &st) && same_file(&st, &old->st)) {
		old->gen = cache.gen;
		return old;
	}
	/* first use in this render, so the old tree is not being walked */
	if (old)
		cache_drop(old);
	if (!(src = read_file(path, &st, &len)))
		return NULL;
	if (!(t = tmpl__new(path, src, len))) {
		free(src);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	if (tmpl__parse(t, err, errlen)) {
		tmpl__free(t);
		return NULL;
	}
	t->st = st;
	t->gen = cache.gen;
	t->next = cache.head;
	cache.head = t;
	return t;
}

void TMPL_clear_cache(void)
{
	if (cache.busy)
		return;
	while (cache.head)
		cache_drop(cache.head);
}

int tmpl__cache_busy(void)
{
	return cache.busy;
}

void tmpl__cache_begin(void)
{
	cache.busy = 1;
	cache.gen++;
}

void tmpl__cache_end(void)
{
	cache.busy = 0;
}
