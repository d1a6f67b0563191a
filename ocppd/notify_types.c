/*
 * notify_types.c — see notify_types.h.
 */
#include "notify_types.h"

#include <string.h>

const char *const notify_types[] = {NOTIFY_CP_OFFLINE,
                                    NOTIFY_CP_ONLINE,
                                    NOTIFY_CONNECTOR_FAULTED,
                                    NOTIFY_SESSION_STARTED,
                                    NOTIFY_SESSION_FINISHED,
                                    NOTIFY_FIRMWARE_STATUS,
                                    NOTIFY_DIAGNOSTICS_STATUS,
                                    NOTIFY_SECURITY_EVENT,
                                    NULL};

int notify_type_known(const char *name)
{
	for (int i = 0; notify_types[i]; i++)
		if (!strcmp(notify_types[i], name))
			return 1;
	return 0;
}
