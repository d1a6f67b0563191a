/*
 * api-webhooks.h — /webhooks: the subscriptions (never their secrets),
 * changes to them through ocppd (webhook_add, webhook_update,
 * webhook_delete), and /webhooks/{id}/deliveries, the delivery log
 * (docs/api.md, docs/notifications.md).
 */
#ifndef CSMS_API_WEBHOOKS_H
#define CSMS_API_WEBHOOKS_H

#include "api-req.h"

/* GET lists, POST adds. */
void api_webhooks_route(struct api_req *r);
/* PUT /webhooks/{id} updates, DELETE removes. */
void api_webhook_route(struct api_req *r);
/* GET /webhooks/{id}/deliveries?status=&limit= */
void api_webhook_deliveries(struct api_req *r);

#endif
