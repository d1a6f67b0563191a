/*
 * auditquery.h — the audit trail as the API and the dashboard read it
 * (sql/026): newest first, filtered by who and kind.  Every filter is
 * fixed in the statement (`? = '' OR col = ?`), so one prepared statement
 * serves all.
 */
#ifndef CSMS_AUDITQUERY_H
#define CSMS_AUDITQUERY_H

#define AUDITQ_FILTER "WHERE (? = '' OR who = ?) AND (? = '' OR kind = ?) "

/* Parameters: who twice, kind twice; then limit and offset. */
#define AUDITQ_PAGE                                                            \
	"SELECT id, at, who, kind, op, subject, detail FROM "                  \
	"audit " AUDITQ_FILTER "ORDER BY id DESC LIMIT ? OFFSET ?"
#define AUDITQ_COUNT "SELECT COUNT(*) FROM audit " AUDITQ_FILTER

enum auditq_col {
	AUDITQ_ID,
	AUDITQ_AT,
	AUDITQ_WHO,
	AUDITQ_KIND,
	AUDITQ_OP,
	AUDITQ_SUBJECT,
	AUDITQ_DETAIL
};

/* The accounts, by user. */
#define ACCOUNTQ_LIST                                                          \
	"SELECT user, role, created_at, updated_at, updated_by "               \
	"FROM web_users ORDER BY user"

#endif
