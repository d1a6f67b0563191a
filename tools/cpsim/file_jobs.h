/*
 * file_jobs.h — what the simulated charge point does after it accepted a
 * GetDiagnostics, GetLog, UpdateFirmware or SignedUpdateFirmware (--files):
 * the status notification that it started, the HTTP transfer (libcurl:
 * a PUT for GetDiagnostics, a multipart POST for GetLog, a GET for
 * firmware), and each following status, sent through send().
 *
 * The transfer blocks the simulator for its duration: fine for the small
 * files of a test, not meant for load runs.
 */
#ifndef CPSIM_FILE_JOBS_H
#define CPSIM_FILE_JOBS_H

#include "answer.h"

typedef void (*file_jobs_send)(void *ud, const char *action,
                               const char *payload);

void file_jobs_run(const struct answer *a, const char *cp_id,
                   file_jobs_send send, void *ud);

#endif
