/*
 * tags_import.h — the control op tag_import: {"rows": [{id_tag, name,
 * status, expiry_date, parent_id_tag, max_concurrent_tx}, ...],
 * "lines": [N, ...]} adds the tags that are new and updates those that
 * exist, each row checked as tag_add / tag_update check one; the answer
 * reports each row: added, updated, unchanged or refused with why.  The
 * web tier turns a CSV file into such chunks (docs/tags.md).
 */
#ifndef OCPPD_TAGS_IMPORT_H
#define OCPPD_TAGS_IMPORT_H

#define TAG_IMPORT_MAX 500 /* rows per request */

struct control_req;
void tags_import_request(const struct control_req *r);

#endif
