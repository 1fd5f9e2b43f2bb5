/*
** engine/bind/ltext.c
** Text helpers for reports: the display width of UTF-8 text, from the C
** library's wcwidth in a C.UTF-8 locale (a CJK character is two columns).
** See LICENSE for copyright and license.
*/
#define _XOPEN_SOURCE 700  /* wcwidth, newlocale, uselocale */

#include "lbind.h"

#include <locale.h>
#include <string.h>
#include <wchar.h>

#include "core/nfkc.h"
#include "lauxlib.h"

#define LOCALE_MT "budget.locale"

/* The locale lives in a userdata, so it is freed with the state and never set process-wide. */
static int l_locale_gc(lua_State *L) {
  locale_t *loc = luaL_checkudata(L, 1, LOCALE_MT);
  if (*loc != (locale_t)0) freelocale(*loc);
  *loc = (locale_t)0;
  return 0;
}

/* budget.width(s): the columns s takes in a terminal. [-0, +1, v] */
static int l_width(lua_State *L) {
  size_t len, i = 0;
  const char *s = luaL_checklstring(L, 1, &len);
  locale_t *loc = lua_touserdata(L, lua_upvalueindex(1));
  locale_t old;
  mbstate_t st;
  lua_Integer cols = 0;
  if (*loc == (locale_t)0) return luaL_error(L, "no C.UTF-8 locale to measure text width with");
  old = uselocale(*loc);  /* this thread only: other engines are untouched */
  memset(&st, 0, sizeof st);
  while (i < len) {
    wchar_t wc;
    size_t n = mbrtowc(&wc, s + i, len - i, &st);
    int w;
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {  /* a bad byte counts as one column */
      memset(&st, 0, sizeof st);
      cols++;
      i++;
      continue;
    }
    w = wcwidth(wc);
    cols += w > 0 ? w : 0;
    i += n;
  }
  uselocale(old);
  lua_pushinteger(L, cols);
  return 1;
}

/* budget.c.nfkc(s): s in its NFKC form ('５％' → '5%'), or s itself when it has none (bytes that are
** not UTF-8, or longer than a reference or an amount ever is). [-0, +1, v] */
static int l_nfkc(lua_State *L) {
  size_t len, n;
  const char *s = luaL_checklstring(L, 1, &len);
  char buf[NFKC_MAX + 1];
  if (nfkc_needed(s, len) && nfkc(s, len, buf, sizeof buf, &n) == BUDGET_OK) lua_pushlstring(L, buf, n);
  else lua_settop(L, 1);
  return 1;
}

void lbind_open_text(lua_State *L) {
  locale_t *loc = lua_newuserdatauv(L, sizeof *loc, 0);
  *loc = (locale_t)0;
  static const luaL_Reg meta[] = {{"__gc", l_locale_gc}, {NULL, NULL}};
  lbind_newclass(L, LOCALE_MT, meta, NULL);
  luaL_setmetatable(L, LOCALE_MT);
  *loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
  lua_pushcclosure(L, l_width, 1);
  lua_setfield(L, -2, "width");
  lua_pushcfunction(L, l_nfkc);
  lua_setfield(L, -2, "nfkc");
}
