/*
 * api-transactions.h — GET /transactions (paginated), /transactions.csv
 * (the same filters, streamed) and /transactions/{id} (with its meter
 * values).
 */
#ifndef CSMS_API_TRANSACTIONS_H
#define CSMS_API_TRANSACTIONS_H

#include "api.h"

/*
 * The open transactions, as a join that uses an index although stop_ts
 * has none of its own: a loose index scan of idx_tx_open (cp_id,
 * connector_id, stop_ts) lists the (cp_id, connector_id) pairs, and each
 * pair's open transaction is one index dive.  A few thousand dives
 * instead of reading a million rows.  The open rows are "alias".
 */
#define API_SQL_OPEN_TX(alias)                                                 \
	"(SELECT DISTINCT cp_id, connector_id FROM transactions) g"            \
	" JOIN transactions " alias " ON " alias ".cp_id = g.cp_id AND " alias \
	".connector_id = g.connector_id AND " alias ".stop_ts IS NULL"

void api_tx_list(struct api_req *r);
void api_tx_csv(struct api_req *r);
void api_tx_one(struct api_req *r);

#endif
