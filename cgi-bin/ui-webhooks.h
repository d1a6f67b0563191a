/*
 * ui-webhooks.h — /webhooks: the webhook subscriptions and their delivery
 * log, read-only (changes go through the API, docs/notifications.md).
 */
#ifndef CSMS_UI_WEBHOOKS_H
#define CSMS_UI_WEBHOOKS_H

#include "ui-shared.h"

void ui_webhooks(struct ui_req *r, const char *arg);

#endif
