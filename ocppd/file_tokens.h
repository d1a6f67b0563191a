/*
 * file_tokens.h — the upkeep of the upload and firmware URLs' tokens
 * (files_op.h): a token a day past its expiry can never be used again,
 * so its row goes (the files and jobs it made stay).
 */
#ifndef OCPPD_FILE_TOKENS_H
#define OCPPD_FILE_TOKENS_H

#include "db.h"

/* The upkeep thread's pass: deletes them a slice at a time. */
void file_tokens_expire(struct db *db);

#endif
