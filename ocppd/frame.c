/*
 * frame.c — see frame.h.
 */
#include "frame.h"

#include <libwebsockets.h>
#include <stdlib.h>
#include <string.h>

const size_t FRAME_PRE = LWS_PRE;

struct frame *frame_new(const char *text, size_t len)
{
	struct frame *f = malloc(sizeof *f + LWS_PRE + len + 1);
	if (!f)
		return NULL;
	f->next = NULL;
	f->len = len;
	memcpy(f->buf + LWS_PRE, text, len);
	f->buf[LWS_PRE + len] = '\0';
	return f;
}

struct frame *frame_take(char *text, size_t len)
{
	if (!text)
		return NULL;
	struct frame *f = frame_new(text, len);
	free(text);
	return f;
}

void frame_free_list(struct frame *f)
{
	while (f) {
		struct frame *next = f->next;
		free(f);
		f = next;
	}
}
