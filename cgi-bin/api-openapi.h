/*
 * api-openapi.h — the API describing itself: GET /openapi.json (OpenAPI
 * 3), GET /docs (to the page that renders it) and GET / (an index).
 */
#ifndef CSMS_API_OPENAPI_H
#define CSMS_API_OPENAPI_H

#include <cjson/cJSON.h>

#include "api-req.h"

/* A new OpenAPI tree whose server URL is server_url (SCRIPT_NAME); the
 * caller frees it.  NULL when out of memory. */
cJSON *api_openapi_doc(const char *server_url);

void api_openapi(struct api_req *r);
void api_docs(struct api_req *r);
void api_index(struct api_req *r);

#endif
