/*
 * ui-config.h — the charge point page's configuration table: the keys of
 * the latest answered GetConfiguration, read back from the commands table
 * so the result survives the POST-redirect-GET without new state.
 */
#ifndef CSMS_UI_CONFIG_H
#define CSMS_UI_CONFIG_H

#include <cjson/cJSON.h>

#include "ui-shared.h"

/*
 * Adds config_keys (rows: key, value, readonly, writable), config_unknown
 * (rows: key), config_when / config_when_iso and config_asked to *vl from
 * the latest answered GetConfiguration of charge point id.  Nothing is
 * added when there is none.  0 ok, -1 on a database error.
 */
int ui_config_vars(struct ui_req *r, const char *id, TMPL_varlist **vl);

/*
 * The same variables from one GetConfiguration.conf payload (JSON text);
 * an unparsable payload adds config_broken.  Pure, for the above.
 */
TMPL_varlist *ui_config_from_json(TMPL_varlist *vl, const char *json);

#endif
