/*
 * device_vars.h — a 2.0.1 station's device model (device_vars,
 * sql/029_ocpp201.sql) kept current by the commands that read or write
 * it: NotifyReport fills it (handle201_notify_report.c); a GetVariables
 * answer's Accepted values and a SetVariables' accepted values are
 * written here, with the command's history row (cmdlog.c).
 */
#ifndef OCPPD_DEVICE_VARS_H
#define OCPPD_DEVICE_VARS_H

#include "cmd_record.h"
#include "db.h"

/* For an answered GetVariables or SetVariables command row: the values it
 * read or wrote.  Other actions and rows: nothing.  0, or -1 on a
 * database error. */
int device_vars_command(struct db *db, const struct cmd_record *r);

#endif
