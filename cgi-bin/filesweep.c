/*
 * filesweep.c — see filesweep.h.
 */
#include "filesweep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define EVERY_S     600
#define NAMED_AGE_S 3600  /* a file is named a moment before its row */
#define PART_AGE_S  86400 /* an upload still being written */
#define CHECK_MAX   20000 /* names looked at in one sweep */

/* Only names csms-c gives (files_op.c, ui-firmware.c): a files_dir set
 * to a shared directory by mistake loses nothing else. */
static int ours(const char *n)
{
	return !strncmp(n, "diagnostics-", 12) || !strncmp(n, "log-", 4) ||
	       !strncmp(n, "firmware-", 9) || !strncmp(n, ".part-", 6);
}

/* 1 when a row names stored (or the database cannot say). */
static int named(struct db *db, const char *stored)
{
	struct db_rows rows;
	if (db_query(db, &rows,
	             "SELECT (SELECT COUNT(*) FROM cp_files WHERE stored_name "
	             "= ?) + (SELECT COUNT(*) FROM firmware WHERE "
	             "stored_name = ?)",
	             "ss", stored, stored))
		return 1;
	int rc = db_next(&rows);
	long long n = rc == 1 ? db_int(&rows, 0) : 1;
	db_rows_end(&rows);
	return rc != 1 || n > 0;
}

/* Takes the sweep: 1 when the stamp was old (or absent) and is now
 * renewed.  Two processes may both take it at the same moment; a double
 * sweep is harmless. */
static int take(const char *dir, time_t now)
{
	char path[1024];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", dir, FILESWEEP_STAMP);
	if (!stat(path, &st) && now - st.st_mtime < EVERY_S)
		return 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return 0;
	futimens(fd, NULL);
	close(fd);
	return 1;
}

void filesweep_maybe(struct db *db, const char *files_dir, int64_t now_ms)
{
	time_t now = (time_t)(now_ms / 1000);
	if (!files_dir[0] || !take(files_dir, now))
		return;
	DIR *d = opendir(files_dir);
	if (!d)
		return;
	int checked = 0, removed = 0;
	struct dirent *e;
	char path[1024];
	while ((e = readdir(d)) && checked < CHECK_MAX) {
		const char *n = e->d_name;
		int part = !strncmp(n, ".part-", 6);
		if (!ours(n))
			continue;
		struct stat st;
		if (snprintf(path, sizeof path, "%s/%s", files_dir, n) >=
		        (int)sizeof path ||
		    lstat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		if (now - st.st_mtime < (part ? PART_AGE_S : NAMED_AGE_S))
			continue;
		checked++;
		if (!part && named(db, n))
			continue;
		if (unlink(path) && errno != ENOENT) {
			log_warn("files: %s: %s", path, strerror(errno));
			continue;
		}
		log_info("files: removed %s (no row names it)", n);
		removed++;
	}
	closedir(d);
	if (removed)
		log_info("files: sweep of %s removed %d files", files_dir,
		         removed);
}
