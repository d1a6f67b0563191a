/*
 * frame.h — one outgoing WebSocket text frame: the text is copied once,
 * behind the LWS_PRE headroom libwebsockets writes its header into (on
 * whichever thread built it, a database worker included); queueing and
 * sending it then copy nothing.
 */
#ifndef OCPPD_FRAME_H
#define OCPPD_FRAME_H

#include <stddef.h>

struct frame {
	struct frame *next;
	size_t len;
	unsigned char buf[]; /* FRAME_PRE bytes of headroom, then text */
};

/* Headroom in front of the text (LWS_PRE). */
extern const size_t FRAME_PRE;

/* Copies text; NULL when out of memory. */
struct frame *frame_new(const char *text, size_t len);
/* Takes a malloc'd text (as rpc_*_text returns) and frees it. */
struct frame *frame_take(char *text, size_t len);
static inline char *frame_text(struct frame *f)
{
	return (char *)f->buf + FRAME_PRE;
}
void frame_free_list(struct frame *f);

#endif
