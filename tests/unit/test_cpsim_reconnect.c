/*
 * test_cpsim_reconnect.c — cpsim --reconnect: the jittered backoff stays
 * inside its bounds and spreads charge points apart, and a call rebuilt
 * from what load mode keeps of it is the very frame first sent (same id,
 * same payload), which is what lets ocppd recognise the retry.
 */
#include "check.h"

#include <stdint.h>

#include "../../tools/cpsim/backoff.c"
#include "../../tools/cpsim/clock.c"
#include "../../tools/cpsim/frame.c"
#include "../../tools/cpsim/load_mix.c"
#include "../../tools/cpsim/messages.c"

static void test_backoff_bounds(void)
{
	uint32_t seed = 12345;
	int f, i;

	for (f = 0; f < 40; f++) {
		long base = BACKOFF_BASE_MS;

		for (i = 0; i < f && base < BACKOFF_MAX_MS; i++)
			base *= 2;
		if (base > BACKOFF_MAX_MS)
			base = BACKOFF_MAX_MS;
		for (i = 0; i < 200; i++) {
			int d = backoff_delay_ms(f, &seed);

			if (d < base / 2 || d >= base * 3 / 2)
				CHECK_FAIL_("failures %d: %d ms outside "
				            "[%ld, %ld)",
				            f, d, base / 2, base * 3 / 2);
		}
	}
}

/* A thousand charge points dropped at the same instant do not come back
 * in the same few milliseconds. */
static void test_backoff_spreads(void)
{
	int buckets[10] = {0};
	int i, min = 1 << 30, max = 0;

	for (i = 0; i < 1000; i++) {
		char name[32];
		uint32_t seed;
		int d;

		snprintf(name, sizeof name, "LOAD%07d", i + 1);
		seed = backoff_seed(name);
		d = backoff_delay_ms(0, &seed);
		if (d < min)
			min = d;
		if (d > max)
			max = d;
		buckets[(d - BACKOFF_BASE_MS / 2) * 10 / BACKOFF_BASE_MS]++;
	}
	CHECK(max - min > BACKOFF_BASE_MS * 8 / 10);
	for (i = 0; i < 10; i++)
		if (buckets[i] < 50 || buckets[i] > 150)
			CHECK_FAIL_("bucket %d holds %d of 1000", i,
			            buckets[i]);
}

static void test_zero_seed(void)
{
	uint32_t seed = 0;

	backoff_rand(&seed);
	CHECK(seed != 0);
}

/* load_resend() rebuilds from kind, id, transaction, register and the
 * timestamp in ms: byte-identical to the first send. */
static void test_rebuilt_frame_identical(void)
{
	static const enum lmsg kinds[] = {LM_START, LM_STOP, LM_METER,
	                                  LM_STATUS_CHARGING, LM_BOOT};
	char a[4096], b[4096], ts1[32], ts2[32];
	int64_t ms = clock_wall_ms();
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		struct lcp_view v = {41, 1234, 98765, 0};
		int la, lb;

		clock_iso8601(ms, ts1);
		la = load_mix_build(a, sizeof a, kinds[i], 77, &v, ts1);
		/* what load mode keeps: ts_ms, tx_id, meter_wh, id, kind */
		clock_iso8601(ms, ts2);
		lb = load_mix_build(b, sizeof b, kinds[i], 77, &v, ts2);
		CHECK(la > 0);
		CHECK_INT(la, lb);
		CHECK_STR(a, b);
		CHECK(strstr(a, "[2,\"77\","));
	}
}

int main(void)
{
	RUN(test_backoff_bounds);
	RUN(test_backoff_spreads);
	RUN(test_zero_seed);
	RUN(test_rebuilt_frame_identical);
	CHECK_EXIT();
}
