/*
 * local_list_state.h — what the local authorization lists (local_list.h,
 * docs/local-list.md) record in other writers' transactions: the number
 * of each tag change, and each SendLocalList's outcome.
 */
#ifndef OCPPD_LOCAL_LIST_STATE_H
#define OCPPD_LOCAL_LIST_STATE_H

#include "cmd_record.h"
#include "db.h"

/* Who the commands table says sent the updates. */
#define LOCAL_LIST_SENDER "local-list"

/* A tag added, changed (deleted = 0) or deleted (tags.c): its change
 * number.  In the change's transaction; 0 or -1. */
int local_list_stamp(struct db *db, const char *id_tag, int deleted);

/* For a SendLocalList history row's outcome (cmdlog.c): the list state
 * of its charge point.  Other rows: nothing.  0 or -1. */
int local_list_command(struct db *db, const struct cmd_record *r);

#endif
