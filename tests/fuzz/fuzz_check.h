/*
 * fuzz_check.h — what the harnesses in tests/fuzz/ share: an assertion that
 * libFuzzer turns into a saved reproducer, and an independent UTF-8 check
 * (deliberately not the project's own, so a bug there cannot hide itself).
 */
#ifndef CSMS_FUZZ_CHECK_H
#define CSMS_FUZZ_CHECK_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

/* A broken promise is a crash: libFuzzer catches the abort and saves the
 * input that caused it. */
#define FUZZ_CHECK(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, \
			        __LINE__, #cond);                              \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

/* 1 when s[0..len) is well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing past U+10FFFF). */
static inline int fuzz_utf8_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned long cp;
		size_t n;

		if (p[i] < 0x80) {
			i++;
			continue;
		} else if ((p[i] & 0xE0) == 0xC0) {
			n = 2;
			cp = p[i] & 0x1F;
		} else if ((p[i] & 0xF0) == 0xE0) {
			n = 3;
			cp = p[i] & 0x0F;
		} else if ((p[i] & 0xF8) == 0xF0) {
			n = 4;
			cp = p[i] & 0x07;
		} else {
			return 0;
		}
		if (len - i < n)
			return 0;
		for (size_t k = 1; k < n; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
		    (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += n;
	}
	return 1;
}

/* The fuzzer's bytes as a C string (up to the first NUL); the caller
 * frees it. */
static inline char *fuzz_cstr(const unsigned char *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	for (size_t i = 0; i < size; i++)
		s[i] = (char)data[i];
	s[size] = '\0';
	return s;
}

#endif
