/*
** engine/core/status.c
** Status strings and text error positions.
** See LICENSE for copyright and license.
*/
#include "status.h"

const char *status_str(budget_status rc) {
  switch (rc) {
    case BUDGET_OK: return "ok";
    case BUDGET_ENOMEM: return "out of memory";
    case BUDGET_EOVERFLOW: return "amount out of range (int64 fen overflow)";
    case BUDGET_ESYNTAX: return "malformed text";
    case BUDGET_EDIVZERO: return "division by zero";
    case BUDGET_EINVAL: return "invalid argument";
    case BUDGET_ENOTFOUND: return "not found";
    case BUDGET_EAMBIGUOUS: return "ambiguous reference";
    case BUDGET_EDUPLICATE: return "defined twice";
    case BUDGET_EGRAIN: return "amount is not a whole number of grains";
    case BUDGET_EZEROWEIGHTS: return "all weights are zero";
    case BUDGET_ENOTLEAF: return "member is not a leaf";
    case BUDGET_ESTATE: return "not allowed in the current state";
    case BUDGET_ESPACE: return "buffer too small";
    case BUDGET_EIO: return "input/output error";
    case BUDGET_ESCRIPT: return "script error";
    case BUDGET_ELIMIT: return "script limit exceeded";
  }
  return "unknown status";  /* a value outside the enum: a caller bug, said loudly */
}

void text_error_at(text_error *err, const char *s, size_t offset, const char *expected) {
  size_t i, column = 1;
  if (err == NULL) return;
  for (i = 0; i < offset; i++)  /* count bytes that start a code point */
    if (((unsigned char)s[i] & 0xC0u) != 0x80u) column++;
  err->offset = offset;
  err->column = column;
  err->expected = expected;
}
