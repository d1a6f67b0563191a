/*
 * secquery.h — the security event log as the API and the dashboard read
 * it (sql/025, docs/security-events.md): newest first, filtered by charge
 * point, critical or not and type.  Every filter is fixed in the
 * statement (`? = '' OR col = ?`), so one prepared statement serves all.
 */
#ifndef CSMS_SECQUERY_H
#define CSMS_SECQUERY_H

#define SECQ_FILTER                                                            \
	"WHERE (? = '' OR cp_id = ?) AND (? = '' OR critical = ?) "            \
	"AND (? = '' OR type = ?) "

/* Parameters: cp_id twice, critical ("", "0" or "1") twice, type twice;
 * then limit and offset. */
#define SECQ_PAGE                                                              \
	"SELECT id, cp_id, type, ts, tech_info, critical, received_at "        \
	"FROM security_events " SECQ_FILTER                                    \
	"ORDER BY id DESC LIMIT ? OFFSET ?"
#define SECQ_COUNT "SELECT COUNT(*) FROM security_events " SECQ_FILTER

enum secq_col {
	SECQ_ID,
	SECQ_CP,
	SECQ_TYPE,
	SECQ_TS,
	SECQ_TECH_INFO,
	SECQ_CRITICAL,
	SECQ_RECEIVED
};

#endif
