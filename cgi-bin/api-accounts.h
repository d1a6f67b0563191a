/*
 * api-accounts.h — the web accounts and their roles (GET/POST /accounts,
 * PUT/DELETE /accounts/{user}; writes through ocppd's account_set and
 * account_delete), and the audit trail (GET /audit).  Admins only: the
 * route table says so (api.c).
 */
#ifndef CSMS_API_ACCOUNTS_H
#define CSMS_API_ACCOUNTS_H

#include "api-req.h"

void api_accounts_route(struct api_req *r);
void api_account_route(struct api_req *r);
void api_audit(struct api_req *r);

#endif
