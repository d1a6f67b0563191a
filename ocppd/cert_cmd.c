/*
 * cert_cmd.c — the external signer; see cert_cmd.h.  posix_spawn, not
 * fork: ocppd has threads, and the child only execs.
 */
#include "cert_cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "timeutil.h"

extern char **environ;

/* Writes all of csr, then reads stdout to EOF within the deadline. */
static int talk(int *inp, int out, const char *csr, char *buf, size_t *len,
                char *err, size_t errlen)
{
	int in = *inp;
	size_t off = 0, n = strlen(csr);
	int64_t deadline = time_mono_ms() + CERT_CMD_TIMEOUT_S * 1000;
	*len = 0;
	while (out >= 0) {
		int64_t left = deadline - time_mono_ms();
		if (left <= 0) {
			snprintf(err, errlen, "no answer within %d s",
			         CERT_CMD_TIMEOUT_S);
			return -1;
		}
		struct pollfd p[2] = {{.fd = out, .events = POLLIN},
		                      {.fd = in, .events = POLLOUT}};
		int np = in >= 0 ? 2 : 1;
		if (poll(p, (nfds_t)np, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}
		if (in >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write(in, csr + off, n - off);
			if (w > 0)
				off += (size_t)w;
			if (w < 0 || off == n) {
				close(in); /* EOF: the CSR is complete */
				in = *inp = -1;
			}
		}
		if (p[0].revents & (POLLIN | POLLERR | POLLHUP)) {
			if (*len >= CERT_CMD_OUT_MAX) {
				snprintf(err, errlen, "more than %d bytes out",
				         CERT_CMD_OUT_MAX);
				return -1;
			}
			ssize_t r =
			    read(out, buf + *len, CERT_CMD_OUT_MAX - *len);
			if (r == 0)
				break;
			if (r > 0)
				*len += (size_t)r;
			else if (errno != EINTR && errno != EAGAIN) {
				snprintf(err, errlen, "read: %s",
				         strerror(errno));
				return -1;
			}
		}
	}
	return 0;
}

int cert_cmd_sign(const char *command, const char *csr_pem, char **chain,
                  char *err, size_t errlen)
{
	int to[2], from[2];
	if (pipe2(to, O_CLOEXEC))
		goto pipe_err;
	if (pipe2(from, O_CLOEXEC)) {
		close(to[0]);
		close(to[1]);
		goto pipe_err;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, to[0], 0);
	posix_spawn_file_actions_adddup2(&fa, from[1], 1);
	char *argv[] = {"sh", "-c", (char *)command, NULL};
	pid_t pid;
	int rc = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(to[0]);
	close(from[1]);
	if (rc) {
		close(to[1]);
		close(from[0]);
		snprintf(err, errlen, "cert_sign_command: %s", strerror(rc));
		return -1;
	}
	char *buf = malloc(CERT_CMD_OUT_MAX + 1);
	size_t len = 0;
	char why[200] = "out of memory";
	int in = to[1];
	int ok =
	    buf && !talk(&in, from[0], csr_pem, buf, &len, why, sizeof why);
	if (in >= 0)
		close(in);
	close(from[0]);
	if (!ok)
		kill(pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (ok && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		ok = 0;
		snprintf(why, sizeof why, "exited with status %d",
		         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	if (ok && !memmem(buf, len, "-----BEGIN CERTIFICATE-----", 27)) {
		ok = 0;
		snprintf(why, sizeof why, "printed no PEM certificate");
	}
	if (!ok) {
		free(buf);
		snprintf(err, errlen, "cert_sign_command: %s", why);
		return -1;
	}
	buf[len] = '\0';
	*chain = buf;
	return 0;
pipe_err:
	snprintf(err, errlen, "cert_sign_command: pipe: %s", strerror(errno));
	return -1;
}
