/*
 * api-health.c — the health check.
 *
 * ocppd is judged from outside, without asking the database (which ocppd
 * may be fine without for a while): its control socket accepting a
 * connection means alive, a socket that refuses means dead; with no
 * socket, the PID file scripts/stack.sh keeps in run_dir; with neither
 * (ocppd on another host), "unknown".
 */
#include "api-health.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "api-json.h"

static const char sql_ping[] = "SELECT 1";

static const char *socket_state(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	if (!*path || strlen(path) >= sizeof sa.sun_path || stat(path, &st) ||
	    !S_ISSOCK(st.st_mode))
		return NULL;
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	int rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	int err = errno;
	close(fd);
	/* EAGAIN: listening, with a full backlog — busy, not dead. */
	if (rc == 0 || err == EAGAIN)
		return "ok";
	return err == ECONNREFUSED ? "down" : NULL;
}

static const char *pidfile_state(const char *run_dir)
{
	char path[600];
	snprintf(path, sizeof path, "%s/ocppd.pid", run_dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	long pid = 0;
	int n = fscanf(f, "%ld", &pid);
	fclose(f);
	if (n != 1 || pid <= 0)
		return NULL;
	if (kill((pid_t)pid, 0) == 0 || errno == EPERM)
		return "ok";
	return "down";
}

static const char *ocppd_state(const struct csms_config *cfg)
{
	const char *s = socket_state(cfg->control_socket);
	if (!s)
		s = pidfile_state(cfg->run_dir);
	return s ? s : "unknown";
}

static int db_alive(struct db *db)
{
	struct db_rows rows;
	if (db_query(db, &rows, sql_ping, ""))
		return 0;
	int rc = db_next(&rows);
	db_rows_end(&rows);
	return rc == 1;
}

void api_health(struct api_req *r)
{
	int db_ok = db_alive(r->db);
	const char *ocppd = ocppd_state(r->cfg);
	cJSON *body = cJSON_CreateObject();
	api_json_str(body, "status",
	             !db_ok                  ? "unavailable"
	             : strcmp(ocppd, "down") ? "ok"
	                                     : "degraded");
	api_json_str(body, "database", db_ok ? "ok" : "down");
	api_json_str(body, "ocppd", ocppd);
	api_json_str(body, "version", CSMS_VERSION);
	api_send_json(r, db_ok ? 200 : 503, body);
}
