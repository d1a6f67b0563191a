/*
 * certquery.h — the queries of a charge point's certificates, shared by
 * the API (api-certificates.c) and the dashboard (ui-certs.c), with their
 * column numbers.
 */
#ifndef CSMS_CERTQUERY_H
#define CSMS_CERTQUERY_H

/* At most this many issued certificates are listed (newest first). */
#define CERTQ_ISSUED_MAX 50

#define CERTQ_ISSUED                                                           \
	"SELECT id, state, serial, subject, not_after, requested_at, "         \
	"issued_at, signed_status, signed_at, renew_requested_at, error "      \
	"FROM cp_certificates WHERE cp_id = ? ORDER BY id DESC LIMIT 50"
enum {
	CERTQ_ID,
	CERTQ_STATE,
	CERTQ_SERIAL,
	CERTQ_SUBJECT,
	CERTQ_NOT_AFTER,
	CERTQ_REQUESTED,
	CERTQ_ISSUED_AT,
	CERTQ_SIGNED_STATUS,
	CERTQ_SIGNED_AT,
	CERTQ_RENEW,
	CERTQ_ERROR
};

#define CERTQ_INSTALLED                                                        \
	"SELECT certificate_type, hash_algorithm, issuer_name_hash, "          \
	"issuer_key_hash, serial_number, reported_at FROM cp_installed_certs " \
	"WHERE cp_id = ? ORDER BY certificate_type, serial_number LIMIT 200"
enum {
	CERTQ_I_TYPE,
	CERTQ_I_ALG,
	CERTQ_I_NAME,
	CERTQ_I_KEY,
	CERTQ_I_SERIAL,
	CERTQ_I_REPORTED
};

#endif
