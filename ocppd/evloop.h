/*
 * evloop.h — the libev (epoll) event loop under libwebsockets.
 *
 * lws's own loop is poll(): every wake-up scans every socket, which is
 * most of the service thread's time at thousands of connections.  With
 * libev (and lws's libev plugin, which lws loads itself) the kernel
 * reports only the ready ones.  Should lws lack its libev plugin, ws.c
 * falls back to poll() and logs so.
 */
#ifndef OCPPD_EVLOOP_H
#define OCPPD_EVLOOP_H

/* A libev loop for info.foreign_loops, or NULL when out of memory. */
void *evloop_new(void);
/* Runs until evloop_break; returns at once for NULL. */
void evloop_run(void *loop);
void evloop_break(void *loop);
void evloop_destroy(void *loop);

#endif
