/*
 * loadquery.h — what site load management holds (sql/021,
 * docs/load-management.md), as the API's /sites/{id}/load and the site
 * page read it: each session's share and what its charge point answered,
 * each charge point's default, and the latest decisions.
 */
#ifndef CSMS_LOADQUERY_H
#define CSMS_LOADQUERY_H

/* ? site id, ? limit.  Sessions first, then the defaults. */
#define LOADQ_ALLOC                                                            \
	"SELECT a.cp_id, a.connector_id, a.transaction_id, a.target_da, "      \
	"a.accepted_da, a.status, a.answer, a.updated_at, cp.lm_phases, "      \
	"cp.lm_min_a, cp.lm_max_a, cp.lm_priority FROM load_alloc a "          \
	"JOIN charge_points cp ON cp.id = a.cp_id WHERE a.site_id = ? "        \
	"ORDER BY a.transaction_id = 0, a.cp_id, a.connector_id LIMIT ?"

enum loadq_alloc_col {
	LOADQ_CP,
	LOADQ_CONNECTOR,
	LOADQ_TX,        /* 0: the charge point's default profile */
	LOADQ_TARGET_DA, /* -1: being cleared */
	LOADQ_ACCEPTED_DA,
	LOADQ_STATUS,
	LOADQ_ANSWER,
	LOADQ_UPDATED,
	LOADQ_PHASES,
	LOADQ_MIN_A,
	LOADQ_MAX_A,
	LOADQ_PRIORITY
};

/* ? site id, ? limit: newest first. */
#define LOADQ_DECISIONS                                                        \
	"SELECT decided_at, node_id, result, limit_da, sessions, plan "        \
	"FROM load_decisions WHERE site_id = ? ORDER BY id DESC LIMIT ?"

enum loadq_decision_col {
	LOADQ_D_AT,
	LOADQ_D_NODE,
	LOADQ_D_RESULT,
	LOADQ_D_LIMIT_DA,
	LOADQ_D_SESSIONS,
	LOADQ_D_PLAN /* JSON: [{cp_id, connector_id, transaction_id, share_a,
	                limit_a, drawing_a, obeys}] */
};

/* A charge point's settings: ? cp id. */
#define LOADQ_CP_SETTINGS                                                      \
	"SELECT lm_phases, lm_min_a, lm_max_a, lm_priority, site_id "          \
	"FROM charge_points WHERE id = ?"

#endif
