/*
** engine/core/nfkc.h
** Text read alike however it was typed: Unicode NFKC (utf8proc), so that a
** Chinese input method's full-width '５％', '２０万' and '（境）' read as '5%',
** '20万' and '(境)'.
** See LICENSE for copyright and license.
*/
#ifndef NFKC_H
#define NFKC_H

#include <stddef.h>

#include "status.h"

/* The longest text, in bytes, nfkc normalises; a longer one is not a reference, an amount or a rate. */
#define NFKC_MAX 1024

/*
** The NFKC form of s[0..len) into buf (size bytes, NUL-terminated), its length
** into *outlen. Text that is its own form (nfkc_needed) is copied as it is.
** ESPACE if the form does not fit in size - 1 bytes (or len > NFKC_MAX), ESYNTAX
** for bytes that are not UTF-8; buf and *outlen are untouched on failure.
*/
budget_status nfkc(const char *s, size_t len, char *buf, size_t size, size_t *outlen);

/* False if s[0..len) is ASCII and CJK ideographs alone, which are their own NFKC form; else true. */
int nfkc_needed(const char *s, size_t len);

#endif
