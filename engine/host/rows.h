/*
** engine/host/rows.h
** A batch's rows as they are written: a growable text buffer, CSV fields,
** JSON strings and objects written as budget.json writes them (keys sorted,
** cJSON's escapes), and the row of a point that failed. The one place that
** knows the bytes of a row, for the worker that formats a point in C
** (engine/host/plan.c) and for the main thread that streams them (batch.c).
** See LICENSE for copyright and license.
*/
#ifndef HOST_ROWS_H
#define HOST_ROWS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/mem.h"

/* Text that grows as it is written. A write that cannot get memory sets 'failed' and writes nothing more. */
typedef struct rowbuf {
  const mem_allocator *A;
  char *p;
  size_t len, cap;
  bool failed;
} rowbuf;

void rowbuf_init(rowbuf *b, const mem_allocator *A);
void rowbuf_free(rowbuf *b);
void rowbuf_put(rowbuf *b, const char *s, size_t n);
void rowbuf_puts(rowbuf *b, const char *s);
void rowbuf_putc(rowbuf *b, char c);

/* A CSV field: as it is, or in double quotes (quotes doubled) when it holds a comma, a quote, CR or LF. */
void rows_csv_field(rowbuf *b, const char *s, size_t n);

/* A JSON string, quoted and escaped as cJSON prints it: \" \\ \b \f \n \r \t, other bytes below 0x20 as \u00XX. */
void rows_json_string(rowbuf *b, const char *s, size_t n);

/* One field of a JSON object: a string, or (number true) a number written as it is. */
typedef struct rows_field {
  const char *key;
  const char *value;
  size_t len;
  bool number;
} rows_field;

/*
** An object of n fields on one line: keys in byte order, and where two fields have one key the
** later wins (as a Lua table built in that order would have it). Sorts 'fields' in place; n at
** most ROWS_MAX_FIELDS (more is written as an empty object and sets b->failed).
*/
#define ROWS_MAX_FIELDS 1024
void rows_json_object(rowbuf *b, rows_field *fields, size_t n);

/*
** The row of a point that failed, with its message (line breaks made spaces): in CSV its number,
** its parameters, empty fields to the width of 'header' (the columns of the rows before it; "" when
** none) and the message; in JSON lines {point, error, parameters}. Ends in CRLF (CSV) or LF.
*/
void rows_error(rowbuf *b, bool jsonl, size_t point, const char *const *names, const char *const *values,
                size_t nnames, const char *message, size_t message_len, const char *header, size_t header_len);

#endif
