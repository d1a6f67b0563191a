/*
 * ui-reservations.h — the charge point page's reservations: the newest
 * ten from the reservations table (docs/reservations.md), a live one with
 * its Cancel form; the ReserveNow form is the template's.
 */
#ifndef CSMS_UI_RESERVATIONS_H
#define CSMS_UI_RESERVATIONS_H

#include "ui-shared.h"

/*
 * Adds reservations (rows: rid, connector, tag, expires, expires_iso,
 * status, status_class, answer, tx, live) to *vl for charge point id;
 * nothing when there is none.  0 ok, -1 on a database error.
 */
int ui_reservation_vars(struct ui_req *r, const char *id, TMPL_varlist **vl);

#endif
