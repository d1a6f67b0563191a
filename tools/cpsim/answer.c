/*
 * answer.c — the central system's calls and how a well-behaved OCPP 1.6
 * charge point answers them.  One function per action, one table mapping
 * action names to them; unknown actions get NotImplemented, actions of
 * profiles this charge point does not claim get NotSupported.
 */
#include "answer.h"
#include "answer_int.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

typedef void (*answer_fn)(struct cpstate *st, const cJSON *p, struct answer *a);

static void on_reset(struct cpstate *st, const cJSON *p, struct answer *a)
{
	const char *type = answer_str_field(p, "type", 1, 0, a);

	(void)st;
	if (!type)
		return;
	if (strcmp(type, "Soft") && strcmp(type, "Hard")) {
		answer_set_error(a, "PropertyConstraintViolation", "type");
		return;
	}
	answer_set_status(a, "Accepted");
	a->fu = FU_RESET;
	snprintf(a->what, sizeof a->what, "%s", type);
}

static void on_remote_start(struct cpstate *st, const cJSON *p,
                            struct answer *a)
{
	const char *tag = answer_str_field(p, "idTag", 1, 20, a);
	struct connector *c;
	int id = 0, r, res = -1, check = 0;

	if (!tag)
		return;
	if ((r = answer_int_field(p, "connectorId", 0, &id, a)) < 0)
		return;
	/* A reserved connector takes only its tag (cpstate_reserve.c). */
	c = r && (id < 1 || id > st->nconn)
	        ? NULL
	        : cpstate_start_connector(st, r ? id : 0, tag, &res, &check);
	if (!c) {
		answer_set_status(a, "Rejected");
		return;
	}
	/* Promise the connector now so a second start cannot take it. */
	c->tx = TX_STARTING;
	c->remote = 1;
	c->local_session = 0;
	c->has_reservation = res >= 0;
	c->check_parent = check;
	c->reservation_id = res >= 0 ? st->res[res].id : 0;
	snprintf(c->id_tag, sizeof c->id_tag, "%s", tag);
	answer_set_status(a, "Accepted");
	a->fu = FU_REMOTE_START;
	a->connector = c->id;
	a->reservation = res;
	a->check_parent = check;
	snprintf(a->id_tag, sizeof a->id_tag, "%s", tag);
}

static void on_remote_stop(struct cpstate *st, const cJSON *p, struct answer *a)
{
	struct connector *c;
	int tx = 0;

	if (answer_int_field(p, "transactionId", 1, &tx, a) < 0)
		return;
	c = cpstate_find_tx(st, tx);
	if (!c || c->tx != TX_RUNNING) {
		answer_set_status(a, "Rejected");
		return;
	}
	answer_set_status(a, "Accepted");
	a->fu = FU_REMOTE_STOP;
	a->connector = c->id;
	a->tx_id = tx;
}

static void on_unlock(struct cpstate *st, const cJSON *p, struct answer *a)
{
	int id = 0;

	if (answer_int_field(p, "connectorId", 1, &id, a) < 0)
		return;
	if (id < 1 || id > st->nconn) {
		answer_set_status(a, "UnlockFailed");
		return;
	}
	answer_set_status(a, "Unlocked");
	a->fu = FU_UNLOCK;
	a->connector = id;
}

static void on_change_availability(struct cpstate *st, const cJSON *p,
                                   struct answer *a)
{
	const char *type;
	int id = 0, i, from, to, inop, scheduled = 0;

	if (answer_int_field(p, "connectorId", 1, &id, a) < 0)
		return;
	if (!(type = answer_str_field(p, "type", 1, 0, a)))
		return;
	if (!strcmp(type, "Inoperative"))
		inop = 1;
	else if (!strcmp(type, "Operative"))
		inop = 0;
	else {
		answer_set_error(a, "PropertyConstraintViolation", "type");
		return;
	}
	if (id < 0 || id > st->nconn) {
		answer_set_status(a, "Rejected");
		return;
	}
	from = id ? id : 0;
	to = id ? id : st->nconn;
	for (i = from; i <= to; i++) {
		struct connector *c = &st->conn[i];

		if (i > 0 && c->tx != TX_NONE) {
			/* Applied when the transaction ends. */
			c->pending_avail = inop;
			scheduled = 1;
			continue;
		}
		c->pending_avail = -1;
		c->inoperative = inop;
		if (inop)
			c->status = ST_UNAVAILABLE;
		else if (c->status == ST_UNAVAILABLE)
			c->status = ST_AVAILABLE;
	}
	answer_set_status(a, scheduled ? "Scheduled" : "Accepted");
	a->fu = FU_AVAILABILITY;
	a->connector = id;
}

static void on_get_configuration(struct cpstate *st, const cJSON *p,
                                 struct answer *a)
{
	const cJSON *keys = cJSON_GetObjectItemCaseSensitive(p, "key");

	if (keys && !cJSON_IsArray(keys)) {
		answer_set_error(a, "TypeConstraintViolation", "key");
		return;
	}
	if (cpconfig_reply(&st->cfg, keys, a->payload, sizeof a->payload) < 0)
		answer_set_error(a, "InternalError", "configuration too large");
}

static void on_change_configuration(struct cpstate *st, const cJSON *p,
                                    struct answer *a)
{
	const char *key, *value, *status;

	if (!(key = answer_str_field(p, "key", 1, 50, a)))
		return;
	if (!(value = answer_str_field(p, "value", 1, 500, a)))
		return;
	status = cpconfig_change(&st->cfg, key, value);
	answer_set_status(a, status);
	if (!strcmp(status, "Accepted")) {
		a->fu = FU_CONFIG;
		snprintf(a->what, sizeof a->what, "%s", key);
	}
}

static void on_clear_cache(struct cpstate *st, const cJSON *p, struct answer *a)
{
	(void)st;
	(void)p;
	answer_set_status(a, "Accepted");
}

static void on_trigger(struct cpstate *st, const cJSON *p, struct answer *a)
{
	static const char *const known[] = {"BootNotification",
	                                    "DiagnosticsStatusNotification",
	                                    "FirmwareStatusNotification",
	                                    "Heartbeat",
	                                    "MeterValues",
	                                    "StatusNotification"};
	const char *msg;
	unsigned i;
	int id = 0, r;

	if (!(msg = answer_str_field(p, "requestedMessage", 1, 0, a)))
		return;
	if ((r = answer_int_field(p, "connectorId", 0, &id, a)) < 0)
		return;
	if (r && (id < 0 || id > st->nconn)) {
		answer_set_status(a, "Rejected");
		return;
	}
	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (!strcmp(msg, known[i]))
			break;
	if (i == sizeof known / sizeof known[0]) {
		answer_set_status(a, "NotImplemented");
		return;
	}
	answer_set_status(a, "Accepted");
	a->fu = FU_TRIGGER;
	a->connector = r ? id : -1;
	snprintf(a->what, sizeof a->what, "%s", msg);
}

static void on_data_transfer(struct cpstate *st, const cJSON *p,
                             struct answer *a)
{
	(void)st;
	if (!answer_str_field(p, "vendorId", 1, 255, a))
		return;
	answer_set_status(a, "UnknownVendorId");
}

static const struct {
	const char *action;
	answer_fn fn;
} handlers[] = {
    {"CancelReservation", answer_cancel_reservation},
    {"CertificateSigned", answer_certificate_signed},
    {"ChangeAvailability", on_change_availability},
    {"ChangeConfiguration", on_change_configuration},
    {"ClearCache", on_clear_cache},
    {"ClearChargingProfile", answer_clear_charging_profile},
    {"DataTransfer", on_data_transfer},
    {"DeleteCertificate", answer_delete_certificate},
    {"ExtendedTriggerMessage", answer_extended_trigger_message},
    {"GetCompositeSchedule", answer_get_composite_schedule},
    {"GetConfiguration", on_get_configuration},
    {"GetDiagnostics", answer_get_diagnostics},
    {"GetInstalledCertificateIds", answer_get_installed_certificate_ids},
    {"GetLocalListVersion", answer_get_local_list_version},
    {"GetLog", answer_get_log},
    {"InstallCertificate", answer_install_certificate},
    {"RemoteStartTransaction", on_remote_start},
    {"RemoteStopTransaction", on_remote_stop},
    {"ReserveNow", answer_reserve_now},
    {"Reset", on_reset},
    {"SendLocalList", answer_send_local_list},
    {"SetChargingProfile", answer_set_charging_profile},
    {"SignedUpdateFirmware", answer_signed_update_firmware},
    {"TriggerMessage", on_trigger},
    {"UnlockConnector", on_unlock},
    {"UpdateFirmware", answer_update_firmware},
};

void answer_call(struct cpstate *st, const char *action, const cJSON *payload,
                 struct answer *a)
{
	unsigned i;
	int j;

	memset(a, 0, sizeof *a);
	for (j = 0; j < st->noverrides; j++) {
		const struct answer_override *o = &st->overrides[j];

		if (strcmp(o->action, action))
			continue;
		if (o->error[0])
			answer_set_error(a, o->error, "scenario answer");
		else
			snprintf(a->payload, sizeof a->payload, "%s",
			         o->payload);
		return;
	}
	for (i = 0; i < sizeof handlers / sizeof handlers[0]; i++) {
		if (strcmp(handlers[i].action, action))
			continue;
		if (!cJSON_IsObject(payload)) {
			answer_set_error(a, "FormationViolation",
			                 "payload is not an object");
			return;
		}
		snprintf(a->payload, sizeof a->payload, "{}");
		handlers[i].fn(st, payload, a);
		return;
	}
	/* Every OCPP 1.6 action of the central system, the Security
	 * Whitepaper's included, has its handler above. */
	answer_set_error(a, "NotImplemented", action);
}

int answer_override(struct cpstate *st, const char *action, const char *error,
                    const char *payload)
{
	struct answer_override *o = NULL;
	int j;

	if (strlen(action) >= sizeof o->action ||
	    (error && strlen(error) >= sizeof o->error) ||
	    (payload && strlen(payload) >= sizeof o->payload))
		return -1;
	for (j = 0; j < st->noverrides; j++)
		if (!strcmp(st->overrides[j].action, action))
			o = &st->overrides[j];
	if (!o) {
		if (st->noverrides >= CPSTATE_MAX_OVERRIDES)
			return -1;
		o = &st->overrides[st->noverrides++];
	}
	snprintf(o->action, sizeof o->action, "%s", action);
	snprintf(o->error, sizeof o->error, "%s", error ? error : "");
	snprintf(o->payload, sizeof o->payload, "%s",
	         payload && *payload ? payload : "{}");
	return 0;
}
