/*
 * api-tags.h — the id tags as a CSV file: GET /tags.csv exports them,
 * POST /tags.csv (text/csv) imports them through ocppd's tag_import
 * (docs/tags.md); and GET /connection-attempts, the refused and unknown
 * connection attempts ocppd remembers (docs/security.md).
 */
#ifndef CSMS_API_TAGS_H
#define CSMS_API_TAGS_H

#include "api-req.h"

void api_tags_csv(struct api_req *r);
void api_connection_attempts(struct api_req *r);

#endif
