/*
 * test_boot_shape.c — the Pending interval of a reconnect wave
 * (ocppd/boot_shape.c): the configured ceiling while the drain rate is
 * unknown, the drain time once it is seen, the 1 s floor, the spread.
 */
#include "../../ocppd/boot_shape.c"
#include "check.h"

static void unknown_rate_uses_ceiling(void)
{
	struct boot_shape s = {0};
	/* The first Pending of a wave: nothing measured yet. */
	CHECK_INT(boot_shape_interval(&s, 10000, 500, 5000, 2, 0), 2);
	CHECK_INT(boot_shape_interval(&s, 10000, 500, 5000, 2, 2), 4);
	/* Within 250 ms still no rate. */
	CHECK_INT(boot_shape_interval(&s, 10100, 900, 5000, 2, 0), 2);
}

static void drain_time(void)
{
	struct boot_shape s = {0};
	boot_shape_interval(&s, 1000, 0, 0, 10, 0);
	/* 5,000 jobs in 500 ms: 10,000/s; 25,000 waiting drain in 2.5 s,
	 * rounded up to 3, spread over [3, 6]. */
	CHECK_INT(boot_shape_interval(&s, 1500, 5000, 25000, 10, 0), 3);
	/* The rate is averaged with the next sample: 10,000 and 30,000 make
	 * 20,000/s, so 25,000 wait 2 s (1.25 up). */
	CHECK_INT(boot_shape_interval(&s, 2000, 20000, 25000, 10, 0), 2);
	CHECK_INT(boot_shape_interval(&s, 2000, 20000, 25000, 10, 1), 3);
	CHECK_INT(boot_shape_interval(&s, 2000, 20000, 25000, 10, 2), 4);
	CHECK_INT(boot_shape_interval(&s, 2000, 20000, 25000, 10, 3), 2);
}

static void floor_and_ceiling(void)
{
	struct boot_shape s = {0};
	boot_shape_interval(&s, 1000, 0, 0, 2, 0);
	/* A queue that drains in 50 ms: at least 1 s. */
	CHECK_INT(boot_shape_interval(&s, 2000, 20000, 1000, 2, 0), 1);
	CHECK_INT(boot_shape_interval(&s, 2000, 20000, 1000, 2, 1), 2);
	/* One that would take a minute: the ceiling. */
	CHECK_INT(boot_shape_interval(&s, 2000, 20000, 1200000, 2, 0), 2);
	/* A ceiling below 1 s is 1 s. */
	CHECK_INT(boot_shape_interval(&s, 2000, 20000, 1000, 0, 0), 1);
}

static void stale_sample_restarts(void)
{
	struct boot_shape s = {0};
	boot_shape_interval(&s, 1000, 0, 0, 5, 0);
	CHECK_INT(boot_shape_interval(&s, 1500, 10000, 100, 5, 0), 1);
	/* A minute later (the last wave is over): the old rate says nothing
	 * of this one. */
	CHECK_INT(boot_shape_interval(&s, 61500, 10100, 100, 5, 0), 5);
	/* And a counter that went backwards (a test reset) neither. */
	CHECK_INT(boot_shape_interval(&s, 61600, 5, 100, 5, 0), 5);
}

int main(void)
{
	RUN(unknown_rate_uses_ceiling);
	RUN(drain_time);
	RUN(floor_and_ceiling);
	RUN(stale_sample_restarts);
	CHECK_EXIT();
}
