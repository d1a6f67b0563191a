/*
 * composite.c — see composite.h.  The window is cut at every moment a
 * profile can change its limit (validity bounds, schedule starts, period
 * starts, schedule ends; for Recurring profiles each recurrence), the
 * limit is evaluated at the start of each piece, and equal neighbours are
 * merged.
 */
#include "composite.h"

#include <math.h>
#include <stdlib.h>

#define MAX_CUTS 1024

/* The schedule start of p that covers time t, or INT64_MIN if none. */
static int64_t schedule_start(const struct profile *p,
                              const struct composite_in *in, int64_t t)
{
	int64_t s;

	switch (p->kind) {
	case PK_RELATIVE:
		return in->tx_running ? in->tx_start : in->start;
	case PK_RECURRING:
		s = p->start ? p->start : p->received;
		if (p->recurrency_s <= 0 || t < s)
			return s;
		return s + (t - s) / p->recurrency_s * p->recurrency_s;
	default:
		return p->start ? p->start : p->received;
	}
}

static int applies(const struct profile *p, const struct composite_in *in,
                   enum profile_purpose purpose, int connector)
{
	if (p->purpose != purpose || p->connector != connector)
		return 0;
	if (purpose == PP_TX)
		return in->tx_running &&
		       (p->tx_id < 0 || p->tx_id == in->tx_id);
	return 1;
}

static double to_unit(const struct profile *p, const struct profile_period *pp,
                      int unit_w)
{
	double f = COMPOSITE_VOLTS * (pp->phases > 0 ? pp->phases : 3);

	if (p->unit_w == unit_w)
		return pp->limit;
	return unit_w ? pp->limit * f : pp->limit / f;
}

/* p's limit at t, or -1 when p is not active then. */
static double limit_at(const struct profile *p, const struct composite_in *in,
                       int64_t t)
{
	int64_t s = schedule_start(p, in, t), rel;
	int i, k = -1;

	if ((p->valid_from && t < p->valid_from) ||
	    (p->valid_to && t >= p->valid_to) || t < s)
		return -1;
	rel = t - s;
	if (p->duration_s >= 0 && rel >= p->duration_s)
		return -1;
	for (i = 0; i < p->nperiods; i++)
		if (p->p[i].start_s <= rel)
			k = i;
	return k < 0 ? -1 : to_unit(p, &p->p[k], in->unit_w);
}

/* The highest stack level's limit among the profiles of a purpose on a
 * connector active at t; -1 if none. */
static double purpose_limit(const struct profiles *ps,
                            const struct composite_in *in,
                            enum profile_purpose purpose, int connector,
                            int64_t t)
{
	double lim = -1;
	int i, best = -1;

	for (i = 0; i < ps->n; i++) {
		const struct profile *p = &ps->p[i];
		double l;

		if (!applies(p, in, purpose, connector) || p->stack <= best)
			continue;
		if ((l = limit_at(p, in, t)) < 0)
			continue;
		best = p->stack;
		lim = l;
	}
	return lim;
}

static double hw_limit(const struct composite_in *in)
{
	return in->unit_w ? in->hw_max_w : in->hw_max_w / (COMPOSITE_VOLTS * 3);
}

static double eval(const struct profiles *ps, const struct composite_in *in,
                   int64_t t)
{
	double lim = hw_limit(in), l;

	l = purpose_limit(ps, in, PP_CP_MAX, 0, t);
	if (l >= 0) {
		l /= in->cp_share >= 1 ? in->cp_share : 1;
		if (l < lim)
			lim = l;
	}
	l = in->connector > 0 ? purpose_limit(ps, in, PP_TX, in->connector, t)
	                      : -1;
	if (l < 0 && in->connector > 0)
		l = purpose_limit(ps, in, PP_TX_DEFAULT, in->connector, t);
	if (l < 0)
		l = purpose_limit(ps, in, PP_TX_DEFAULT, 0, t);
	if (l >= 0 && l < lim)
		lim = l;
	/* multipleOf 0.1 on the wire */
	return floor(lim * 10 + 1e-6) / 10;
}

double composite_limit_now(const struct profiles *ps,
                           const struct composite_in *in)
{
	return eval(ps, in, in->start);
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void cut(int64_t *cuts, int *n, const struct composite_in *in, int64_t t)
{
	if (t > in->start && t < in->start + in->duration_s && *n < MAX_CUTS)
		cuts[(*n)++] = t;
}

static void profile_cuts(const struct profile *p, const struct composite_in *in,
                         int64_t *cuts, int *n)
{
	int64_t end = in->start + in->duration_s, s;
	int i;

	cut(cuts, n, in, p->valid_from);
	cut(cuts, n, in, p->valid_to);
	s = schedule_start(p, in, in->start);
	for (; s < end && *n < MAX_CUTS;) {
		cut(cuts, n, in, s);
		for (i = 0; i < p->nperiods; i++)
			cut(cuts, n, in, s + p->p[i].start_s);
		if (p->duration_s >= 0)
			cut(cuts, n, in, s + p->duration_s);
		if (p->kind != PK_RECURRING || p->recurrency_s <= 0)
			break;
		s += p->recurrency_s;
	}
}

int composite_compute(const struct profiles *ps, const struct composite_in *in,
                      struct composite_out *out)
{
	int64_t *cuts = malloc(sizeof *cuts * (MAX_CUTS + 1));
	int n = 0, i, rc = 0;

	out->n = 0;
	if (!cuts)
		return -1;
	cuts[n++] = in->start;
	for (i = 0; i < ps->n; i++)
		profile_cuts(&ps->p[i], in, cuts, &n);
	qsort(cuts, (size_t)n, sizeof *cuts, cmp64);
	for (i = 0; i < n; i++) {
		double l;

		if (i && cuts[i] == cuts[i - 1])
			continue;
		l = eval(ps, in, cuts[i]);
		if (out->n && out->p[out->n - 1].limit == l)
			continue;
		if (out->n >= COMPOSITE_PERIODS) {
			rc = -1;
			break;
		}
		out->p[out->n].start_s = (int)(cuts[i] - in->start);
		out->p[out->n].limit = l;
		out->n++;
	}
	free(cuts);
	return rc;
}
