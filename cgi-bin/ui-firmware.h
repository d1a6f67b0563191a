/*
 * ui-firmware.h — the files pages of the dashboard (docs/files.md): the
 * firmware images (GET /firmware, the upload form POST /firmware), the
 * update of one charge point from a hosted image (POST /cp/{id}/firmware)
 * and, on the charge point page, the diagnostics and logs it uploaded and
 * its firmware jobs with every status step.
 */
#ifndef CSMS_UI_FIRMWARE_H
#define CSMS_UI_FIRMWARE_H

#include "ui-shared.h"

void ui_firmware(struct ui_req *r, const char *arg);
void ui_firmware_post(struct ui_req *r, const char *arg);
/* POST /firmware/{id}/delete (admin): ocppd deletes the row, then the
 * file goes. */
void ui_firmware_delete_post(struct ui_req *r, const char *arg);
/* arg: the charge point id (the route's '*'). */
void ui_cp_firmware_post(struct ui_req *r, const char *arg);

/* The charge point page's loops: files, fw_jobs (with steps), and the
 * images for the update form (fw_images).  0, -1 on a database error. */
int ui_files_vars(struct ui_req *r, const char *cp_id, TMPL_varlist **vl);

#endif
