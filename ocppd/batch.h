/*
 * batch.h — what a database worker keeps for the jobs of its batches:
 * its connection, the caches that outlive a batch (session owners,
 * connectors known to exist), the batch's deferred multi-row writes and
 * the reads done up front.  batch_ops brackets each transaction for dbq.
 */
#ifndef OCPPD_BATCH_H
#define OCPPD_BATCH_H

#include "coalesce.h"
#include "config.h"
#include "conncache.h"
#include "db.h"
#include "dbq.h"
#include "prefetch.h"
#include "txcache.h"

struct batch {
	struct db *db;
	const struct csms_config *cfg;
	struct txcache txc;
	struct conncache cc;
	struct coalesce co;
	struct prefetch pf;
};

extern const struct dbq_batch_ops batch_ops;

/* The statement texts the batches share; once, before dbq_start. */
int batch_init(void);
void batch_cleanup(void);

#endif
