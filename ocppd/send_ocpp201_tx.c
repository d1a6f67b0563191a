/*
 * send_ocpp201_tx.c — 2.0.1's transaction questions and notices:
 * GetTransactionStatus (functional block E: is the transaction still
 * going, are its messages still queued; the answer is the command's
 * outcome) and CostUpdated (functional block I: the running cost of a
 * session, shown by the station).  CostUpdated is a command only: the
 * caller gives totalCost (docs/ocpp201.md says why nothing sends it by
 * itself).
 */
#include <stdio.h>

#include "jsonutil.h"
#include "send.h"

static const char *flag(const cJSON *conf, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(conf, key);
	return cJSON_IsBool(v) ? (cJSON_IsTrue(v) ? "true" : "false") : "-";
}

static void audit_status(const cJSON *req, const cJSON *conf, char *out,
                         size_t len)
{
	snprintf(out, len, "transactionId=%s ongoing=%s messagesInQueue=%s",
	         json_str(req, "transactionId", "-"),
	         flag(conf, "ongoingIndicator"), flag(conf, "messagesInQueue"));
}

/* A cost is money: not negative. */
static int build_cost(const cJSON *params, cJSON **payload, char *why,
                      size_t whylen)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(params, "totalCost");
	if (cJSON_IsNumber(c) && c->valuedouble < 0) {
		snprintf(why, whylen, "totalCost: not negative");
		return -1;
	}
	*payload = cJSON_Duplicate(params, 1);
	return *payload ? 0 : -1;
}

static void audit_cost(const cJSON *req, const cJSON *conf, char *out,
                       size_t len)
{
	(void)conf;
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(req, "totalCost");
	snprintf(out, len, "transactionId=%s totalCost=%.2f",
	         json_str(req, "transactionId", "-"),
	         cJSON_IsNumber(c) ? c->valuedouble : 0.0);
}

const struct send_op send201_get_transaction_status = {"GetTransactionStatus",
                                                       0, NULL, audit_status};
const struct send_op send201_cost_updated = {"CostUpdated", 0, build_cost,
                                             audit_cost};
