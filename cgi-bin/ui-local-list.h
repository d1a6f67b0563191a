/*
 * ui-local-list.h — the charge point page's local authorization list
 * state (local_lists, written by ocppd; docs/local-list.md): the version
 * the charge point confirmed and the one sent, the last update's type and
 * answer, whether it is behind the id tag table.
 */
#ifndef CSMS_UI_LOCAL_LIST_H
#define CSMS_UI_LOCAL_LIST_H

#include "ui-shared.h"

/*
 * Adds ll (set when there is a row), ll_status, ll_class, ll_confirmed,
 * ll_sent, ll_type, ll_answer, ll_updated, ll_updated_iso, ll_behind,
 * ll_tags to *vl for charge point id.  0 ok, -1 on a database error.
 */
int ui_local_list_vars(struct ui_req *r, const char *id, TMPL_varlist **vl);

#endif
