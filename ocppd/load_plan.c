/*
 * load_plan.c — sharing a site's limit among its connectors; see
 * load_plan.h.  Progressive filling: all unsaturated connectors of a
 * priority rise together until one reaches its maximum or a phase runs
 * out, which freezes the connectors concerned; at most n + 3 rounds.
 */
#include "load_plan.h"

#include <stdlib.h>

static int on(const struct lp_conn *c, int ph)
{
	return (c->phases >> ph) & 1;
}

/* Admission order: priority, then the earlier session. */
static int before(const struct lp_conn *a, const struct lp_conn *b)
{
	if (a->priority != b->priority)
		return a->priority > b->priority;
	return a->since < b->since;
}

static int fits(const int rem[3], const struct lp_conn *c, int da)
{
	for (int ph = 0; ph < 3; ph++)
		if (on(c, ph) && rem[ph] < da)
			return 0;
	return 1;
}

static void take(int rem[3], const struct lp_conn *c, int da)
{
	for (int ph = 0; ph < 3; ph++)
		if (on(c, ph))
			rem[ph] -= da;
}

/* Raises the admitted, unsaturated connectors of one priority together.
 * full[i] marks a connector that cannot rise further. */
static void fill(int rem[3], struct lp_conn *c, int n, int prio, char *full)
{
	for (;;) {
		int users[3] = {0, 0, 0}, any = 0;
		for (int i = 0; i < n; i++) {
			if (full[i] || c[i].priority != prio)
				continue;
			any = 1;
			for (int ph = 0; ph < 3; ph++)
				users[ph] += on(&c[i], ph);
		}
		if (!any)
			return;
		int step = -1;
		for (int ph = 0; ph < 3; ph++)
			if (users[ph] &&
			    (step < 0 || rem[ph] / users[ph] < step))
				step = rem[ph] / users[ph];
		for (int i = 0; i < n; i++)
			if (!full[i] && c[i].priority == prio &&
			    c[i].max_da - c[i].out_da < step)
				step = c[i].max_da - c[i].out_da;
		if (step < 0)
			step = 0;
		for (int i = 0; i < n; i++) {
			if (full[i] || c[i].priority != prio)
				continue;
			c[i].out_da += step;
			take(rem, &c[i], step);
		}
		/* Freeze who is at the maximum, or on a phase with less left
		 * than one step for each of its users. */
		for (int i = 0; i < n; i++) {
			if (full[i] || c[i].priority != prio)
				continue;
			if (c[i].out_da >= c[i].max_da)
				full[i] = 1;
			for (int ph = 0; ph < 3; ph++)
				if (on(&c[i], ph) && rem[ph] < users[ph])
					full[i] = 1;
		}
	}
}

enum lp_result lp_plan(const int limit_da[3], struct lp_conn *c, int n)
{
	int rem[3] = {limit_da[0], limit_da[1], limit_da[2]};
	for (int i = 0; i < n; i++) {
		c[i].out_da = 0;
		if (c[i].fixed)
			take(rem, &c[i], c[i].fixed_da);
	}
	for (int ph = 0; ph < 3; ph++)
		if (rem[ph] < 0)
			return LP_OVER;

	/* Admission by priority and start: a selection order over indexes,
	 * n is small (the connectors of one site). */
	char *full = calloc((size_t)n + 1, 1);
	if (!full)
		return LP_OVER; /* nothing given is the safe answer */
	enum lp_result res = LP_OK;
	for (int k = 0; k < n; k++) {
		int best = -1;
		for (int i = 0; i < n; i++)
			if (!c[i].fixed && !full[i] &&
			    (best < 0 || before(&c[i], &c[best])))
				best = i;
		if (best < 0)
			break;
		full[best] = 1; /* taken in order */
		if (c[best].phases & LP_ALL && c[best].min_da > 0 &&
		    c[best].max_da >= c[best].min_da &&
		    fits(rem, &c[best], c[best].min_da)) {
			c[best].out_da = c[best].min_da;
			take(rem, &c[best], c[best].min_da);
		} else {
			res = LP_PAUSED;
		}
	}
	/* Fill from the highest priority down; only admitted ones rise. */
	for (int i = 0; i < n; i++)
		full[i] = c[i].fixed || c[i].out_da == 0 ||
		          c[i].out_da >= c[i].max_da;
	for (;;) {
		int prio = 0, found = 0;
		for (int i = 0; i < n; i++)
			if (!full[i] && (!found || c[i].priority > prio)) {
				prio = c[i].priority;
				found = 1;
			}
		if (!found)
			break;
		fill(rem, c, n, prio, full);
	}
	free(full);
	return res;
}
