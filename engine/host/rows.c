/*
** engine/host/rows.c
** Rows in CSV and JSON lines, byte for byte as engine/lua/batch.lua and
** budget.json make them.
** See LICENSE for copyright and license.
*/
#include "rows.h"

#include <stdio.h>
#include <string.h>

void rowbuf_init(rowbuf *b, const mem_allocator *A) {
  b->A = A;
  b->p = NULL;
  b->len = b->cap = 0;
  b->failed = false;
}

void rowbuf_free(rowbuf *b) {
  mem_free(b->A, b->p, b->cap, 1);
  rowbuf_init(b, b->A);
}

void rowbuf_put(rowbuf *b, const char *s, size_t n) {
  if (b->failed) return;
  if (b->p == NULL || n >= b->cap - b->len) {  /* room for the text and the NUL after it */
    size_t need;
    if (__builtin_add_overflow(b->len, n, &need) || __builtin_add_overflow(need, 1, &need) ||
        mem_grow(b->A, (void **)&b->p, &b->cap, need < 256 ? 256 : need, 1) != BUDGET_OK) {
      b->failed = true;
      return;
    }
  }
  if (n) memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';  /* room for it was made above: the text is always a C string too */
}

void rowbuf_puts(rowbuf *b, const char *s) {
  rowbuf_put(b, s, strlen(s));
}

void rowbuf_putc(rowbuf *b, char c) {
  rowbuf_put(b, &c, 1);
}

void rows_csv_field(rowbuf *b, const char *s, size_t n) {
  size_t i, from = 0;
  if (memchr(s, ',', n) == NULL && memchr(s, '"', n) == NULL && memchr(s, '\r', n) == NULL &&
      memchr(s, '\n', n) == NULL) {
    rowbuf_put(b, s, n);
    return;
  }
  rowbuf_putc(b, '"');
  for (i = 0; i < n; i++)
    if (s[i] == '"') {
      rowbuf_put(b, s + from, i + 1 - from);
      rowbuf_putc(b, '"');
      from = i + 1;
    }
  rowbuf_put(b, s + from, n - from);
  rowbuf_putc(b, '"');
}

void rows_json_string(rowbuf *b, const char *s, size_t n) {
  size_t i, from = 0;
  rowbuf_putc(b, '"');
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    const char *esc = NULL;
    char u[8];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    switch (c) {
      case '"': esc = "\\\""; break;
      case '\\': esc = "\\\\"; break;
      case '\b': esc = "\\b"; break;
      case '\f': esc = "\\f"; break;
      case '\n': esc = "\\n"; break;
      case '\r': esc = "\\r"; break;
      case '\t': esc = "\\t"; break;
      default:
        snprintf(u, sizeof u, "\\u%04x", c);
        esc = u;
    }
    rowbuf_put(b, s + from, i - from);
    rowbuf_puts(b, esc);
    from = i + 1;
  }
  rowbuf_put(b, s + from, n - from);
  rowbuf_putc(b, '"');
}

void rows_json_object(rowbuf *b, rows_field *fields, size_t n) {
  size_t order[ROWS_MAX_FIELDS], i;
  rows_field sorted[ROWS_MAX_FIELDS];
  bool first = true;
  if (n > ROWS_MAX_FIELDS) {
    rowbuf_puts(b, "{}");
    b->failed = true;
    return;
  }
  /* a stable sort: insertion, by key then by position, so the last of equal keys is found last */
  for (i = 0; i < n; i++) {
    size_t j = i;
    while (j > 0 && strcmp(fields[order[j - 1]].key, fields[i].key) > 0) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
  for (i = 0; i < n; i++) sorted[i] = fields[order[i]];
  rowbuf_putc(b, '{');
  for (i = 0; i < n; i++) {
    const rows_field *f = &sorted[i];
    if (i + 1 < n && strcmp(f->key, sorted[i + 1].key) == 0) continue;  /* a later one has this key */
    if (!first) rowbuf_putc(b, ',');
    first = false;
    rows_json_string(b, f->key, strlen(f->key));
    rowbuf_putc(b, ':');
    if (f->number) rowbuf_put(b, f->value, f->len);
    else rows_json_string(b, f->value, f->len);
  }
  rowbuf_putc(b, '}');
}

/* The message with each run of CR and LF made one space, as the Lua row did it. */
static void put_flat(rowbuf *out, const char *s, size_t n, bool csv) {
  rowbuf flat;
  size_t i = 0;
  rowbuf_init(&flat, out->A);
  while (i < n) {
    if (s[i] == '\r' || s[i] == '\n') {
      while (i < n && (s[i] == '\r' || s[i] == '\n')) i++;
      rowbuf_putc(&flat, ' ');
    } else {
      size_t j = i;
      while (j < n && s[j] != '\r' && s[j] != '\n') j++;
      rowbuf_put(&flat, s + i, j - i);
      i = j;
    }
  }
  if (flat.failed) out->failed = true;
  else if (csv) rows_csv_field(out, flat.p ? flat.p : "", flat.len);
  else rows_json_string(out, flat.p ? flat.p : "", flat.len);
  rowbuf_free(&flat);
}

void rows_error(rowbuf *b, bool jsonl, size_t point, const char *const *names, const char *const *values,
                size_t nnames, const char *message, size_t message_len, const char *header, size_t header_len) {
  char num[32];
  size_t i, cols = 1, fields;
  snprintf(num, sizeof num, "%zu", point);
  if (jsonl) {
    rows_field f[ROWS_MAX_FIELDS];
    rowbuf msg;
    size_t n = 0;
    rowbuf_init(&msg, b->A);
    put_flat(&msg, message, message_len, false);  /* quoted: the object writes it as a number, as it is */
    f[n++] = (rows_field){"point", num, strlen(num), true};
    f[n++] = (rows_field){"error", msg.p ? msg.p : "\"\"", msg.p ? msg.len : 2, true};
    for (i = 0; i < nnames && n < ROWS_MAX_FIELDS; i++) f[n++] = (rows_field){names[i], values[i], strlen(values[i]), false};
    if (msg.failed) b->failed = true;
    rows_json_object(b, f, n);
    rowbuf_putc(b, '\n');
    rowbuf_free(&msg);
    return;
  }
  for (i = 0; i < header_len; i++) cols += header[i] == ',';
  rowbuf_puts(b, num);
  for (i = 0; i < nnames; i++) {
    rowbuf_putc(b, ',');
    rows_csv_field(b, values[i], strlen(values[i]));
  }
  for (fields = 1 + nnames; fields < cols - 1; fields++) rowbuf_putc(b, ',');
  rowbuf_putc(b, ',');
  put_flat(b, message, message_len, true);
  rowbuf_puts(b, "\r\n");
}
