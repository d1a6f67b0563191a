/*
 * ctl_proto.h — the vocabulary of ocppd's control socket (docs/control.md)
 * in one place: the Central System → Charge Point commands it sends and
 * the error codes it answers with, each with the HTTP status the web tier
 * gives it.  ocppd's command table (calls.c, send.h), the web tier
 * (webctl.c: which actions are commands, code → status), the API and the
 * OpenAPI document's action enum (a unit test holds it against this list)
 * all expand these X-macros, so a command or a code is added here once.
 */
#ifndef CSMS_CTL_PROTO_H
#define CSMS_CTL_PROTO_H

/*
 * X(Action, symbol): the OCPP 1.6 action (also the control op name) and the
 * send_op ocppd defines for it (send_<symbol>).  Sorted by Action: ocppd
 * finds an op by binary search.
 */
#define CTL_COMMANDS(X)                                                        \
	X(CancelReservation, cancel_reservation)                               \
	X(CertificateSigned, certificate_signed)                               \
	X(ChangeAvailability, change_availability)                             \
	X(ChangeConfiguration, change_configuration)                           \
	X(ClearCache, clear_cache)                                             \
	X(ClearChargingProfile, clear_charging_profile)                        \
	X(DataTransfer, data_transfer)                                         \
	X(DeleteCertificate, delete_certificate)                               \
	X(ExtendedTriggerMessage, extended_trigger_message)                    \
	X(GetCompositeSchedule, get_composite_schedule)                        \
	X(GetConfiguration, get_configuration)                                 \
	X(GetDiagnostics, get_diagnostics)                                     \
	X(GetInstalledCertificateIds, get_installed_certificate_ids)           \
	X(GetLocalListVersion, get_local_list_version)                         \
	X(GetLog, get_log)                                                     \
	X(InstallCertificate, install_certificate)                             \
	X(RemoteStartTransaction, remote_start_transaction)                    \
	X(RemoteStopTransaction, remote_stop_transaction)                      \
	X(ReserveNow, reserve_now)                                             \
	X(Reset, reset)                                                        \
	X(SendLocalList, send_local_list)                                      \
	X(SetChargingProfile, set_charging_profile)                            \
	X(SignedUpdateFirmware, signed_update_firmware)                        \
	X(TriggerMessage, trigger_message)                                     \
	X(UnlockConnector, unlock_connector)                                   \
	X(UpdateFirmware, update_firmware)

/*
 * X(Action, symbol): the OCPP 2.0.1 commands (send201_<symbol>, ocppd's
 * send201.c), sent to a charging station that speaks 2.0.1 under the
 * same op names; a name in one list only is refused with cp_protocol to
 * a station of the other protocol (docs/ocpp201.md).  Sorted by Action.
 */
#define CTL_COMMANDS201(X)                                                     \
	X(CancelReservation, cancel_reservation)                               \
	X(CertificateSigned, certificate_signed)                               \
	X(ChangeAvailability, change_availability)                             \
	X(ClearCache, clear_cache)                                             \
	X(ClearChargingProfile, clear_charging_profile)                        \
	X(ClearDisplayMessage, clear_display_message)                          \
	X(ClearVariableMonitoring, clear_variable_monitoring)                  \
	X(CostUpdated, cost_updated)                                           \
	X(DataTransfer, data_transfer)                                         \
	X(DeleteCertificate, delete_certificate)                               \
	X(GetBaseReport, get_base_report)                                      \
	X(GetChargingProfiles, get_charging_profiles)                          \
	X(GetCompositeSchedule, get_composite_schedule)                        \
	X(GetDisplayMessages, get_display_messages)                            \
	X(GetInstalledCertificateIds, get_installed_certificate_ids)           \
	X(GetLocalListVersion, get_local_list_version)                         \
	X(GetLog, get_log)                                                     \
	X(GetMonitoringReport, get_monitoring_report)                          \
	X(GetTransactionStatus, get_transaction_status)                        \
	X(GetVariables, get_variables)                                         \
	X(InstallCertificate, install_certificate)                             \
	X(RequestStartTransaction, request_start_transaction)                  \
	X(RequestStopTransaction, request_stop_transaction)                    \
	X(ReserveNow, reserve_now)                                             \
	X(Reset, reset)                                                        \
	X(SendLocalList, send_local_list)                                      \
	X(SetChargingProfile, set_charging_profile)                            \
	X(SetDisplayMessage, set_display_message)                              \
	X(SetMonitoringBase, set_monitoring_base)                              \
	X(SetMonitoringLevel, set_monitoring_level)                            \
	X(SetNetworkProfile, set_network_profile)                              \
	X(SetVariableMonitoring, set_variable_monitoring)                      \
	X(SetVariables, set_variables)                                         \
	X(TriggerMessage, trigger_message)                                     \
	X(UnlockConnector, unlock_connector)                                   \
	X(UpdateFirmware, update_firmware)

/*
 * X(code, http_status): every error code of a control answer.  Anything
 * else in error.code is a charge point's CALLERROR (NotSupported, ...),
 * which the web tier answers with 502.
 */
#define CTL_ERRORS(X)                                                          \
	X(bad_request, 400)                                                    \
	X(invalid_params, 400)                                                 \
	X(unknown_op, 404)                                                     \
	X(not_found, 404)                                                      \
	X(cp_offline, 409)                                                     \
	X(cp_pending, 409)                                                     \
	X(cp_rejected, 409)                                                    \
	X(cp_protocol, 409)                                                    \
	X(exists, 409)                                                         \
	X(in_use, 409)                                                         \
	X(internal, 500)                                                       \
	X(unauthorized, 503)                                                   \
	X(busy, 503)                                                           \
	X(shutting_down, 503)                                                  \
	X(db_unavailable, 503)                                                 \
	X(db_error, 503)                                                       \
	X(timeout, 504)

/*
 * A node of a cluster (ocppd/nodes.c) is live while its nodes.seen_at is
 * younger than this many seconds; then the others mark its charge points
 * disconnected, and the web tier no longer sends it anything.
 */
#define CTL_NODE_SILENT_S 30

/* cp_set_boot's boot_answer: what a charge point's BootNotification is
 * answered (charge_points.boot_answer, docs/registration.md); the list
 * ends with NULL. */
#define CTL_BOOT_ANSWERS                                                       \
	{                                                                      \
		"Accepted", "Pending", "Rejected", NULL                        \
	}

/* The HTTP status of a charge point's own CALLERROR. */
#define CTL_CALLERROR_HTTP_STATUS 502

#endif
