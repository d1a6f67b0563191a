/*
 * api-users.h — the id tags the central system knows: GET and POST
 * /users, PUT and DELETE /users/{id_tag}.
 */
#ifndef CSMS_API_USERS_H
#define CSMS_API_USERS_H

#include "api-req.h"

void api_users(struct api_req *r);
void api_users_route(struct api_req *r);
void api_user_route(struct api_req *r);

#endif
