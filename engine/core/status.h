/*
** engine/core/status.h
** Status codes every engine call returns, and where a text input went wrong.
** See LICENSE for copyright and license.
*/
#ifndef STATUS_H
#define STATUS_H

#include <stddef.h>

#include "budget.h"  /* budget_status: the public header owns it */

/* Where in a text input parsing stopped, and what it wanted there. */
typedef struct text_error {
  size_t offset;         /* byte offset of the offending character */
  size_t column;         /* 1-based position in characters (UTF-8 code points) */
  const char *expected;  /* static text: what was expected at that place */
} text_error;

/* A short, static English description of 'rc'; never NULL. */
const char *status_str(budget_status rc);

/* Fills 'err' for a problem at byte 'offset' of 's' (counting code points for the column); NULL is a no-op.
** 'expected' is kept, not copied: it must be static text. */
void text_error_at(text_error *err, const char *s, size_t offset, const char *expected);

#endif
