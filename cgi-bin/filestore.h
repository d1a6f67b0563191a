/*
 * filestore.h — how the web tier writes a file into files_dir: to a
 * temporary ".part-" file first (SHA-256 computed on the way), renamed to
 * its final name only once ocppd recorded it, removed otherwise — so a
 * refused or cut-off upload leaves nothing behind under a real name.
 */
#ifndef CSMS_FILESTORE_H
#define CSMS_FILESTORE_H

#include <stddef.h>

struct filestore {
	int fd;
	char dir[512];
	char tmp[600];
	void *md; /* EVP_MD_CTX */
	long long size;
	char sha256[65];
};

/* A new temporary file in dir.  0, or -1 (errno set). */
int filestore_open(struct filestore *fs, const char *dir);
int filestore_write(struct filestore *fs, const void *buf, size_t n);
/* Closes the file and sets fs->sha256.  0 or -1. */
int filestore_finish(struct filestore *fs);
/* Gives the file its final name in dir (never over an existing one). */
int filestore_commit(struct filestore *fs, const char *name);
/* Removes the temporary file (after open; any time). */
void filestore_abort(struct filestore *fs);

#endif
