/*
 * rpc.c — OCPP-J envelope parsing, error codes and frame building.
 *
 * The rules for malformed input follow OCPP-J 1.6 §4: a CALL whose envelope
 * is wrong is answered with FormationViolation when its uniqueId can be
 * read, with ProtocolError when the uniqueId itself is unreadable but
 * something usable can be recovered, and not at all when nothing can (there
 * is no id to answer to).  Unknown message type numbers and malformed
 * replies are ignored: answering a reply would start a loop.
 */
#include "rpc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json_strict.h"

static const char *const codes[] = {
    [RPC_OK] = "",
    [RPC_NOT_IMPLEMENTED] = "NotImplemented",
    [RPC_NOT_SUPPORTED] = "NotSupported",
    [RPC_INTERNAL_ERROR] = "InternalError",
    [RPC_PROTOCOL_ERROR] = "ProtocolError",
    [RPC_SECURITY_ERROR] = "SecurityError",
    [RPC_FORMATION_VIOLATION] = "FormationViolation",
    [RPC_PROPERTY_CONSTRAINT_VIOLATION] = "PropertyConstraintViolation",
    [RPC_OCCURENCE_CONSTRAINT_VIOLATION] = "OccurenceConstraintViolation",
    [RPC_TYPE_CONSTRAINT_VIOLATION] = "TypeConstraintViolation",
    [RPC_GENERIC_ERROR] = "GenericError",
    [RPC_FORMAT_VIOLATION] = "FormatViolation",
    [RPC_OCCURRENCE_CONSTRAINT_VIOLATION] = "OccurrenceConstraintViolation",
    [RPC_MESSAGE_TYPE_NOT_SUPPORTED] = "MessageTypeNotSupported",
    [RPC_RPC_FRAMEWORK_ERROR] = "RpcFrameworkError",
};

enum rpc_error rpc_error_for_proto(enum rpc_error e, int v201)
{
	if (v201) {
		if (e == RPC_FORMATION_VIOLATION)
			return RPC_FORMAT_VIOLATION;
		if (e == RPC_OCCURENCE_CONSTRAINT_VIOLATION)
			return RPC_OCCURRENCE_CONSTRAINT_VIOLATION;
		return e;
	}
	switch (e) {
	case RPC_FORMAT_VIOLATION:
		return RPC_FORMATION_VIOLATION;
	case RPC_OCCURRENCE_CONSTRAINT_VIOLATION:
		return RPC_OCCURENCE_CONSTRAINT_VIOLATION;
	case RPC_MESSAGE_TYPE_NOT_SUPPORTED:
	case RPC_RPC_FRAMEWORK_ERROR:
		return RPC_PROTOCOL_ERROR;
	default:
		return e;
	}
}

const char *rpc_error_code(enum rpc_error e)
{
	if ((unsigned)e >= sizeof codes / sizeof codes[0])
		return "GenericError";
	return codes[e];
}

enum rpc_error rpc_error_for_handler(enum hres r)
{
	switch (r) {
	case H_OK:
		return RPC_OK;
	case H_BAD_VALUE:
		return RPC_PROPERTY_CONSTRAINT_VIOLATION;
	case H_DB_ERROR:
	case H_INTERNAL:
	default:
		return RPC_INTERNAL_ERROR;
	}
}

enum rpc_error rpc_error_for_validation(enum ocpp_verr v)
{
	switch (v) {
	case OCPP_VALID:
		return RPC_OK;
	case OCPP_ERR_TYPE:
		return RPC_TYPE_CONSTRAINT_VIOLATION;
	case OCPP_ERR_OCCURRENCE:
		return RPC_OCCURENCE_CONSTRAINT_VIOLATION;
	case OCPP_ERR_PROPERTY:
		return RPC_PROPERTY_CONSTRAINT_VIOLATION;
	case OCPP_ERR_FORMATION:
		return RPC_FORMATION_VIOLATION;
	default:
		return RPC_GENERIC_ERROR;
	}
}

static void reject(struct rpc_msg *m, enum rpc_error e, const char *why)
{
	m->kind = RPC_REJECT;
	m->envelope = 1;
	m->error = e;
	m->why = why;
}

static void ignore(struct rpc_msg *m, const char *why)
{
	m->kind = RPC_IGNORE;
	m->why = why;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Text that is not JSON (often a truncated frame): when it starts like a
 * CALL, [2,"id", take the id so the charge point learns which message
 * failed.  Escapes end the attempt: a guessed id is worse than none.
 */
static int recover_id(const char *buf, size_t len, char *out)
{
	size_t i = 0, n = 0;
	while (i < len && is_ws(buf[i]))
		i++;
	if (i >= len || buf[i++] != '[')
		return 0;
	while (i < len && is_ws(buf[i]))
		i++;
	if (i >= len || buf[i++] != '0' + RPC_CALL)
		return 0;
	while (i < len && is_ws(buf[i]))
		i++;
	if (i >= len || buf[i++] != ',')
		return 0;
	while (i < len && is_ws(buf[i]))
		i++;
	if (i >= len || buf[i++] != '"')
		return 0;
	for (; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '"') {
			out[n] = '\0';
			return 1;
		}
		if (c == '\\' || c < 0x20 || n >= RPC_ID_MAX)
			return 0;
		out[n++] = (char)c;
	}
	return 0;
}

/*
 * An id longer than OCPP's 36 characters is answered with its first 36
 * (never more: echoing a 60 KB id would cost us what it cost the sender
 * again, per message), cut at a UTF-8 boundary.
 */
static void set_long_id(struct rpc_msg *m, const char *id)
{
	size_t n = RPC_ID_MAX;
	while (n > 0 && ((unsigned char)id[n] & 0xC0) == 0x80)
		n--;
	memcpy(m->idbuf, id, n);
	m->idbuf[n] = '\0';
	m->id = m->idbuf;
	m->has_id = 1;
}

/* The id to echo, if v is one: never more than 36 characters, and
 * none when it holds a NUL (cut there, it would name another message). */
static void set_id(struct rpc_msg *m, const cJSON *v,
                   const struct json_strict_err *je)
{
	if (!cJSON_IsString(v) || !v->valuestring)
		return;
	if (je->kind == JSON_STRICT_NUL && je->top == 1)
		return;
	if (strlen(v->valuestring) > RPC_ID_MAX) {
		set_long_id(m, v->valuestring);
		return;
	}
	m->id = v->valuestring;
	m->has_id = 1;
}

/*
 * What breaks the strict JSON rules in a CALL (json_strict.h), as the
 * CALLERROR to answer.  A NUL in a payload value is a value the schema
 * cannot allow (PropertyConstraintViolation, naming the property); a NUL
 * in a member name or in the envelope, a name given twice and data after
 * the array are a frame that is not the PDU (FormationViolation).  Never
 * processed: a truncated or first-of-two value is not what was sent.
 */
static void reject_strict(struct rpc_msg *m, const struct json_strict_err *je)
{
	const char *what = json_strict_what(je->kind);
	int in_payload = je->top == 3;
	if (je->kind == JSON_STRICT_NUL && in_payload && je->path[0]) {
		snprintf(m->whybuf, sizeof m->whybuf,
		         "%s: contains U+0000 (NUL)", je->path);
		reject(m, RPC_PROPERTY_CONSTRAINT_VIOLATION, m->whybuf);
		m->envelope = 0;
		return;
	}
	if (je->kind == JSON_STRICT_NUL && in_payload) {
		reject(m, RPC_PROPERTY_CONSTRAINT_VIOLATION, what);
		m->envelope = 0;
		return;
	}
	if (je->kind == JSON_STRICT_DUP_KEY) {
		snprintf(m->whybuf, sizeof m->whybuf,
		         "\"%s\" appears twice in %s%s%s", je->key,
		         in_payload ? "the payload" : "an object",
		         in_payload && je->path[0] ? " at " : "",
		         in_payload ? je->path : "");
		reject(m, RPC_FORMATION_VIOLATION, m->whybuf);
		m->envelope = !in_payload;
		return;
	}
	if (je->kind == JSON_STRICT_NUL_KEY && in_payload && je->path[0]) {
		snprintf(m->whybuf, sizeof m->whybuf, "%s: %s", je->path, what);
		reject(m, RPC_FORMATION_VIOLATION, m->whybuf);
		m->envelope = 0;
		return;
	}
	reject(m, RPC_FORMATION_VIOLATION, what);
}

enum rpc_kind rpc_parse(const char *buf, size_t len, struct rpc_msg *m)
{
	memset(m, 0, sizeof *m);
	struct json_strict_err je;
	m->root = json_parse_strict(buf, len, &je);
	if (!m->root) {
		reject(m, RPC_FORMATION_VIOLATION, "not valid JSON");
		if (recover_id(buf, len, m->idbuf)) {
			m->id = m->idbuf;
			m->has_id = 1;
		}
		return m->kind;
	}
	const cJSON *a = m->root;
	if (!cJSON_IsArray(a)) {
		reject(m, RPC_FORMATION_VIOLATION, "not a JSON array");
		return m->kind;
	}
	int n = cJSON_GetArraySize(a);
	const cJSON *type = cJSON_GetArrayItem(a, 0);
	const cJSON *id = cJSON_GetArrayItem(a, 1);
	if (!type) {
		reject(m, RPC_FORMATION_VIOLATION, "empty array");
		return m->kind;
	}
	if (!cJSON_IsNumber(type)) {
		/* Not even a message type: answer when the id is there, as
		 * that is the only way the sender learns of its mistake. */
		reject(m, RPC_FORMATION_VIOLATION,
		       "messageTypeId is not a number");
		set_id(m, id, &je);
		return m->kind;
	}
	double t = type->valuedouble;
	if (t != RPC_CALL && t != RPC_CALLRESULT && t != RPC_CALLERROR) {
		ignore(m, "unknown messageTypeId");
		m->unknown_type = 1;
		if (je.kind == JSON_STRICT_OK)
			set_id(m, id, &je);
		return m->kind;
	}
	if (t == RPC_CALL) {
		if (!cJSON_IsString(id) || !id->valuestring) {
			reject(m, RPC_PROTOCOL_ERROR,
			       "uniqueId is not a string");
			/* "whatever id can be recovered": a number. */
			if (cJSON_IsNumber(id) && isfinite(id->valuedouble)) {
				snprintf(m->idbuf, sizeof m->idbuf, "%.17g",
				         id->valuedouble);
				m->id = m->idbuf;
				m->has_id = 1;
			}
			return m->kind;
		}
		set_id(m, id, &je);
		if (!m->has_id) {
			reject(m, RPC_PROTOCOL_ERROR,
			       "uniqueId contains U+0000 (NUL)");
			return m->kind;
		}
		if (m->id == m->idbuf) {
			reject(m, RPC_FORMATION_VIOLATION,
			       "uniqueId longer than 36 characters");
			return m->kind;
		}
		if (!id->valuestring[0]) {
			reject(m, RPC_PROTOCOL_ERROR, "uniqueId is empty");
			return m->kind;
		}
		if (je.kind != JSON_STRICT_OK) {
			reject_strict(m, &je);
			return m->kind;
		}
		if (n != 4) {
			reject(m, RPC_FORMATION_VIOLATION,
			       "a CALL has exactly 4 elements");
			return m->kind;
		}
		const cJSON *action = cJSON_GetArrayItem(a, 2);
		if (!cJSON_IsString(action) || !action->valuestring) {
			reject(m, RPC_FORMATION_VIOLATION,
			       "action is not a string");
			return m->kind;
		}
		m->kind = RPC_CALL;
		m->action = action->valuestring;
		m->payload = cJSON_GetArrayItem(a, 3);
		return m->kind;
	}
	if (!cJSON_IsString(id) || !id->valuestring) {
		ignore(m, "reply without a uniqueId");
		return m->kind;
	}
	if (je.kind != JSON_STRICT_OK) {
		/* Never answered (a reply to a reply would loop); the
		 * command it answers runs into its timeout. */
		snprintf(m->whybuf, sizeof m->whybuf, "reply: %s",
		         json_strict_what(je.kind));
		ignore(m, m->whybuf);
		return m->kind;
	}
	m->id = id->valuestring;
	m->has_id = 1;
	if (t == RPC_CALLRESULT) {
		if (n != 3) {
			ignore(m, "a CALLRESULT has exactly 3 elements");
			return m->kind;
		}
		m->kind = RPC_CALLRESULT;
		m->payload = cJSON_GetArrayItem(a, 2);
		return m->kind;
	}
	const cJSON *code = cJSON_GetArrayItem(a, 2);
	const cJSON *desc = cJSON_GetArrayItem(a, 3);
	if (n < 4 || n > 5 || !cJSON_IsString(code) || !cJSON_IsString(desc)) {
		ignore(m, "malformed CALLERROR");
		return m->kind;
	}
	m->kind = RPC_CALLERROR;
	m->err_code = code->valuestring;
	m->err_desc = desc->valuestring;
	m->payload = cJSON_GetArrayItem(a, 4);
	return m->kind;
}

void rpc_msg_free(struct rpc_msg *m)
{
	cJSON_Delete(m->root);
	memset(m, 0, sizeof *m);
}

int rpc_is_security_action(const char *action)
{
	static const char *const names[] = {
	    "CertificateSigned",
	    "DeleteCertificate",
	    "ExtendedTriggerMessage",
	    "GetInstalledCertificateIds",
	    "GetLog",
	    "InstallCertificate",
	    "LogStatusNotification",
	    "SecurityEventNotification",
	    "SignCertificate",
	    "SignedFirmwareStatusNotification",
	    "SignedUpdateFirmware",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(names[i], action))
			return 1;
	return 0;
}

/*
 * How much of an action name a CALLERROR description quotes: at most 64
 * bytes, never ending inside a UTF-8 sequence (the reply must stay valid
 * UTF-8 for any valid input; found by fuzzing).
 */
static int name_len(const char *s)
{
	size_t n = strnlen(s, 64);
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

enum rpc_error rpc_unknown_action(const ocpp_schemas *schemas,
                                  const char *action, char *msg, size_t msglen)
{
	int alen = name_len(action);
	if (ocpp_action_known(schemas, action) ||
	    rpc_is_security_action(action)) {
		snprintf(msg, msglen,
		         "%.*s is not supported from a charge point", alen,
		         action);
		return RPC_NOT_SUPPORTED;
	}
	snprintf(msg, msglen, "unknown action %.*s", alen, action);
	return RPC_NOT_IMPLEMENTED;
}

enum rpc_error rpc_check_call(const ocpp_schema *schema, const char *action,
                              const cJSON *payload, unsigned vflags, char *msg,
                              size_t msglen)
{
	if (msg && msglen)
		msg[0] = '\0';
	if (!schema) {
		snprintf(msg, msglen, "no schema for %.*s", name_len(action),
		         action);
		return RPC_INTERNAL_ERROR;
	}
	enum ocpp_verr v = ocpp_validate(schema, payload, vflags, msg, msglen);
	return v == OCPP_VALID ? RPC_OK : rpc_error_for_validation(v);
}

/*
 * Prints a frame and frees it.  cJSON_AddItemToArray drops an element it
 * could not allocate without saying so: a frame short of its n elements
 * is an allocation failure, never sent half-built.
 */
static char *print(cJSON *arr, int n, size_t *len)
{
	char *s = arr && cJSON_GetArraySize(arr) == n
	              ? cJSON_PrintUnformatted(arr)
	              : NULL;
	cJSON_Delete(arr);
	if (s && len)
		*len = strlen(s);
	return s;
}

/* [type, id, (action,) payload]: a CALLRESULT or a CALL; takes payload. */
static char *envelope(enum rpc_kind type, const char *id, const char *action,
                      cJSON *payload, size_t *len)
{
	cJSON *arr = cJSON_CreateArray();
	if (!payload)
		payload = cJSON_CreateObject();
	if (!arr || !payload) {
		cJSON_Delete(arr);
		cJSON_Delete(payload);
		return NULL;
	}
	cJSON_AddItemToArray(arr, cJSON_CreateNumber(type));
	cJSON_AddItemToArray(arr, cJSON_CreateString(id));
	if (action)
		cJSON_AddItemToArray(arr, cJSON_CreateString(action));
	cJSON_AddItemToArray(arr, payload);
	return print(arr, action ? 4 : 3, len);
}

char *rpc_result_text(const char *id, cJSON *payload, size_t *len)
{
	return envelope(RPC_CALLRESULT, id, NULL, payload, len);
}

char *rpc_error_text(const char *id, enum rpc_error e, const char *desc,
                     size_t *len)
{
	cJSON *arr = cJSON_CreateArray();
	if (!arr)
		return NULL;
	cJSON_AddItemToArray(arr, cJSON_CreateNumber(RPC_CALLERROR));
	cJSON_AddItemToArray(arr, cJSON_CreateString(id ? id : ""));
	cJSON_AddItemToArray(arr, cJSON_CreateString(rpc_error_code(e)));
	cJSON_AddItemToArray(arr, cJSON_CreateString(desc ? desc : ""));
	cJSON_AddItemToArray(arr, cJSON_CreateObject());
	return print(arr, 5, len);
}

char *rpc_call_text(const char *id, const char *action, cJSON *payload,
                    size_t *len)
{
	return envelope(RPC_CALL, id, action, payload, len);
}
