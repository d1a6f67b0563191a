/*
 * auth_key_op.h — cp_rotate_auth_key (docs/certificates.md, "Rotating
 * AuthorizationKey"): ocppd makes a new random AuthorizationKey for a
 * charge point (security profiles 1 and 2), sends it with
 * ChangeConfiguration, and stores its hash (cp_set_password) only once
 * the charge point answered Accepted: a charge point that refused or did
 * not answer keeps the password it has.
 *
 * The two steps wait for a charge point, so they run on a short-lived
 * thread of their own that talks to this ocppd's control socket like an
 * operator; the op answers at once with "started", the outcome is in the
 * command history (the key masked) and the log.
 */
#ifndef OCPPD_AUTH_KEY_OP_H
#define OCPPD_AUTH_KEY_OP_H

#include "config.h"
#include "control.h"

#define AUTH_KEY_LEN 40 /* hex characters: 20 random bytes */

void auth_key_op_init(const struct csms_config *cfg);
void auth_key_request(const struct control_req *r);

#endif
