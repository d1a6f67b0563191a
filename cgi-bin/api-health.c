/*
 * api-health.c — the health check.
 *
 * ocppd is judged from outside, without asking the database (which ocppd
 * may be fine without for a while): its control socket accepting a
 * connection means alive, a socket that refuses means dead; with no
 * socket, the PID file scripts/stack.sh keeps in run_dir; with neither
 * (ocppd on another host), "unknown".
 *
 * In a cluster (live nodes advertising a control address, webroute.h)
 * every node is asked for its status instead: "ocppd" is ok while any
 * answers, the status degraded when one does not, and "nodes" lists each
 * with its connected charge points, "connected_cps" their sum.
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
#include "webcmd.h"

/* How long one node may take to answer "status" (ms). */
#define NODE_STATUS_MS 3000

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

/* Each node's status, merged: the nodes array (taken) becomes "nodes";
 * 1 when every node answered. */
static int add_nodes(cJSON *body, cJSON *fan, int *any_up)
{
	cJSON *nodes = cJSON_CreateArray(), *n;
	double connected = 0;
	int all_up = 1;
	*any_up = 0;
	cJSON_ArrayForEach(n, fan)
	{
		cJSON *row = cJSON_CreateObject();
		const cJSON *res =
		    cJSON_GetObjectItemCaseSensitive(n, "result");
		int up =
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(n, "ok"));
		const cJSON *cps =
		    cJSON_GetObjectItemCaseSensitive(res, "connected_cps");
		api_json_str(
		    row, "node_id",
		    cJSON_GetStringValue(
		        cJSON_GetObjectItemCaseSensitive(n, "node_id")));
		api_json_str(
		    row, "control_addr",
		    cJSON_GetStringValue(
		        cJSON_GetObjectItemCaseSensitive(n, "control_addr")));
		api_json_str(row, "state", up ? "ok" : "down");
		if (up && cJSON_IsNumber(cps)) {
			cJSON_AddNumberToObject(row, "connected_cps",
			                        cps->valuedouble);
			connected += cps->valuedouble;
		}
		*any_up |= up;
		all_up &= up;
		cJSON_AddItemToArray(nodes, row);
	}
	cJSON_Delete(fan);
	cJSON_AddNumberToObject(body, "connected_cps", connected);
	cJSON_AddItemToObject(body, "nodes", nodes);
	return all_up;
}

void api_health(struct api_req *r)
{
	int db_ok = db_alive(r->db);
	cJSON *fan =
	    db_ok ? webcmd_fanout(r->cfg, r->db, "status", NODE_STATUS_MS)
	          : NULL;
	const char *ocppd = fan ? NULL : ocppd_state(r->cfg);
	cJSON *body = cJSON_CreateObject();
	int all_up = 1, any_up = 0;
	cJSON *merged = cJSON_CreateObject();
	if (fan) {
		all_up = add_nodes(merged, fan, &any_up);
		ocppd = any_up ? "ok" : "down";
	}
	api_json_str(body, "status",
	             !db_ok                            ? "unavailable"
	             : strcmp(ocppd, "down") && all_up ? "ok"
	                                               : "degraded");
	api_json_str(body, "database", db_ok ? "ok" : "down");
	api_json_str(body, "ocppd", ocppd);
	api_json_str(body, "version", CSMS_VERSION);
	cJSON *m;
	while ((m = merged->child) != NULL)
		cJSON_AddItemToObject(body, m->string,
		                      cJSON_DetachItemViaPointer(merged, m));
	cJSON_Delete(merged);
	api_send_json(r, db_ok ? 200 : 503, body);
}
