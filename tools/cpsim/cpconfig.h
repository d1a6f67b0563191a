/*
 * cpconfig.h — the charge point's configuration keys, as GetConfiguration
 * reports them and ChangeConfiguration changes them.
 *
 * The set is the OCPP 1.6 Core profile's (plus TriggerMessage's and the
 * write-only AuthorizationKey of the security whitepaper), with realistic
 * defaults and the read-only flags real firmware reports.  Key names
 * compare case-insensitively (CiString50Type).
 */
#ifndef CPSIM_CPCONFIG_H
#define CPSIM_CPCONFIG_H

#include <stddef.h>

struct cJSON;

enum cpconfig_type { CK_INT, CK_BOOL, CK_CSL, CK_STR };

struct cpconfig_key {
	const char *key;
	enum cpconfig_type type;
	int readonly;
	int hidden; /* write-only: never reported (AuthorizationKey) */
	char value[128];
};

#define CPCONFIG_MAX 40

struct cpconfig {
	int n;
	struct cpconfig_key keys[CPCONFIG_MAX];
};

void cpconfig_init(struct cpconfig *c, int connectors, int heartbeat_s,
                   int meter_interval_s);

/* Sets a key whatever its flags (the command line's read-only values,
 * e.g. LocalAuthListMaxLength); -1 for an unknown key or a long value. */
int cpconfig_force(struct cpconfig *c, const char *key, const char *value);

/* The value, or NULL for an unknown (or hidden) key. */
const char *cpconfig_get(const struct cpconfig *c, const char *key);
int cpconfig_get_int(const struct cpconfig *c, const char *key, int dflt);

/*
 * ChangeConfiguration: returns the status to answer, one of "Accepted",
 * "Rejected" (read-only or an invalid value) or "NotSupported" (unknown).
 */
const char *cpconfig_change(struct cpconfig *c, const char *key,
                            const char *value);

/*
 * The GetConfiguration.conf payload for the requested keys (a JSON array of
 * strings, or NULL/empty for all keys).  Returns the length, or -1 if it
 * does not fit in out.
 */
int cpconfig_reply(const struct cpconfig *c, const struct cJSON *keys,
                   char *out, size_t outlen);

#endif
