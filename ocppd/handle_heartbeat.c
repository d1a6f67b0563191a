/*
 * handle_heartbeat.c — Heartbeat: the clock.  Runs on the event loop so
 * heartbeats keep flowing while the database restarts; dispatch queues the
 * last_heartbeat write separately, best effort.
 */
#include "handlers.h"
#include "jsonutil.h"
#include "timeutil.h"

enum hres handle_heartbeat(struct hctx *c, const cJSON *req, cJSON *conf)
{
	(void)req;
	char now[32];
	time_format_iso8601(c->now_ms, now);
	return json_add_str(conf, "currentTime", now) ? H_INTERNAL : H_OK;
}
