/*
** engine/status.h
** Status codes every engine call returns, and where a text input went wrong.
** See LICENSE for copyright and license.
*/
#ifndef STATUS_H
#define STATUS_H

#include <stddef.h>

/* Every fallible call returns one of these; BUDGET_OK is 0 so 'if (rc)' tests failure. */
typedef enum budget_status {
  BUDGET_OK = 0,
  BUDGET_ENOMEM,        /* an allocation failed (or the allocator refused it) */
  BUDGET_EOVERFLOW,     /* a result does not fit in int64 fen */
  BUDGET_ESYNTAX,       /* malformed text: an amount, a rate, a reference */
  BUDGET_EDIVZERO,      /* a zero denominator */
  BUDGET_EINVAL,        /* an argument outside what the call accepts */
  BUDGET_ENOTFOUND,     /* an unknown member or cell */
  BUDGET_EAMBIGUOUS,    /* a reference that matches more than one member */
  BUDGET_EDUPLICATE,    /* a code or cell defined twice */
  BUDGET_EGRAIN,        /* an amount that is not a whole number of grains */
  BUDGET_EZEROWEIGHTS,  /* allocation over weights that are all zero */
  BUDGET_ENOTLEAF,      /* a cell keyed by a member that has children */
  BUDGET_ESTATE,        /* the object is not in a state that allows the call */
  BUDGET_ESPACE,        /* the caller's buffer is too small */
  BUDGET_EIO,           /* a file could not be read or written */
  BUDGET_ESCRIPT,       /* a Lua chunk failed */
  BUDGET_ELIMIT         /* a script went past its memory or instruction limit */
} budget_status;

/* Where in a text input parsing stopped, and what it wanted there. */
typedef struct text_error {
  size_t offset;         /* byte offset of the offending character */
  size_t column;         /* 1-based position in characters (UTF-8 code points) */
  const char *expected;  /* static text: what was expected at that place */
} text_error;

/* A short, static English description of 'rc'; never NULL. */
const char *status_str(budget_status rc);

/* Fills 'err' for a problem at byte 'offset' of 's' (counting code points for the column). */
void text_error_at(text_error *err, const char *s, size_t offset, const char *expected);

#endif
