/*
 * api-sites.h — /sites (with per-site totals) and /groups, and the
 * changes to them through ocppd: site_add, site_update, site_delete,
 * group_add, group_update, group_delete, group_add_cp, group_remove_cp,
 * cp_set_site (docs/sites.md, docs/api.md).  ocppd checks every change
 * (sites_parse.c); this file only carries the body there.
 */
#ifndef CSMS_API_SITES_H
#define CSMS_API_SITES_H

#include "api-req.h"

#define API_SITES_LIMIT     100
#define API_SITES_LIMIT_MAX 500

/* GET /sites?after=&limit= lists a page, POST adds. */
void api_sites_route(struct api_req *r);
/* GET, PUT and DELETE /sites/{id}. */
void api_site_route(struct api_req *r);
/* GET /groups?cp_id= lists, POST adds. */
void api_groups_route(struct api_req *r);
/* PUT and DELETE /groups/{id}. */
void api_group_route(struct api_req *r);
/* PUT /groups/{id}/members/{cp_id} adds, DELETE removes. */
void api_group_member(struct api_req *r);
/* PUT /cps/{cp_id}/site {"site_id": N | null}. */
void api_cp_site(struct api_req *r);

#endif
