/*
 * tags.h — id-tag management through the control socket: tag_add,
 * tag_update and tag_delete on the users table.
 *
 * ocppd is the only writer of the database, so the web tier asks it.
 * The request is checked on the event loop (tag_op_parse: an IdToken is
 * 1..20 characters, status Accepted/Blocked/Expired, dates ISO 8601) and
 * written by a database worker (tag_op_run); the answer is the row as
 * stored.  Authorize reads users on every call, so a change counts from
 * the next Authorize on.
 */
#ifndef OCPPD_TAGS_H
#define OCPPD_TAGS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "db.h"
#include "rpc.h"

#define TAG_CHARS 20 /* IdToken: CiString20Type */

enum tag_kind { TAG_ADD, TAG_UPDATE, TAG_DELETE };

#define TAG_SET_NAME   1u
#define TAG_SET_STATUS 2u
#define TAG_SET_EXPIRY 4u
#define TAG_SET_PARENT 8u
#define TAG_SET_MAXTX  16u

#define TAG_MAX_TX 1000 /* the most a tag's own limit may say */

struct tag_op {
	enum tag_kind kind;
	uint64_t client;
	char id_tag[TAG_CHARS * 4 + 1];
	unsigned set;     /* TAG_SET_*: the fields given */
	const char *name; /* NULL: SQL NULL; points into name_buf */
	char name_buf[401];
	char status[16];
	int64_t expiry_ms; /* DB_NULL_TIME: none */
	const char *parent;
	char parent_buf[TAG_CHARS * 4 + 1];
	int max_tx; /* max_concurrent_tx; -1: NULL (the global setting) */
	/* outcome, filled by tag_op_run */
	int found;  /* add: inserted; update/delete: the tag existed */
	cJSON *row; /* the row after the write (add/update), owned */
};

/* op is "tag_add", "tag_update" or "tag_delete"; 0 ok, -1 with why
 * naming the field ("id_tag: longer than 20 characters"). */
int tag_op_parse(const char *op, const cJSON *params, struct tag_op *out,
                 char *why, size_t whylen);
/* Writes one parsed op on a database worker, inside its transaction:
 * t->found and t->row (add/update) say what happened. */
enum hres tag_op_run(struct db *db, struct tag_op *t);
/* The control ops tag_add, tag_update and tag_delete: checks the
 * request, queues the write, answers r->client once it is done. */
struct control_req;
void tags_request(const struct control_req *r);

#endif
