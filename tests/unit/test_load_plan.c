/*
 * test_load_plan.c — sharing a site's limit (ocppd/load_plan.c):
 * hand-computed cases (equal share, minimum and pausing, priority, phases,
 * loads that do not obey) and a property test over random sites that no
 * phase is ever over its limit and nothing is left unused that a
 * connector could take.
 */
#include "../../ocppd/load_plan.c"
#include "check.h"

#define A(x) ((x)*10) /* amperes to deciamperes */

static struct lp_conn three(int since)
{
	return (struct lp_conn){
	    .phases = LP_ALL, .min_da = A(6), .max_da = A(32), .since = since};
}

static void equal_share(void)
{
	int lim[3] = {A(32) * 3, A(32) * 3, A(32) * 3};
	struct lp_conn c[10];
	for (int i = 0; i < 10; i++)
		c[i] = three(i);
	CHECK_INT(lp_plan(lim, c, 10), LP_OK);
	for (int i = 0; i < 10; i++)
		CHECK_INT(c[i].out_da, 96); /* 960 / 10 */
	/* 32 A over three: 10.6 A each, the 0.2 A left over is not
	 * handed out (no connector may exceed an even share). */
	int lim32[3] = {A(32), A(32), A(32)};
	CHECK_INT(lp_plan(lim32, c, 3), LP_OK);
	for (int i = 0; i < 3; i++)
		CHECK_INT(c[i].out_da, 106);
	/* Alone: its maximum, not the site's limit. */
	int big[3] = {A(100), A(100), A(100)};
	CHECK_INT(lp_plan(big, c, 1), LP_OK);
	CHECK_INT(c[0].out_da, A(32));
}

static void minimum_and_pause(void)
{
	/* Six cars on 32 A: five get their 6 A (30 A), the sixth — the
	 * latest — is paused, the 2 A left go to the five. */
	int lim[3] = {A(32), A(32), A(32)};
	struct lp_conn c[6];
	for (int i = 0; i < 6; i++)
		c[i] = three(100 - i); /* c[0] started last */
	CHECK_INT(lp_plan(lim, c, 6), LP_PAUSED);
	CHECK_INT(c[0].out_da, 0);
	for (int i = 1; i < 6; i++)
		CHECK_INT(c[i].out_da, 64);
	/* A minimum above the maximum can never charge. */
	struct lp_conn odd = three(0);
	odd.min_da = A(40);
	CHECK_INT(lp_plan(lim, &odd, 1), LP_PAUSED);
	CHECK_INT(odd.out_da, 0);
	/* No phase: paused, not an endless fill. */
	struct lp_conn none = three(0);
	none.phases = 0;
	CHECK_INT(lp_plan(lim, &none, 1), LP_PAUSED);
}

static void priority(void)
{
	int lim[3] = {A(50), A(50), A(50)};
	struct lp_conn c[3] = {three(0), three(1), three(2)};
	c[2].priority = 1;
	CHECK_INT(lp_plan(lim, c, 3), LP_OK);
	/* All get 6 A; the priority one then rises to its 32 A, and the
	 * other two share the 6 A left. */
	CHECK_INT(c[2].out_da, A(32));
	CHECK_INT(c[0].out_da, A(9));
	CHECK_INT(c[1].out_da, A(9));
	/* On 40 A the minimums of the others stay: it gets 28 A. */
	int lim40[3] = {A(40), A(40), A(40)};
	CHECK_INT(lp_plan(lim40, c, 3), LP_OK);
	CHECK_INT(c[2].out_da, A(28));
	CHECK_INT(c[0].out_da, A(6));
	/* Priority also decides who is paused: on 12 A, the two
	 * prioritised ones start, whoever came first. */
	int small[3] = {A(12), A(12), A(12)};
	c[1].priority = 1;
	CHECK_INT(lp_plan(small, c, 3), LP_PAUSED);
	CHECK_INT(c[0].out_da, 0);
	CHECK_INT(c[1].out_da, A(6));
	CHECK_INT(c[2].out_da, A(6));
}

static void phases(void)
{
	/* Three single-phase cars on L1 and one three-phase car, 16 A per
	 * phase: L1 is shared four ways (4 A each is below the minimum,
	 * so two of the L1 cars are paused), L2 and L3 only carry the
	 * three-phase car, which L1 holds back. */
	int lim[3] = {A(16), A(16), A(16)};
	struct lp_conn c[4] = {three(0), three(1), three(2), three(3)};
	c[1].phases = c[2].phases = c[3].phases = LP_L1;
	CHECK_INT(lp_plan(lim, c, 4), LP_PAUSED);
	CHECK_INT(c[0].out_da, 80);
	CHECK_INT(c[1].out_da, 80);
	CHECK_INT(c[2].out_da, 0);
	CHECK_INT(c[3].out_da, 0);
	/* One car on each phase: each its maximum, independently. */
	struct lp_conn d[3] = {three(0), three(1), three(2)};
	d[0].phases = LP_L1;
	d[1].phases = LP_L2;
	d[2].phases = LP_L3;
	d[2].max_da = A(10);
	CHECK_INT(lp_plan(lim, d, 3), LP_OK);
	CHECK_INT(d[0].out_da, A(16));
	CHECK_INT(d[1].out_da, A(16));
	CHECK_INT(d[2].out_da, A(10));
}

static void fixed_loads(void)
{
	/* A charger that rejected its profile draws its 16 A: the other
	 * two share what is left of 32 A. */
	int lim[3] = {A(32), A(32), A(32)};
	struct lp_conn c[3] = {three(0), three(1), three(2)};
	c[0].fixed = 1;
	c[0].fixed_da = A(16);
	CHECK_INT(lp_plan(lim, c, 3), LP_OK);
	CHECK_INT(c[0].out_da, 0);
	CHECK_INT(c[1].out_da, A(8));
	CHECK_INT(c[2].out_da, A(8));
	/* Fixed loads over the limit: nothing for anybody else. */
	c[1].fixed = 1;
	c[1].fixed_da = A(20);
	CHECK_INT(lp_plan(lim, c, 3), LP_OVER);
	CHECK_INT(c[2].out_da, 0);
}

static unsigned rnd_state = 12345;
static int rnd(int n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (int)((rnd_state >> 8) % (unsigned)n);
}

static void property(void)
{
	for (int run = 0; run < 20000; run++) {
		int lim[3];
		for (int ph = 0; ph < 3; ph++)
			lim[ph] = rnd(A(200));
		int n = 1 + rnd(24);
		struct lp_conn c[24];
		for (int i = 0; i < n; i++) {
			c[i] = (struct lp_conn){.phases = 1 + rnd(7),
			                        .min_da = A(6) - rnd(30),
			                        .max_da = A(6) + rnd(A(60)),
			                        .priority = rnd(3),
			                        .since = rnd(1000),
			                        .fixed = rnd(6) == 0,
			                        .fixed_da = rnd(A(16))};
		}
		enum lp_result res = lp_plan(lim, c, n);
		int used[3] = {0, 0, 0}, users[3] = {0, 0, 0};
		for (int i = 0; i < n; i++)
			for (int ph = 0; ph < 3; ph++)
				if (on(&c[i], ph)) {
					used[ph] += c[i].fixed ? c[i].fixed_da
					                       : c[i].out_da;
					users[ph] += !c[i].fixed &&
					             c[i].out_da > 0 &&
					             c[i].out_da < c[i].max_da;
				}
		if (res == LP_OVER) {
			for (int i = 0; i < n; i++)
				CHECK_INT(c[i].out_da, 0);
			continue;
		}
		for (int ph = 0; ph < 3; ph++)
			CHECK(used[ph] <= lim[ph]);
		for (int i = 0; i < n; i++) {
			if (c[i].fixed) {
				CHECK_INT(c[i].out_da, 0);
				continue;
			}
			/* 0, or between the minimum and the maximum. */
			CHECK(c[i].out_da == 0 || (c[i].out_da >= c[i].min_da &&
			                           c[i].out_da <= c[i].max_da));
			/* Below its maximum only when one of its phases has
			 * less left than one step for each rising user. */
			if (c[i].out_da > 0 && c[i].out_da < c[i].max_da) {
				int starved = 0;
				for (int ph = 0; ph < 3; ph++)
					if (on(&c[i], ph) &&
					    lim[ph] - used[ph] < users[ph] + n)
						starved = 1;
				CHECK(starved);
			}
			/* Paused only when its minimum did not fit. */
			if (c[i].out_da == 0 && c[i].min_da > 0 &&
			    c[i].max_da >= c[i].min_da)
				CHECK(!fits((int[3]){lim[0] - used[0],
				                     lim[1] - used[1],
				                     lim[2] - used[2]},
				            &c[i], c[i].min_da));
		}
	}
}

int main(void)
{
	RUN(equal_share);
	RUN(minimum_and_pause);
	RUN(priority);
	RUN(phases);
	RUN(fixed_loads);
	RUN(property);
	CHECK_EXIT();
}
