/*
 * send_ocpp201_reservation.c — 2.0.1's ReserveNow and CancelReservation
 * (functional block H).  ReserveNow takes 2.0.1's payload (id,
 * expiryDateTime, idToken, groupIdToken, evseId) or 1.6's (reservationId,
 * expiryDate, idTag, parentIdTag, connectorId), which it turns into
 * 2.0.1's, so the dashboard's Reserve form and scripts written for 1.6
 * work for both.  Both are kept in the reservations table as 1.6's are
 * (reservations.c reads either shape).
 */
#include <stdio.h>
#include <string.h>

#include "jsonutil.h"
#include "send.h"

/* The reservations table's id_tag length (sql/015_reservations.sql). */
#define TAG_MAX 20

static cJSON *token(const char *id)
{
	cJSON *t = cJSON_CreateObject();
	if (t && (!cJSON_AddStringToObject(t, "idToken", id) ||
	          !cJSON_AddStringToObject(t, "type", "ISO14443"))) {
		cJSON_Delete(t);
		t = NULL;
	}
	return t;
}

/* 1.6's fields as 2.0.1's; anything else is copied as it is (the 2.0.1
 * schema then refuses what it does not know). */
static cJSON *from16(const cJSON *params)
{
	cJSON *p = cJSON_CreateObject();
	const cJSON *f;
	if (!p)
		return NULL;
	cJSON_ArrayForEach(f, params)
	{
		cJSON *v = NULL;
		const char *key = f->string;
		if (!strcmp(f->string, "reservationId"))
			key = "id";
		else if (!strcmp(f->string, "expiryDate"))
			key = "expiryDateTime";
		else if (!strcmp(f->string, "connectorId")) {
			if (cJSON_IsNumber(f) && f->valuedouble == 0)
				continue; /* 2.0.1: no evseId is any EVSE */
			key = "evseId";
		} else if (!strcmp(f->string, "idTag") && cJSON_IsString(f)) {
			key = "idToken";
			v = token(f->valuestring);
		} else if (!strcmp(f->string, "parentIdTag") &&
		           cJSON_IsString(f)) {
			key = "groupIdToken";
			v = token(f->valuestring);
		}
		if (!v)
			v = cJSON_Duplicate(f, 1);
		if (!v || !cJSON_AddItemToObject(p, key, v)) {
			cJSON_Delete(v);
			cJSON_Delete(p);
			return NULL;
		}
	}
	return p;
}

static int build_reserve(const cJSON *params, cJSON **payload, char *why,
                         size_t whylen)
{
	int v16 = cJSON_HasObjectItem(params, "reservationId") ||
	          cJSON_HasObjectItem(params, "idTag");
	*payload = v16 ? from16(params) : cJSON_Duplicate(params, 1);
	if (!*payload)
		return -1;
	const cJSON *tok =
	    cJSON_GetObjectItemCaseSensitive(*payload, "idToken");
	const cJSON *grp =
	    cJSON_GetObjectItemCaseSensitive(*payload, "groupIdToken");
	if (strlen(json_str(tok, "idToken", "")) > TAG_MAX ||
	    strlen(json_str(grp, "idToken", "")) > TAG_MAX) {
		snprintf(why, whylen,
		         "idToken: longer than the %d characters the id-tag "
		         "store keeps",
		         TAG_MAX);
		cJSON_Delete(*payload);
		*payload = NULL;
		return -1;
	}
	return 0;
}

static void audit_reserve(const cJSON *req, const cJSON *conf, char *out,
                          size_t len)
{
	snprintf(out, len, "reservation=%lld evse=%lld idToken=%s status=%s",
	         json_int(req, "id", 0), json_int(req, "evseId", 0),
	         json_str(cJSON_GetObjectItemCaseSensitive(req, "idToken"),
	                  "idToken", "-"),
	         json_str(conf, "status", "-"));
}

static void audit_cancel(const cJSON *req, const cJSON *conf, char *out,
                         size_t len)
{
	snprintf(out, len, "reservation=%lld status=%s",
	         json_int(req, "reservationId", 0),
	         json_str(conf, "status", "-"));
}

const struct send_op send201_reserve_now = {"ReserveNow", 0, build_reserve,
                                            audit_reserve};
const struct send_op send201_cancel_reservation = {"CancelReservation", 0, NULL,
                                                   audit_cancel};
