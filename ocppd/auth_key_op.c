/*
 * auth_key_op.c — cp_rotate_auth_key; see auth_key_op.h.
 */
#include "auth_key_op.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ctl_client.h"
#include "log.h"
#include "self_call.h"
#include "takeover.h"

static const struct csms_config *cfg;

struct rotation {
	char cp[CONTROL_CP_ID_MAX + 1];
	char who[CONTROL_WHO_MAX + 1];
	char key[AUTH_KEY_LEN + 1];
};

void auth_key_op_init(const struct csms_config *c)
{
	cfg = c;
}

static void *rotate(void *arg)
{
	struct rotation *k = arg;
	struct ctl_client cc;
	char err[256], status[300];
	if (ctl_connect(&cc, cfg, err, sizeof err)) {
		log_warn("ocppd: %s | AuthorizationKey not rotated: %s", k->cp,
		         err);
		goto out;
	}
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "key", "AuthorizationKey");
	cJSON_AddStringToObject(p, "value", k->key);
	if (self_call(cfg, &cc, "ChangeConfiguration", k->cp, p, k->who, status,
	              sizeof status) ||
	    strcmp(status, "Accepted")) {
		log_warn("ocppd: %s | AuthorizationKey not rotated: "
		         "ChangeConfiguration %s; the password is unchanged",
		         k->cp, status);
		ctl_close(&cc);
		goto out;
	}
	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "password", k->key);
	if (self_call(cfg, &cc, "cp_set_password", k->cp, p, k->who, status,
	              sizeof status))
		/* The charge point has the new key, the database not: it is
		 * refused until an operator sets a password again. */
		log_error("ocppd: %s | AuthorizationKey accepted by the charge "
		          "point but not stored: %s",
		          k->cp, status);
	else
		log_info("ocppd: %s | AuthorizationKey rotated (by %s)", k->cp,
		         k->who[0] ? k->who : "-");
	ctl_close(&cc);
out:
	OPENSSL_cleanse(k->key, sizeof k->key);
	free(k);
	return NULL;
}

void auth_key_request(const struct control_req *r)
{
	if (!r->cp_id[0]) {
		control_fail(r->client, "bad_request", NULL, "%s needs a cp_id",
		             r->op);
		return;
	}
	struct conn *c = takeover_find(r->cp_id);
	if (!c) {
		control_fail(r->client, "cp_offline", NULL,
		             "%s is not connected", r->cp_id);
		return;
	}
	struct rotation *k = calloc(1, sizeof *k);
	unsigned char raw[AUTH_KEY_LEN / 2];
	if (!k || RAND_bytes(raw, sizeof raw) != 1) {
		free(k);
		control_fail(r->client, "internal", NULL, "no random key");
		return;
	}
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(k->key + 2 * i, 3, "%02x", raw[i]);
	OPENSSL_cleanse(raw, sizeof raw);
	snprintf(k->cp, sizeof k->cp, "%s", r->cp_id);
	snprintf(k->who, sizeof k->who, "%s", r->requested_by);
	pthread_attr_t a;
	pthread_t th;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	int rc = pthread_create(&th, &a, rotate, k);
	pthread_attr_destroy(&a);
	if (rc) {
		OPENSSL_cleanse(k->key, sizeof k->key);
		free(k);
		control_fail(r->client, "internal", NULL, "no thread");
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", "started");
	control_ok(r->client, o);
}
