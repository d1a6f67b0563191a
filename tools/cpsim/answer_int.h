/*
 * answer_int.h — what the answer files (answer.c and answer_*.c, one per
 * action of the Reservation, Local Auth List and Smart Charging profiles)
 * share: the field helpers that answer with the matching CALLERROR, and
 * the handlers answer.c's table points at.
 */
#ifndef CPSIM_ANSWER_INT_H
#define CPSIM_ANSWER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "answer.h"

void answer_set_status(struct answer *a, const char *status);
void answer_set_error(struct answer *a, const char *code, const char *desc);

/* -1 (the CALLERROR is set) when missing-but-required or of the wrong
 * type; 0 when absent; 1 with *out set. */
int answer_int_field(const struct cJSON *p, const char *name, int required,
                     int *out, struct answer *a);
/* NULL (the CALLERROR set if it was required or bad) when absent. */
const char *answer_str_field(const struct cJSON *p, const char *name,
                             int required, size_t maxlen, struct answer *a);
/* A date-time field as Unix ms: -1 with the CALLERROR set when bad or
 * required and missing, 0 when absent, 1 when set. */
int answer_time_field(const struct cJSON *p, const char *name, int required,
                      int64_t *ms, struct answer *a);

struct composite_in;
/* The composite schedule's context for connector cid at st->now_ms (also
 * what --obey-profiles applies). */
void answer_composite_in(const struct cpstate *st, int cid, int duration_s,
                         int unit_w, struct composite_in *in);

void answer_reserve_now(struct cpstate *st, const struct cJSON *p,
                        struct answer *a);
void answer_cancel_reservation(struct cpstate *st, const struct cJSON *p,
                               struct answer *a);
void answer_send_local_list(struct cpstate *st, const struct cJSON *p,
                            struct answer *a);
void answer_get_local_list_version(struct cpstate *st, const struct cJSON *p,
                                   struct answer *a);
void answer_set_charging_profile(struct cpstate *st, const struct cJSON *p,
                                 struct answer *a);
void answer_clear_charging_profile(struct cpstate *st, const struct cJSON *p,
                                   struct answer *a);
void answer_get_diagnostics(struct cpstate *st, const struct cJSON *p,
                            struct answer *a);
void answer_get_log(struct cpstate *st, const struct cJSON *p,
                    struct answer *a);
void answer_update_firmware(struct cpstate *st, const struct cJSON *p,
                            struct answer *a);
void answer_signed_update_firmware(struct cpstate *st, const struct cJSON *p,
                                   struct answer *a);
void answer_get_composite_schedule(struct cpstate *st, const struct cJSON *p,
                                   struct answer *a);
/* The Security Whitepaper's certificate calls (answer_certificates.c). */
void answer_certificate_signed(struct cpstate *st, const struct cJSON *p,
                               struct answer *a);
void answer_install_certificate(struct cpstate *st, const struct cJSON *p,
                                struct answer *a);
void answer_delete_certificate(struct cpstate *st, const struct cJSON *p,
                               struct answer *a);
void answer_get_installed_certificate_ids(struct cpstate *st,
                                          const struct cJSON *p,
                                          struct answer *a);
void answer_extended_trigger_message(struct cpstate *st, const struct cJSON *p,
                                     struct answer *a);

#endif
