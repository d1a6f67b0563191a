/*
 * local_auth_list.h — the charge point's local authorization list (OCPP
 * 1.6 Local Auth List Management): its entries and version, and the rules
 * a SendLocalList follows.
 *
 * A Full update replaces the list; a Differential one adds or changes the
 * entries that carry an idTagInfo and removes those that do not, and must
 * be newer than the list it changes (VersionMismatch otherwise).  An
 * update that would leave more than `max` entries (LocalAuthListMaxLength)
 * is Failed and changes nothing.  Pure functions of their inputs, so the
 * rules are unit-tested without a link.
 */
#ifndef CPSIM_LOCAL_AUTH_LIST_H
#define CPSIM_LOCAL_AUTH_LIST_H

/* The most entries a list can hold; --local-list-max picks the limit the
 * charge point announces, at most this. */
#define LOCAL_LIST_CAP 5000

struct local_auth_entry {
	char id_tag[21];
	char status[14]; /* AuthorizationStatus */
	char parent[21];
};

struct local_auth_list {
	int version; /* 0: no list */
	int n;
	int max;
	struct local_auth_entry e[LOCAL_LIST_CAP];
};

/* One entry of an update: info 0 removes id_tag (Differential only). */
struct local_auth_update {
	const char *id_tag;
	int info;
	const char *status;
	const char *parent; /* may be NULL */
};

enum local_list_result {
	LL_ACCEPTED,
	LL_FAILED,
	LL_VERSION_MISMATCH,
};

void local_auth_list_init(struct local_auth_list *l, int max);

/* Applies an update of n entries (full: 1 for Full); on anything but
 * LL_ACCEPTED the list is unchanged. */
enum local_list_result local_auth_list_apply(struct local_auth_list *l,
                                             int version, int full,
                                             const struct local_auth_update *u,
                                             int n);

/* The entry for id_tag (case-insensitive, as IdToken is), or NULL. */
const struct local_auth_entry *
local_auth_list_find(const struct local_auth_list *l, const char *id_tag);

const char *local_list_result_name(enum local_list_result r);

#endif
