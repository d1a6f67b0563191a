/*
 * api-users.h — GET /users: the id tags the central system knows.
 */
#ifndef CSMS_API_USERS_H
#define CSMS_API_USERS_H

#include "api.h"

void api_users(struct api_req *r);

#endif
