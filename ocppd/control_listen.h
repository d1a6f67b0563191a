/*
 * control_listen.h — the control socket and port, bound as configured.
 *
 * The web tier reaches ocppd through control_socket, as a member of
 * control_socket_group; a socket that group cannot reach is the classic
 * broken install (the API answers "control unavailable" while ocppd looks
 * healthy).  So anything that cannot be had as configured — the path, the
 * mode, the group, a directory above the socket the group cannot enter,
 * another ocppd answering on it, the TCP port — is an error with one line
 * naming it, which ocppd turns into a start-up failure.
 */
#ifndef OCPPD_CONTROL_LISTEN_H
#define OCPPD_CONTROL_LISTEN_H

#include <stddef.h>

#include "config.h"

/* The listening descriptor of control_socket (mode and group applied), or
 * -1 with err. */
int control_listen_unix(const struct csms_config *cfg, char *err,
                        size_t errlen);
/* The listening descriptor of 127.0.0.1:port, or -1 with err. */
int control_listen_tcp(int port, char *err, size_t errlen);
struct ctl_addr;
/* The listening descriptor of control_listen (text, parsed as a), or -1
 * with err. */
int control_listen_addr(const char *text, const struct ctl_addr *a, char *err,
                        size_t errlen);

#endif
