/*
 * log_frame.c — debug logging of frames, secrets masked; see log_frame.h.
 */
#include "log_frame.h"

#include <stdlib.h>

#include "log.h"
#include "ocpp_secret.h"

#define LOG_FRAME_MAX 2000

void log_frame(const char *cp_id, const char *dir, const char *text, size_t len)
{
	if (!log_enabled(LOG_DEBUG))
		return;
	char *masked = NULL;
	size_t mlen = 0;
	if (ocpp_secret_mask_text(text, len, &masked, &mlen)) {
		if (!masked) {
			log_debug("ocpp: %s %s (%zu bytes naming a secret key, "
			          "not logged: out of memory)",
			          cp_id, dir, len);
			return;
		}
		text = masked;
		len = mlen;
	}
	log_debug("ocpp: %s %s %.*s", cp_id, dir,
	          (int)(len > LOG_FRAME_MAX ? LOG_FRAME_MAX : len), text);
	free(masked);
}
