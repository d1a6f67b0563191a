/*
 * api-transactions.h — GET /transactions (paginated), /transactions.csv
 * (the same filters, streamed), /transactions/{id} (with its meter
 * values) and /transactions/{id}/meter-values[.csv] (its meter values,
 * filtered by measurand, phase and time).
 */
#ifndef CSMS_API_TRANSACTIONS_H
#define CSMS_API_TRANSACTIONS_H

#include "api-req.h"

void api_tx_list(struct api_req *r);
void api_tx_csv(struct api_req *r);
void api_tx_one(struct api_req *r);
void api_tx_meter_values(struct api_req *r);
void api_tx_meter_values_csv(struct api_req *r);

#endif
