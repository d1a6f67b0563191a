/*
 * filestore.c — see filestore.h.
 */
#include "filestore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "hex.h"

int filestore_open(struct filestore *fs, const char *dir)
{
	memset(fs, 0, sizeof *fs);
	fs->fd = -1;
	snprintf(fs->dir, sizeof fs->dir, "%s", dir);
	snprintf(fs->tmp, sizeof fs->tmp, "%s/.part-XXXXXX", dir);
	fs->md = EVP_MD_CTX_new();
	if (!fs->md || EVP_DigestInit_ex(fs->md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(fs->md);
		fs->md = NULL;
		errno = ENOMEM;
		return -1;
	}
	/* mkstemp: 0600; group readers (ocppd's group, backups) get 0640. */
	fs->fd = mkstemp(fs->tmp);
	if (fs->fd < 0) {
		EVP_MD_CTX_free(fs->md);
		fs->md = NULL;
		fs->tmp[0] = '\0';
		return -1;
	}
	fchmod(fs->fd, 0640);
	return 0;
}

int filestore_write(struct filestore *fs, const void *buf, size_t n)
{
	const char *p = buf;
	if (EVP_DigestUpdate(fs->md, buf, n) != 1)
		return -1;
	while (n) {
		ssize_t w = write(fs->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
		fs->size += w;
	}
	return 0;
}

int filestore_finish(struct filestore *fs)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	int rc =
	    EVP_DigestFinal_ex(fs->md, md, &len) == 1 && len == 32 ? 0 : -1;
	if (!rc)
		hex_encode(md, len, fs->sha256);
	EVP_MD_CTX_free(fs->md);
	fs->md = NULL;
	if (fsync(fs->fd) || close(fs->fd))
		rc = -1;
	fs->fd = -1;
	return rc;
}

int filestore_commit(struct filestore *fs, const char *name)
{
	char path[1024];
	if (strchr(name, '/') || name[0] == '.' ||
	    snprintf(path, sizeof path, "%s/%s", fs->dir, name) >=
	        (int)sizeof path)
		return -1;
	/* link + unlink: never replaces a file of that name. */
	if (link(fs->tmp, path))
		return -1;
	unlink(fs->tmp);
	fs->tmp[0] = '\0';
	return 0;
}

void filestore_abort(struct filestore *fs)
{
	if (fs->md) {
		EVP_MD_CTX_free(fs->md);
		fs->md = NULL;
	}
	if (fs->fd >= 0) {
		close(fs->fd);
		fs->fd = -1;
	}
	if (fs->tmp[0]) {
		unlink(fs->tmp);
		fs->tmp[0] = '\0';
	}
}
