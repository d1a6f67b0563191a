/*
 * tariffs_op.h — tariffs through the control socket (docs/tariffs.md,
 * docs/control.md): tariff_add, tariff_version_add, tariff_delete,
 * tariff_assign, tariff_unassign.
 *
 * Checked on the event loop, written by a database worker in one
 * transaction; the answer is the tariff as stored (lib/tariff_json.h).  A
 * version is never changed: a new one starts at its valid_from (after the
 * newest one's) and closes the one before.  A tariff whose versions priced
 * a session cannot be deleted (in_use).
 */
#ifndef OCPPD_TARIFFS_OP_H
#define OCPPD_TARIFFS_OP_H

#include "control.h"

void tariffs_request(const struct control_req *r);

#endif
