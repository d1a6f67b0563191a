/*
 * handle_authorize.c — Authorize: the idTagInfo of the presented tag.
 */
#include "handlers.h"
#include "id_tag.h"
#include "jsonutil.h"
#include "prefetch.h"

enum hres handle_authorize(struct hctx *c, const cJSON *req, cJSON *conf)
{
	const char *tag = json_str(req, "idTag", "");
	struct id_tag_info info;
	if (id_tag_lookup(c, tag, 1, 0, &info))
		return hctx_db_error(c);
	if (id_tag_info_json(&info, conf))
		return H_INTERNAL;
	hctx_audit(c, "idTag=%s status=%s", tag, info.status);
	return H_OK;
}

void handle_authorize_prefetch(struct prefetch *pf, const char *cp_id,
                               const cJSON *req)
{
	(void)cp_id;
	prefetch_want_tag(pf, json_str(req, "idTag", NULL));
}
