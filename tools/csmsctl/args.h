/*
 * args.h — csmsctl's parameters from the command line to a JSON object.
 *
 *   key=value    a number (42, -1, 2.5), true, false, null, or an object
 *                or array written as JSON; anything else is a string
 *   key:=JSON    exactly this JSON (key:='"0042"' for a numeric string)
 *   {"k": ...}   a whole JSON object, merged in
 * Later arguments replace earlier ones with the same key.
 */
#ifndef CSMSCTL_ARGS_H
#define CSMSCTL_ARGS_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* 0 and a new object in *out, or -1 with err naming the argument. */
int csmsctl_params(int argc, char **argv, cJSON **out, char *err,
                   size_t errlen);

/* 1 for the ops that take no CP_ID (status, cps, tag_*). */
int csmsctl_op_without_cp(const char *op);

#endif
