/*
 * ctl_addr.h — the TCP side of ocppd's control channel, shared by ocppd
 * (control_listen.c, control.c) and its clients (ctl_client.c, the web
 * tier, csmsctl): the "ADDRESS:PORT" form of control_listen,
 * control_advertise and nodes.control_addr, and the shared secret a TCP
 * client proves it holds (docs/control.md, "Over TCP").
 *
 * Pure apart from reading the secret file: unit-tested
 * (tests/unit/test_ctl_addr.c).
 */
#ifndef CSMS_CTL_ADDR_H
#define CSMS_CTL_ADDR_H

#include <stddef.h>
#include <sys/socket.h>

#define CTL_ADDR_MAX   80  /* "ADDRESS:PORT" as nodes.control_addr holds it */
#define CTL_SECRET_MIN 16  /* characters: a guessable secret is refused */
#define CTL_SECRET_MAX 256 /* characters */

struct ctl_addr {
	struct sockaddr_storage sa;
	socklen_t len;
};

/*
 * "127.0.0.2:9100" or "[::1]:9100": a numeric address (no name lookups:
 * a control address must not depend on DNS) and a port 1..65535.  0, or
 * -1 with one line in err naming the text.
 */
int ctl_addr_parse(const char *text, struct ctl_addr *out, char *err,
                   size_t errlen);
/* 127.0.0.0/8 or ::1: only this host can connect. */
int ctl_addr_is_loopback(const struct ctl_addr *a);
/* 0.0.0.0 or ::: every address of the host, so not one to advertise. */
int ctl_addr_is_wildcard(const struct ctl_addr *a);

/*
 * The shared secret: the first line of path, without trailing blanks.  1
 * when read, 0 when the file does not exist (no secret), -1 with err
 * when it cannot be read or is not a usable secret (empty, shorter than
 * CTL_SECRET_MIN or longer than CTL_SECRET_MAX characters, control
 * characters).  err never contains the secret.
 */
int ctl_secret_load(const char *path, char *out, size_t outlen, char *err,
                    size_t errlen);

/* Whether given equals expected, in time that depends only on the
 * lengths (not on where they differ).  NULL never matches. */
int ctl_secret_equal(const char *expected, const char *given);

#endif
