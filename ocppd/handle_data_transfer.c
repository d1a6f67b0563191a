/*
 * handle_data_transfer.c — DataTransfer: no vendor extensions are
 * configured, so every vendorId is unknown (a normal answer, not an
 * error).  Runs on the event loop: nothing to store.
 */
#include "handlers.h"
#include "jsonutil.h"

enum hres handle_data_transfer(struct hctx *c, const cJSON *req, cJSON *conf)
{
	hctx_audit(c, "vendorId=%s messageId=%s status=UnknownVendorId",
	           json_str(req, "vendorId", "-"),
	           json_str(req, "messageId", "-"));
	return json_add_str(conf, "status", "UnknownVendorId") ? H_INTERNAL
	                                                       : H_OK;
}
