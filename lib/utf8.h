/*
 * utf8.h — the one UTF-8 decoder: well-formed sequences only (RFC 3629),
 * so no overlong forms, no UTF-16 surrogates, nothing past U+10FFFF.  The
 * charge point id of the handshake, the OCPP schema checker, id tags from
 * the control socket and the web tier's text filters all use it.
 */
#ifndef CSMS_UTF8_H
#define CSMS_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * The length (1..4) of the well-formed sequence at s, which has n bytes
 * left, with its code point in *cp when cp is not NULL; 0 when malformed
 * or cut off.  For a C string pass SIZE_MAX: a NUL is never a
 * continuation byte, so the decoder stops before reading past it.
 */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

/* 1 when the len bytes at s are well-formed UTF-8. */
int utf8_valid(const char *s, size_t len);

#endif
