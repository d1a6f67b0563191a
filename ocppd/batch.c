/*
 * batch.c — a worker's batch state and the hooks around its transaction;
 * see batch.h.
 */
#include "batch.h"

#include <stdlib.h>

static struct batch *batch_open(struct db *db, const struct csms_config *cfg)
{
	struct batch *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->db = db;
	b->cfg = cfg;
	b->co.known = &b->cc;
	return b;
}

static void batch_begin(struct batch *b)
{
	coalesce_reset(&b->co);
	prefetch_reset(&b->pf);
}

static int batch_fetch(struct batch *b)
{
	return prefetch_fetch(&b->pf, b->db);
}

static int batch_flush(struct batch *b)
{
	return coalesce_flush(&b->co, b->db);
}

static void batch_committed(struct batch *b, int64_t now_ms)
{
	coalesce_committed(&b->co, now_ms);
}

static void batch_close(struct batch *b)
{
	free(b);
}

const struct dbq_batch_ops batch_ops = {
    batch_open,  batch_begin,     batch_fetch,
    batch_flush, batch_committed, batch_close,
};

int batch_init(void)
{
	if (coalesce_init() || prefetch_init()) {
		batch_cleanup();
		return -1;
	}
	return 0;
}

void batch_cleanup(void)
{
	coalesce_cleanup();
	prefetch_cleanup();
}
