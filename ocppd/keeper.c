/*
 * keeper.c — the upkeep thread; see keeper.h.  Each pass runs every
 * table's upkeep in turn: they share the connection and never run at the
 * same time, so two ALTERs of one node never queue behind each other.
 */
#include "keeper.h"

#include <time.h>

#include "cp_events.h"
#include "db.h"
#include "log.h"
#include "mv_keep.h"
#include "oplog_part.h"
#include "file_tokens.h"
#include "files_keep.h"
#include "profile_expire.h"
#include "security_events.h"
#include "ticker.h"

#define PASS_EVERY_S 600

static const struct csms_config *cfg;
static struct ticker T = {.name = "upkeep", .every_s = PASS_EVERY_S};

static int stopping(void)
{
	return ticker_stopping(&T);
}

static void pass(struct db *db, void *arg)
{
	(void)arg;
	long today = (long)(time(NULL) / 86400);
	oplog_part_pass(db, cfg, today);
	if (!db->lost)
		mv_keep_pass(db, cfg, today, stopping);
	if (!db->lost)
		security_events_expire(db, cfg);
	if (!db->lost)
		cp_events_expire(db, cfg);
	if (!db->lost)
		file_tokens_expire(db);
	if (!db->lost)
		profile_expire_pass(db, cfg);
	if (!db->lost)
		files_keep_pass(db, cfg);
}

int keeper_start(const struct csms_config *c, char *err, size_t errlen)
{
	cfg = c;
	T.run = pass;
	return ticker_start(&T, c, err, errlen);
}

void keeper_stop(void)
{
	ticker_stop(&T);
}
