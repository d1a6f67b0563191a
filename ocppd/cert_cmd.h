/*
 * cert_cmd.h — the external signer (cert_sign_command): run with
 * /bin/sh -c, the CSR on its stdin, the PEM chain read from its stdout.
 * Blocking; only the certificate thread calls it.
 */
#ifndef OCPPD_CERT_CMD_H
#define OCPPD_CERT_CMD_H

#include <stddef.h>

#define CERT_CMD_TIMEOUT_S 60
#define CERT_CMD_OUT_MAX   (64 * 1024)

/* 0 with *chain (malloc'd) when the command exited 0 and printed a
 * certificate; -1 with err. */
int cert_cmd_sign(const char *command, const char *csr_pem, char **chain,
                  char *err, size_t errlen);

#endif
