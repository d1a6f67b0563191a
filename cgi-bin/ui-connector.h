/*
 * ui-connector.h — connectors with their running transaction, as the
 * overview and the charge point page both show them.
 */
#ifndef CSMS_UI_CONNECTOR_H
#define CSMS_UI_CONNECTOR_H

#include "ui-shared.h"

struct ui_connector {
	const char *cp_id; /* valid during the callback only */
	int id;            /* 0 is the charge point as a whole */
	const char *status;
	int has_tx;
	int64_t tx_start; /* ms UTC */
	double tx_wh;     /* energy so far of the running transaction */
	/*
	 * The template variables: cid, label, status, status_class,
	 * error (unless NoError), info, vendor_error, since, since_iso, and
	 * for a running transaction tx, tx_id, tx_tag, tx_kwh, tx_duration,
	 * tx_start, and its latest samples tx_power ("7.4 kW") and tx_soc
	 * ("62 %") when it sent any.  The callback owns them.
	 */
	TMPL_varlist *vars;
};

typedef void (*ui_connector_fn)(struct ui_connector *c, void *arg);

/* The most charge points one call loads: a page of the overview. */
#define UI_CONNECTORS_IDS_MAX 50

/*
 * Calls fn for every connector of the n charge points ids (1 ..
 * UI_CONNECTORS_IDS_MAX), in (cp_id, connector_id) order.  Returns 0, or
 * -1 on a database error or a bad n (nothing answered yet: the caller
 * calls ui_db_error).
 */
int ui_connectors_load(struct ui_req *r, const char *const *ids, size_t n,
                       ui_connector_fn fn, void *arg);

#endif
