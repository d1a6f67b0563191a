/*
 * evloop.h — an epoll event loop for libwebsockets when libev is there.
 *
 * lws's own loop is poll(): every wake-up scans every socket, which is
 * most of the service thread's time at thousands of connections.  With
 * libev (and lws's libev plugin) the kernel reports only the ready ones.
 * libev is loaded at run time, so ocppd builds and runs without it (on
 * poll, with a log line saying so).
 */
#ifndef OCPPD_EVLOOP_H
#define OCPPD_EVLOOP_H

/* A libev loop for info.foreign_loops, or NULL when libev is missing. */
void *evloop_new(void);
/* Runs until evloop_break; returns at once for NULL. */
void evloop_run(void *loop);
void evloop_break(void *loop);
void evloop_destroy(void *loop);

#endif
