/*
 * journal.h — the --journal file: one JSON object per line for every
 * StartTransaction and StopTransaction the central system answered, so a
 * test can check each acknowledged message against the database:
 *
 *   {"action":"StartTransaction","cp":"CP1","connector":1,
 *    "transactionId":123,"meterStart":0,"ts":"2026-...Z"}
 *   {"action":"StopTransaction","cp":"CP1","transactionId":123,
 *    "meterStop":4567,"ts":"2026-...Z"}
 *
 * ts is the timestamp the message carried (what the central system
 * stores), not the time of the answer.  A StartTransaction answered
 * without a transactionId, and CALLERRORs, are not journaled.
 */
#ifndef CPSIM_JOURNAL_H
#define CPSIM_JOURNAL_H

#include <stdio.h>

struct journal;

/* Opens (appends to) path; NULL with err on failure. */
struct journal *journal_open(const char *path, char *err, size_t errlen);
void journal_close(struct journal *j); /* flushes; NULL is fine */
void journal_flush(struct journal *j);

void journal_start(struct journal *j, const char *cp, int connector,
                   long long tx_id, long long meter_start, const char *ts);
void journal_stop(struct journal *j, const char *cp, long long tx_id,
                  long long meter_stop, const char *ts);

struct cJSON;

/*
 * From a sent CALL frame ([2,"id","Action",{...}]) and the CALLRESULT's
 * payload: journals it if it is an answered Start/StopTransaction.
 * Returns 1 when a line was written, 0 when the frame is not journaled,
 * -1 when it cannot be read.
 */
int journal_frame(struct journal *j, const char *cp, const char *call_frame,
                  const struct cJSON *result);

/* Formats one line (no newline) into buf; for the tests.  Returns the
 * length or -1 if it does not fit. */
int journal_format_start(char *buf, size_t n, const char *cp, int connector,
                         long long tx_id, long long meter_start,
                         const char *ts);
int journal_format_stop(char *buf, size_t n, const char *cp, long long tx_id,
                        long long meter_stop, const char *ts);

#endif
