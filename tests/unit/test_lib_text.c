/*
 * test_lib_text.c — the small shared helpers of lib/: the UTF-8 decoder
 * (utf8.h), FNV-1a (hash.h) against the published test vectors, hex
 * digits (hex.h) and the UTC day arithmetic (timeutil.h).
 */
#include <stdint.h>

#include "check.h"
#include "hash.h"
#include "hex.h"
#include "timeutil.h"
#include "utf8.h"

static void utf8_decodes_well_formed_only(void)
{
	uint32_t cp = 0;
	CHECK_INT(utf8_decode("A", 1, &cp), 1);
	CHECK_INT(cp, 'A');
	CHECK_INT(utf8_decode("\xc3\x9c", 2, &cp), 2);
	CHECK_INT(cp, 0xdc);
	CHECK_INT(utf8_decode("\xe2\x9a\xa1", 3, &cp), 3);
	CHECK_INT(cp, 0x26a1);
	CHECK_INT(utf8_decode("\xf0\x9f\x94\x8c", 4, &cp), 4);
	CHECK_INT(cp, 0x1f50c);
	CHECK_INT(utf8_decode("\xf4\x8f\xbf\xbf", SIZE_MAX, &cp), 4);
	CHECK_INT(cp, 0x10ffff);
	const char *bad[] = {
	    "\xc0\xaf",         /* overlong '/' */
	    "\xe0\x80\xaf",     /* overlong '/' */
	    "\xf0\x80\x80\xaf", /* overlong '/' */
	    "\xed\xa0\x80",     /* UTF-16 surrogate */
	    "\xf4\x90\x80\x80", /* past U+10FFFF */
	    "\xf5\x80\x80\x80",
	    "\xff",
	    "\x80", /* stray continuation */
	    "\xc3", /* cut off by the NUL */
	    "\xe2\x9a",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (utf8_decode(bad[i], SIZE_MAX, &cp))
			CHECK_FAIL_("accepted bad[%zu]", i);
	/* n bounds the read: a sequence cut by the length is malformed. */
	CHECK_INT(utf8_decode("\xc3\x9c", 1, &cp), 0);
	CHECK_INT(utf8_decode("A", 0, &cp), 0);
	CHECK(utf8_valid("CP_1 \xc3\x9c\xe2\x9a\xa1", 10));
	CHECK(!utf8_valid("ok\xc3", 3));
	CHECK(utf8_valid("", 0));
}

static void fnv1a_published_vectors(void)
{
	CHECK(fnv1a64("") == 0xcbf29ce484222325ull);
	CHECK(fnv1a64("a") == 0xaf63dc4c8601ec8cull);
	CHECK(fnv1a64("foobar") == 0x85944171f73967e8ull);
	CHECK(fnv1a32_str(FNV1A32_INIT, "a") == 0xe40c292cu);
	CHECK(fnv1a32_mem(FNV1A32_INIT, "foobar", 6) == 0xbf9cf968u);
	/* The separator keeps two-part keys apart. */
	uint32_t ab_c = fnv1a32_str(
	    fnv1a32_byte(fnv1a32_str(FNV1A32_INIT, "ab"), FNV_SEP), "c");
	uint32_t a_bc = fnv1a32_str(
	    fnv1a32_byte(fnv1a32_str(FNV1A32_INIT, "a"), FNV_SEP), "bc");
	CHECK(ab_c != a_bc);
}

static void hex_digits(void)
{
	CHECK_INT(hex_value('0'), 0);
	CHECK_INT(hex_value('9'), 9);
	CHECK_INT(hex_value('a'), 10);
	CHECK_INT(hex_value('F'), 15);
	CHECK_INT(hex_value('g'), -1);
	CHECK_INT(hex_value('%'), -1);
	char out[9];
	const uint8_t b[] = {0x00, 0x9f, 0xa5, 0xff};
	hex_encode(b, sizeof b, out);
	CHECK_STR(out, "009fa5ff");
}

static void utc_days(void)
{
	CHECK_INT(MS_PER_DAY, 24LL * 60 * 60 * 1000);
	CHECK_INT(time_day_start(1709164800000LL + 5), 1709164800000LL);
	CHECK_INT(time_day_start(1709164800000LL), 1709164800000LL);
	CHECK_INT(time_day_start(0), 0);
	CHECK_INT(time_day_start(-1), -MS_PER_DAY);
}

int main(void)
{
	RUN(utf8_decodes_well_formed_only);
	RUN(fnv1a_published_vectors);
	RUN(hex_digits);
	RUN(utc_days);
	CHECK_EXIT();
}
