/*
 * api-local-lists.h — GET /local-lists: each charge point's local
 * authorization list as ocppd keeps it (local_list = all,
 * docs/local-list.md): the version it confirmed, the one on its way, the
 * last update's type and answer; ?status= and ?cp_id= narrow it.  The
 * version the id tag table is at comes with it, so "behind" is visible.
 */
#ifndef CSMS_API_LOCAL_LISTS_H
#define CSMS_API_LOCAL_LISTS_H

#include "api-req.h"

void api_local_lists(struct api_req *r);

#endif
