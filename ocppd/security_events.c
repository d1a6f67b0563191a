/*
 * security_events.c — see security_events.h.
 */
#include "security_events.h"

#include <string.h>

#include "log.h"

/* OCPP 1.6 Security Whitepaper, edition 3, appendix 1: the security
 * events and whether each is critical (pushed to the central system at
 * once, queued while offline). */
static const struct {
	const char *type;
	int critical;
} known[] = {
    {"FirmwareUpdated", 1},
    {"FailedToAuthenticateAtCentralSystem", 0},
    {"CentralSystemFailedToAuthenticate", 0},
    {"SettingSystemTime", 1},
    {"StartupOfTheDevice", 1},
    {"ResetOrReboot", 1},
    {"SecurityLogWasCleared", 1},
    {"ReconfigurationOfSecurityParameters", 0},
    {"MemoryExhaustion", 1},
    {"InvalidMessages", 0},
    {"AttemptedReplayAttacks", 0},
    {"TamperDetectionActivated", 1},
    {"InvalidFirmwareSignature", 0},
    {"InvalidFirmwareSigningCertificate", 0},
    {"InvalidCentralSystemCertificate", 0},
    {"InvalidChargePointCertificate", 0},
    {"InvalidTLSVersion", 0},
    {"InvalidTLSCipherSuite", 0},
    /* OCPP 2.0.1 part 2, appendix 1: the same events under 2.0.1's
     * names, and two more. */
    {"FailedToAuthenticateAtCsms", 0},
    {"CsmsFailedToAuthenticate", 0},
    {"InvalidCsmsCertificate", 0},
    {"InvalidChargingStationCertificate", 0},
    {"MaintenanceLoginAccepted", 1},
    {"MaintenanceLoginFailed", 1},
};

int security_event_critical(const char *type)
{
	for (size_t i = 0; type && i < sizeof known / sizeof known[0]; i++)
		if (!strcmp(known[i].type, type))
			return known[i].critical;
	return 0;
}

#define SLICE 10000

void security_events_expire(struct db *db, const struct csms_config *cfg)
{
	long long n;
	do {
		n = db_exec(db,
		            "DELETE FROM security_events WHERE received_at < "
		            "UTC_TIMESTAMP(3) - INTERVAL ? DAY LIMIT 10000",
		            "i", cfg->security_event_retention_days);
		if (n < 0) {
			log_warn("ocppd: security events expiry: %s",
			         db_error(db));
			return;
		}
	} while (n == SLICE);
}
