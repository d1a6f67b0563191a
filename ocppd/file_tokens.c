/*
 * file_tokens.c — see file_tokens.h.
 */
#include "file_tokens.h"

#include "log.h"

#define SLICE 10000

void file_tokens_expire(struct db *db)
{
	long long n;
	do {
		n = db_exec(db,
		            "DELETE FROM file_tokens WHERE expires_at < "
		            "UTC_TIMESTAMP(3) - INTERVAL 1 DAY LIMIT 10000",
		            "");
		if (n < 0) {
			log_warn("ocppd: file tokens expiry: %s", db_error(db));
			return;
		}
	} while (n == SLICE);
}
