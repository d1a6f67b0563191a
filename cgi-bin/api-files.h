/*
 * api-files.h — the files charge points uploaded and the firmware images
 * (docs/files.md, docs/api.md): GET /cps/{id}/files, GET /firmware,
 * GET /files/{id}/content (the file itself).
 */
#ifndef CSMS_API_FILES_H
#define CSMS_API_FILES_H

#include "api-req.h"

void api_cp_files(struct api_req *r);
void api_firmware_list(struct api_req *r);
void api_file_content(struct api_req *r);

#endif
