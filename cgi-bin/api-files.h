/*
 * api-files.h — the files charge points uploaded and the firmware images
 * (docs/files.md, docs/api.md): GET /cps/{id}/files, GET /firmware,
 * GET /files/{id}/content (the file itself).
 */
#ifndef CSMS_API_FILES_H
#define CSMS_API_FILES_H

#include <cjson/cJSON.h>

#include "api-req.h"

void api_cp_files(struct api_req *r);
void api_firmware_list(struct api_req *r);
void api_file_content(struct api_req *r);

/*
 * A command's params naming a hosted image ("firmwareId", UpdateFirmware
 * and SignedUpdateFirmware): the image must exist, and SignedUpdateFirmware
 * gets its signature and signing certificate when the caller gave none.
 * 0, or -1 with the error answered.
 */
int api_files_fill_firmware(struct api_req *r, const char *action,
                            cJSON *params);

#endif
