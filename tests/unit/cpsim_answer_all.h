/*
 * cpsim_answer_all.h — the cpsim sources behind answer_call(), included
 * whole by the unit tests that drive it (one translation unit, so the
 * static helpers are reachable and nothing else of cpsim is linked).
 */
#include "../../tools/cpsim/answer.c"
#include "../../tools/cpsim/answer_cancel_reservation.c"
#include "../../tools/cpsim/answer_certificates.c"
#include "../../tools/cpsim/answer_clear_charging_profile.c"
#include "../../tools/cpsim/answer_get_composite_schedule.c"
#include "../../tools/cpsim/answer_get_local_list_version.c"
#include "../../tools/cpsim/answer_get_log.c"
#include "../../tools/cpsim/answer_reserve_now.c"
#include "../../tools/cpsim/answer_send_local_list.c"
#include "../../tools/cpsim/answer_set_charging_profile.c"
#include "../../tools/cpsim/answer_update_firmware.c"
#include "../../tools/cpsim/answer_util.c"
#include "../../tools/cpsim/composite.c"
#include "../../tools/cpsim/cpconfig.c"
#include "../../tools/cpsim/cpstate.c"
#include "../../tools/cpsim/cpstate_reserve.c"
#include "../../tools/cpsim/local_auth_list.c"
#include "../../tools/cpsim/profiles.c"
