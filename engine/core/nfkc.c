/*
** engine/core/nfkc.c
** NFKC through utf8proc, into the caller's buffer: no allocation, so that
** reading an amount or a reference cannot fail for memory.
** See LICENSE for copyright and license.
*/
#include "nfkc.h"

#include <string.h>
#include <utf8proc.h>

/*
** ASCII and the CJK Unified Ideographs (U+3400–U+4DBF, U+4E00–U+9FFF) have no
** decomposition and compose with nothing, so text of them alone is its own form:
** the names of a budget are nearly all such text, and a million-member load must
** not call utf8proc a name. Anything else (full-width forms, CJK punctuation,
** combining marks) may change, and is normalised.
*/
int nfkc_needed(const char *s, size_t len) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    unsigned long cp;
    if (u[i] < 0x80) {
      i++;
      continue;
    }
    if ((u[i] & 0xF0u) != 0xE0u || len - i < 3 || (u[i + 1] & 0xC0u) != 0x80u || (u[i + 2] & 0xC0u) != 0x80u)
      return 1;
    cp = ((unsigned long)(u[i] & 0x0Fu) << 12) | ((unsigned long)(u[i + 1] & 0x3Fu) << 6) | (u[i + 2] & 0x3Fu);
    if (!((cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF))) return 1;
    i += 3;
  }
  return 0;
}

budget_status nfkc(const char *s, size_t len, char *buf, size_t size, size_t *outlen) {
  /* decomposing can grow a code point into several (ﷺ into 18): room for that many a byte in */
  utf8proc_int32_t cps[NFKC_MAX * 4];
  utf8proc_ssize_t n;
  const int options = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE;
  if (len > NFKC_MAX) return BUDGET_ESPACE;
  if (!nfkc_needed(s, len)) {
    if (len + 1 > size) return BUDGET_ESPACE;
    memcpy(buf, s, len);
    buf[len] = '\0';
    *outlen = len;
    return BUDGET_OK;
  }
  n = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, cps,
                         (utf8proc_ssize_t)(sizeof cps / sizeof cps[0]), (utf8proc_option_t)options);
  if (n == UTF8PROC_ERROR_NOMEM || n > (utf8proc_ssize_t)(sizeof cps / sizeof cps[0])) return BUDGET_ESPACE;
  if (n < 0) return BUDGET_ESYNTAX;
  /* composes, then writes the UTF-8 over the code points, in place */
  n = utf8proc_reencode(cps, n, (utf8proc_option_t)options);
  if (n < 0) return BUDGET_ESYNTAX;
  if ((size_t)n + 1 > size) return BUDGET_ESPACE;
  memcpy(buf, cps, (size_t)n);
  buf[n] = '\0';
  *outlen = (size_t)n;
  return BUDGET_OK;
}
