/*
 * privdrop.c — switching from root to the service user; see privdrop.h.
 *
 * The order is the usual one: supplementary groups (the user's own, so a
 * control_socket_group the user belongs to still works), then the group,
 * then the user; and a final setuid(0) that must fail proves there is no
 * saved root id left to return to.  The log file opened as root is handed
 * to the user too, so SIGHUP can reopen it after a rotation.
 */
#include "privdrop.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "log.h"

static struct {
	int pending;
	uid_t uid;
	gid_t gid;
	char user[64];
	char group[64];
	char log_file[512];
} pd;

int privdrop_prepare(const struct csms_config *cfg, char *err, size_t errlen)
{
	memset(&pd, 0, sizeof pd);
	if (geteuid() != 0)
		return 0;
	if (!cfg->user[0]) {
		log_warn("ocppd: running as root (set user in the config to "
		         "switch to a service user after start-up)");
		return 0;
	}
	errno = 0;
	struct passwd *pw = getpwnam(cfg->user);
	if (!pw) {
		snprintf(err, errlen, "user \"%s\": %s", cfg->user,
		         errno ? strerror(errno) : "no such user");
		return -1;
	}
	pd.uid = pw->pw_uid;
	pd.gid = pw->pw_gid;
	snprintf(pd.user, sizeof pd.user, "%s", cfg->user);
	if (cfg->group[0]) {
		errno = 0;
		struct group *gr = getgrnam(cfg->group);
		if (!gr) {
			snprintf(err, errlen, "group \"%s\": %s", cfg->group,
			         errno ? strerror(errno) : "no such group");
			return -1;
		}
		pd.gid = gr->gr_gid;
		snprintf(pd.group, sizeof pd.group, "%s", cfg->group);
	} else {
		struct group *gr = getgrgid(pd.gid);
		snprintf(pd.group, sizeof pd.group, "%s",
		         gr ? gr->gr_name : "?");
	}
	if (pd.uid == 0) {
		snprintf(err, errlen,
		         "user \"%s\" is root: name a service user", cfg->user);
		return -1;
	}
	snprintf(pd.log_file, sizeof pd.log_file, "%s", cfg->log_file);
	pd.pending = 1;
	return 0;
}

int privdrop_apply(char *err, size_t errlen)
{
	if (!pd.pending)
		return 0;
	pd.pending = 0;
	if (pd.log_file[0] && chown(pd.log_file, pd.uid, pd.gid))
		log_warn("ocppd: log_file %s: cannot hand it to user %s: %s",
		         pd.log_file, pd.user, strerror(errno));
	if (initgroups(pd.user, pd.gid) || setgid(pd.gid) || setuid(pd.uid)) {
		snprintf(err, errlen, "cannot switch to user %s, group %s: %s",
		         pd.user, pd.group, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0 || geteuid() == 0) {
		snprintf(err, errlen,
		         "root privileges could be regained after "
		         "switching to user %s",
		         pd.user);
		return -1;
	}
	log_info("ocppd: running as user %s, group %s", pd.user, pd.group);
	return 0;
}
