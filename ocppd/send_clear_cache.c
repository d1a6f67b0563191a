/*
 * send_clear_cache.c — ClearCache: the charge point forgets the id tags
 * it cached (after a tag was blocked, say).
 */
#include "send.h"

const struct send_op send_clear_cache = {"ClearCache", 0, NULL, NULL};
