/*
 * cert_installed.h — the root certificates a charge point reported
 * installed (cp_installed_certs, sql/027), kept from the answers to the
 * operator's commands in the command's own history transaction
 * (cmdlog.c): a GetInstalledCertificateIds answer replaces the set of its
 * type (NotFound empties it), an Accepted DeleteCertificate removes its
 * row.
 */
#ifndef OCPPD_CERT_INSTALLED_H
#define OCPPD_CERT_INSTALLED_H

#include "cmd_record.h"
#include "db.h"

/* 0, or -1 on a database error; other commands are not its business. */
int cert_installed_command(struct db *db, const struct cmd_record *r);

#endif
