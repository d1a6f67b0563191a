/*
 * load_report.h — load mode's counters and its final summary, as text for
 * people or as one JSON object (--json) for scripts.
 */
#ifndef CPSIM_LOAD_REPORT_H
#define CPSIM_LOAD_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hist.h"

#define LOAD_CODES 8

struct load_stats {
	/* what was asked */
	const char *url;
	const char *mix;
	double rate; /* 0: closed loop */
	int inflight;
	int requested;
	int seconds;
	/* connections */
	int connected;      /* handshakes that succeeded */
	int booted;         /* BootNotification Accepted */
	int boot_rejected;  /* Pending/Rejected/CALLERROR */
	int connect_failed; /* refused, timed out, handshake refused */
	int closed_early;   /* closed by the server before the end */
	int held;           /* still open when traffic ended */
	/* --reconnect */
	int reconnect;       /* enabled */
	int link_drops;      /* links lost while the run wanted them */
	int reconnected;     /* links re-established after a drop */
	uint64_t resent;     /* unanswered calls sent again (same id) */
	double gap_max_secs; /* longest time a charge point had no link */
	int unanswered_end;  /* calls still unanswered when the run ended */
	double connect_secs;
	/* --mix storm */
	int storm;
	int online; /* booted and every connector's status answered */
	uint64_t boot_pending; /* BootNotification answered Pending */
	double open_secs, booted_secs,
	    online_secs; /* when the last got there */
	/* traffic phase */
	double traffic_secs;
	uint64_t sent, answered, results, callerrors, timeouts;
	uint64_t server_calls;   /* CALLs the server sent us */
	uint64_t protocol;       /* unparseable frames, unknown ids */
	uint64_t rate_shortfall; /* rate mode: sends that found no idle CP */
	struct hist lat;         /* microseconds */
	int ncodes;
	struct {
		char code[48];
		uint64_t n;
	} codes[LOAD_CODES];
	int nhttp;
	struct {
		int status;
		uint64_t n;
	} http[LOAD_CODES];
	/* memory */
	int pid;
	long rss_before_kb, rss_after_kb; /* -1: not measured */
	long self_rss_kb;
	/* verdict: NULL ok, else the reason the run failed */
	const char *failure;
};

void load_stats_init(struct load_stats *s);
void load_stats_callerror(struct load_stats *s, const char *code, size_t len);
void load_stats_http(struct load_stats *s, int status);

/* VmRSS of a process in KiB, or -1. */
long load_vmrss_kb(int pid);

void load_report_text(FILE *out, const struct load_stats *s);
void load_report_json(FILE *out, const struct load_stats *s);

#endif
