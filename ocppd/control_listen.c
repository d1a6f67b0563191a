/*
 * control_listen.c — binds the control sockets exactly as configured; see
 * control_listen.h.
 */
#include "control_listen.h"

#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_addr.h"
#include "log.h"

static int parse_mode(const char *s, mode_t *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 8);
	if (!*s || *end || errno || v < 0 || v > 0777)
		return -1;
	*out = (mode_t)v;
	return 0;
}

/* Someone answers on path: another ocppd owns it. */
static int socket_in_use(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	int rc = connect(fd, (const struct sockaddr *)sa, sizeof *sa);
	close(fd);
	return rc == 0;
}

/* May the owner of a directory, uid, search it as a member of gid? */
static int owner_in_group(uid_t uid, const struct group *gr)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	if (getpwuid_r(uid, &pw, buf, sizeof buf, &res) || !res)
		return 0;
	if (res->pw_gid == gr->gr_gid)
		return 1;
	for (char **m = gr->gr_mem; m && *m; m++)
		if (!strcmp(*m, res->pw_name))
			return 1;
	return 0;
}

/*
 * Members of control_socket_group must reach the socket: every directory
 * above it must let them search it.  A socket they cannot reach is the
 * classic broken install (the web tier answers "control unavailable"
 * while ocppd looks healthy), so it is a start-up error naming the
 * directory.  0, or -1 with err.
 */
static int group_can_reach(const char *path, const struct group *gr, char *err,
                           size_t errlen)
{
	char dir[sizeof((struct sockaddr_un *)0)->sun_path];
	snprintf(dir, sizeof dir, "%s", path);
	for (char *slash = strrchr(dir, '/'); slash;
	     slash = strrchr(dir, '/')) {
		*slash = '\0';
		const char *d = dir[0] ? dir : "/";
		struct stat st;
		if (stat(d, &st)) {
			snprintf(err, errlen, "control socket %s: %s: %s", path,
			         d, strerror(errno));
			return -1;
		}
		int ok =
		    (st.st_mode & S_IXOTH) ||
		    ((st.st_mode & S_IXGRP) && st.st_gid == gr->gr_gid) ||
		    ((st.st_mode & S_IXUSR) && owner_in_group(st.st_uid, gr));
		if (!ok) {
			snprintf(
			    err, errlen,
			    "control socket %s: group %s cannot enter %s "
			    "(mode %04o): the web server could not connect",
			    path, gr->gr_name, d,
			    (unsigned)(st.st_mode & 07777));
			return -1;
		}
		if (!dir[0])
			break;
	}
	return 0;
}

/* Binds control_socket as configured (mode, group, reachable by the
 * group); -1 with err when any of that cannot be had. */
int control_listen_unix(const struct csms_config *cfg, char *err, size_t errlen)
{
	const char *path = cfg->control_socket;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	mode_t mode;
	if (strlen(path) >= sizeof sa.sun_path) {
		snprintf(err, errlen,
		         "control socket %s: path longer than %zu bytes", path,
		         sizeof sa.sun_path - 1);
		return -1;
	}
	if (parse_mode(cfg->control_socket_mode, &mode)) {
		snprintf(err, errlen,
		         "control_socket_mode \"%s\" is not an octal mode",
		         cfg->control_socket_mode);
		return -1;
	}
	gid_t gid = (gid_t)-1;
	if (cfg->control_socket_group[0]) {
		struct group gr, *res = NULL;
		char buf[4096];
		if (getgrnam_r(cfg->control_socket_group, &gr, buf, sizeof buf,
		               &res) ||
		    !res) {
			snprintf(err, errlen,
			         "control_socket_group \"%s\": no such group",
			         cfg->control_socket_group);
			return -1;
		}
		if (group_can_reach(path, res, err, errlen))
			return -1;
		gid = res->gr_gid;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	struct stat st;
	if (!lstat(path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen,
			         "control socket %s exists and is not a socket",
			         path);
			return -1;
		}
		if (socket_in_use(&sa)) {
			snprintf(err, errlen,
			         "control socket %s is in use by another "
			         "process (another ocppd?)",
			         path);
			return -1;
		}
		unlink(path); /* left behind by a daemon that died */
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return -1;
	}
	/* Nobody may connect between bind and chmod. */
	mode_t old = umask(0177);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	int e = errno;
	umask(old);
	if (rc) {
		snprintf(err, errlen, "control socket %s: %s", path,
		         strerror(e));
		close(fd);
		return -1;
	}
	if (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid)) {
		/* Only root or a member of the group may give it the group:
		 * under systemd that is the unit's SupplementaryGroups=. */
		snprintf(err, errlen,
		         "control socket %s: cannot give it group %s (%s): "
		         "ocppd's user must be a member of that group",
		         path, cfg->control_socket_group, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	if (chmod(path, mode) || listen(fd, 64)) {
		snprintf(err, errlen, "control socket %s: %s", path,
		         strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	log_info("ocppd: control socket %s (mode %04o%s%s)", path,
	         (unsigned)mode, gid != (gid_t)-1 ? ", group " : "",
	         gid != (gid_t)-1 ? cfg->control_socket_group : "");
	return fd;
}

int control_listen_tcp(int port, char *err, size_t errlen)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "control port: %s", strerror(errno));
		return -1;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 64)) {
		snprintf(err, errlen, "control port 127.0.0.1:%d: %s", port,
		         strerror(errno));
		close(fd);
		return -1;
	}
	log_info("ocppd: control port 127.0.0.1:%d", port);
	return fd;
}

int control_listen_addr(const char *text, const struct ctl_addr *a, char *err,
                        size_t errlen)
{
	int fd = socket(a->sa.ss_family,
	                SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "control_listen %s: %s", text,
		         strerror(errno));
		return -1;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (const struct sockaddr *)&a->sa, a->len) ||
	    listen(fd, 64)) {
		snprintf(err, errlen, "control_listen %s: %s", text,
		         strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
