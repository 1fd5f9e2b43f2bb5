/*
** engine/bind/lmoney.c
** Lua binding of money and rates: budget.money and budget.rate userdata
** with exact arithmetic as metamethods.
** See LICENSE for copyright and license.
*/
#include "lbind.h"

#include "host/guard.h"

#include <string.h>

#include "lauxlib.h"

/* {==================================================================
** Conversions
** =================================================================== */

void lbind_pushmoney(lua_State *L, money m) {
  money *p = lua_newuserdatauv(L, sizeof *p, 0);
  *p = m;
  luaL_setmetatable(L, MONEY_MT);
}

/* Raises a parse error naming the text, the character and what was expected. */
static int parse_error(lua_State *L, const char *what, const char *s, budget_status rc, const text_error *err) {
  if (rc == BUDGET_EOVERFLOW)
    return luaL_error(L, "%s '%s' is out of range: expected %s", what, s, err->expected);
  return luaL_error(L, "malformed %s '%s' at character %d: expected %s", what, s, (int)err->column, err->expected);
}

money lbind_checkmoney(lua_State *L, int idx) {
  money *p = luaL_testudata(L, idx, MONEY_MT);
  money m;
  size_t len;
  const char *s;
  text_error err;
  budget_status rc;
  if (p != NULL) return *p;
  if (lua_type(L, idx) != LUA_TSTRING) {
    luaL_typeerror(L, idx, "amount (a budget.money or a string such as '10万')");
    return 0;
  }
  s = lua_tolstring(L, idx, &len);
  rc = money_parse(s, len, &m, &err);
  if (rc) parse_error(L, "amount", s, rc, &err);
  return m;
}

rate lbind_checkrate(lua_State *L, int idx) {
  rate *p = luaL_testudata(L, idx, RATE_MT), r = {0, 1};
  size_t len;
  const char *s;
  text_error err;
  budget_status rc;
  if (p != NULL) return *p;
  if (lua_type(L, idx) == LUA_TNUMBER) {
    if (lua_isinteger(L, idx)) {
      r.num = lua_tointeger(L, idx);
      r.den = 1;
      return r;
    }
    s = luaL_tolstring(L, idx, &len);  /* the decimal Lua prints for it: 0.05 is exactly 5/100 */
  } else if (lua_type(L, idx) == LUA_TSTRING) {
    s = lua_tolstring(L, idx, &len);
    lua_pushvalue(L, idx);
  } else {
    luaL_typeerror(L, idx, "rate (a budget.rate, a string such as '5%' or '1/3', or a number)");
    return r;
  }
  rc = rate_parse(s, len, &r, &err);
  if (rc) parse_error(L, "rate", s, rc, &err);
  lua_pop(L, 1);
  return r;
}

static void pushrate(lua_State *L, rate r) {
  rate *p = lua_newuserdatauv(L, sizeof *p, 0);
  *p = r;
  luaL_setmetatable(L, RATE_MT);
}

/* Raises for a failed operation, naming it. */


/* }================================================================== */

/* {==================================================================
** budget.money
** =================================================================== */

/* budget.money(text | money) [-0, +1, v] */
static int l_money_new(lua_State *L) {
  lbind_pushmoney(L, lbind_checkmoney(L, 1));
  return 1;
}

/* budget.fen(integer): an amount from a count of fen. [-0, +1, v] */
static int l_money_fen_new(lua_State *L) {
  lbind_pushmoney(L, (money)luaL_checkinteger(L, 1));
  return 1;
}

/* An operation of two amounts, raising with its name when it fails. [-0, +1, v] */
static int binary(lua_State *L, budget_status (*op)(money, money, money *), const char *what) {
  money r;
  budget_status rc = op(lbind_checkmoney(L, 1), lbind_checkmoney(L, 2), &r);
  if (rc) return lbind_fail(L, what, rc);
  lbind_pushmoney(L, r);
  return 1;
}

/* [-0, +1, v] */
static int l_money_add(lua_State *L) { return binary(L, money_add, "money +"); }

/* [-0, +1, v] */
static int l_money_sub(lua_State *L) { return binary(L, money_sub, "money -"); }

/* [-0, +1, v] */
static int l_money_unm(lua_State *L) {
  money r;
  budget_status rc = money_neg(lbind_checkmoney(L, 1), &r);
  if (rc) return lbind_fail(L, "money negation", rc);
  lbind_pushmoney(L, r);
  return 1;
}

/* money * rate, rate * money, money * integer: exact, then rounded half away from zero at fen. [-0, +1, v] */
static int l_money_mul(lua_State *L) {
  int mi = luaL_testudata(L, 1, MONEY_MT) ? 1 : 2, ri = 3 - mi;
  money a = lbind_checkmoney(L, mi), r;
  money_ctx ctx = {MONEY_ROUND_HALF_AWAY, 0};
  budget_status rc;
  if (lua_type(L, ri) == LUA_TNUMBER && !lua_isinteger(L, ri))
    return luaL_error(L, "money * %f: multiply by a rate (budget.rate('5%%') or a string), not a float",
                      lua_tonumber(L, ri));
  if (lua_isinteger(L, ri)) rc = money_mul_int(a, lua_tointeger(L, ri), &r);
  else rc = money_mul_rate(&ctx, a, lbind_checkrate(L, ri), &r);
  if (rc) return lbind_fail(L, "money *", rc);
  lbind_pushmoney(L, r);
  return 1;
}

/* Division is allocation's job: one place that keeps the parts adding up. [-0, +0, v] */
static int l_money_div(lua_State *L) {
  return luaL_error(L, "money / is not defined: multiply by a rate such as '1/3', or allocate");
}

static int l_money_eq(lua_State *L) {
  lua_pushboolean(L, lbind_checkmoney(L, 1) == lbind_checkmoney(L, 2));
  return 1;
}

static int l_money_lt(lua_State *L) {
  lua_pushboolean(L, lbind_checkmoney(L, 1) < lbind_checkmoney(L, 2));
  return 1;
}

static int l_money_le(lua_State *L) {
  lua_pushboolean(L, lbind_checkmoney(L, 1) <= lbind_checkmoney(L, 2));
  return 1;
}

/* '65,692,327.10' [-0, +1, m] */
static int l_money_tostring(lua_State *L) {
  char buf[MONEY_TEXT_MAX];
  money_format(NULL, lbind_checkmoney(L, 1), &money_style_yuan, buf, sizeof buf, NULL);
  lua_pushstring(L, buf);
  return 1;
}

/* money .. string and string .. money concatenate the text. [-0, +1, m] */
static int l_money_concat(lua_State *L) {
  int i;
  for (i = 1; i <= 2; i++) {
    if (luaL_testudata(L, i, MONEY_MT)) {
      lua_pushcfunction(L, l_money_tostring);
      lua_pushvalue(L, i);
      lua_call(L, 1, 1);
      lua_replace(L, i);
    } else {
      luaL_checkstring(L, i);
    }
  }
  lua_concat(L, 2);
  return 1;
}

/* m:fen(): the count of fen as a Lua integer. [-0, +1, -] */
static int l_money_fen(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)lbind_checkmoney(L, 1));
  return 1;
}

static money_unit checkunit(lua_State *L, const char *u, money_suffix *suffix) {
  if (strcmp(u, "元") == 0) return *suffix = MONEY_SUFFIX_NONE, MONEY_YUAN;
  if (strcmp(u, "万元") == 0) return *suffix = MONEY_SUFFIX_LONG, MONEY_WAN;
  if (strcmp(u, "万") == 0) return *suffix = MONEY_SUFFIX_SHORT, MONEY_WAN;
  if (strcmp(u, "亿元") == 0) return *suffix = MONEY_SUFFIX_LONG, MONEY_YI;
  if (strcmp(u, "亿") == 0) return *suffix = MONEY_SUFFIX_SHORT, MONEY_YI;
  luaL_error(L, "unknown unit '%s': expected 元, 万元, 万, 亿元 or 亿", u);
  return MONEY_YUAN;
}

static const char *const round_names[] = {"half_away", "half_even", "trunc", "floor", "ceil", NULL};

/*
** m:format([unit | {unit=, decimals=, grouping=, suffix=, round=}])
** '元' (default) gives '1,234.56'; '万元' gives '52.50万元'. [-0, +1, v]
*/
static int l_money_format(lua_State *L) {
  money m = lbind_checkmoney(L, 1);
  money_style st = money_style_yuan;
  money_ctx ctx = {MONEY_ROUND_HALF_AWAY, 0};
  char buf[MONEY_TEXT_MAX];
  budget_status rc;
  if (lua_type(L, 2) == LUA_TSTRING) {
    st.unit = checkunit(L, lua_tostring(L, 2), &st.suffix);
  } else if (lua_istable(L, 2)) {
    if (lua_getfield(L, 2, "unit") == LUA_TSTRING) st.unit = checkunit(L, lua_tostring(L, -1), &st.suffix);
    if (lua_getfield(L, 2, "decimals") != LUA_TNIL) st.decimals = (int)luaL_checkinteger(L, -1);
    if (lua_getfield(L, 2, "grouping") != LUA_TNIL) st.grouping = lua_toboolean(L, -1);
    if (lua_getfield(L, 2, "suffix") != LUA_TNIL && !lua_toboolean(L, -1)) st.suffix = MONEY_SUFFIX_NONE;
    if (lua_getfield(L, 2, "round") != LUA_TNIL) ctx.round = (money_round)luaL_checkoption(L, -1, NULL, round_names);
    lua_pop(L, 5);
  } else if (!lua_isnoneornil(L, 2)) {
    return luaL_typeerror(L, 2, "unit string or options table");
  }
  rc = money_format(&ctx, m, &st, buf, sizeof buf, NULL);
  if (rc) return luaL_error(L, "cannot format with these options: %s", status_str(rc));
  lua_pushstring(L, buf);
  return 1;
}

/* m:round(grain [, mode]): to a whole number of grains ('0.01万元', '1元'), half away from zero by default. [-0, +1, v] */
static int l_money_round(lua_State *L) {
  money m = lbind_checkmoney(L, 1), grain = lbind_checkmoney(L, 2), r;
  money_ctx ctx = {MONEY_ROUND_HALF_AWAY, 0};
  rate one = {1, 1};
  budget_status rc;
  ctx.round = (money_round)luaL_checkoption(L, 3, "half_away", round_names);
  luaL_argcheck(L, grain > 0, 2, "a positive grain");
  rc = money_mul_rate_grain(&ctx, m, one, grain, &r);
  if (rc) return lbind_fail(L, "round", rc);
  lbind_pushmoney(L, r);
  return 1;
}

/*
** budget.percent(part, whole [, decimals]): part / whole as a percentage with
** 'decimals' places (2 by default), rounded half away from zero: '-5.00%'.
** nil when whole is zero. [-0, +1, v]
*/
static int l_percent(lua_State *L) {
  money part = lbind_checkmoney(L, 1), whole = lbind_checkmoney(L, 2);
  lua_Integer d = luaL_optinteger(L, 3, 2);
  money_ctx ctx = {MONEY_ROUND_HALF_AWAY, 0};
  money scaled;
  rate r;
  int64_t scale = 100;
  money_style st = {MONEY_YUAN, 0, false, MONEY_SUFFIX_NONE};
  char buf[MONEY_TEXT_MAX + 2];
  size_t len;
  luaL_argcheck(L, d >= 0 && d <= 2, 3, "0 to 2 decimals");
  if (whole == 0) {
    lua_pushnil(L);
    return 1;
  }
  /* 100 × 10^d × part/whole, rounded once: a count of 10^-d percent, written as fen are */
  st.decimals = (int)d;
  while (d-- > 0) scale *= 10;
  if (rate_make(part, whole, &r) || money_mul_rate(&ctx, scale, r, &scaled)) return lbind_fail(L, "percent", BUDGET_EOVERFLOW);
  money_format(NULL, scaled * (st.decimals == 2 ? 1 : st.decimals == 1 ? 10 : 100), &st, buf, sizeof buf - 1, &len);
  buf[len] = '%';
  buf[len + 1] = '\0';
  lua_pushstring(L, buf);
  return 1;
}

/* m:plain(): '65692327.10', two decimals and no separators, as CSV and JSON rows write amounts. [-0, +1, m] */
static int l_money_plain(lua_State *L) {
  static const money_style plain = {MONEY_YUAN, 2, false, MONEY_SUFFIX_NONE};
  char buf[MONEY_TEXT_MAX];
  money_format(NULL, lbind_checkmoney(L, 1), &plain, buf, sizeof buf, NULL);
  lua_pushstring(L, buf);
  return 1;
}

/* budget.is_money(v) [-0, +1, -] */
static int l_is_money(lua_State *L) {
  lua_pushboolean(L, luaL_testudata(L, 1, MONEY_MT) != NULL);
  return 1;
}

/*
** budget.allocate(amount, {weights...} [, grain]): parts that add up to amount
** exactly, by largest remainder. Weights are amounts or non-negative integers. [-0, +1, v]
*/
static int l_allocate(lua_State *L) {
  money amount = lbind_checkmoney(L, 1), grain;
  lua_Integer n, i;
  int64_t *w;
  money *parts;
  budget_status rc;
  luaL_checktype(L, 2, LUA_TTABLE);
  grain = lua_isnoneornil(L, 3) ? 1 : lbind_checkmoney(L, 3);
  n = luaL_len(L, 2);
  luaL_argcheck(L, n >= 0 && n < (1 << 24), 2, "too many weights");
  guard_charge(L, (size_t)n);
  w = lua_newuserdatauv(L, (size_t)n * sizeof *w + 1, 0);  /* scratch the GC owns, so a raise leaks nothing */
  parts = lua_newuserdatauv(L, (size_t)n * sizeof *parts + 1, 0);
  for (i = 1; i <= n; i++) {
    lua_geti(L, 2, i);
    w[i - 1] = lua_isinteger(L, -1) ? (int64_t)lua_tointeger(L, -1) : lbind_checkmoney(L, -1);
    lua_pop(L, 1);
  }
  rc = money_allocate(guard_allocator(L), amount, w, (size_t)n, grain, 0, parts);
  if (rc) return lbind_fail(L, "allocate", rc);
  lua_createtable(L, (int)n, 0);
  for (i = 1; i <= n; i++) {
    lbind_pushmoney(L, parts[i - 1]);
    lua_seti(L, -2, i);
  }
  return 1;
}

/* }================================================================== */

/* {==================================================================
** budget.rate
** =================================================================== */

/* budget.rate(text | number | rate) [-0, +1, v] */
static int l_rate_new(lua_State *L) {
  pushrate(L, lbind_checkrate(L, 1));
  return 1;
}

/* '0.95' or '1/3' [-0, +1, m] */
static int l_rate_tostring(lua_State *L) {
  char buf[96];
  rate_format(lbind_checkrate(L, 1), buf, sizeof buf, NULL);
  lua_pushstring(L, buf);
  return 1;
}

static int l_rate_eq(lua_State *L) {
  lua_pushboolean(L, rate_cmp(lbind_checkrate(L, 1), lbind_checkrate(L, 2)) == 0);
  return 1;
}

static int l_rate_lt(lua_State *L) {
  lua_pushboolean(L, rate_cmp(lbind_checkrate(L, 1), lbind_checkrate(L, 2)) < 0);
  return 1;
}

static int l_rate_le(lua_State *L) {
  lua_pushboolean(L, rate_cmp(lbind_checkrate(L, 1), lbind_checkrate(L, 2)) <= 0);
  return 1;
}

/* rate + rate, rate - rate, rate * rate (or * money, which is money's): exact. [-0, +1, v] */
static int rate_arith(lua_State *L, char op) {
  rate a, b, r;
  budget_status rc;
  if (op == '*' && (luaL_testudata(L, 1, MONEY_MT) || luaL_testudata(L, 2, MONEY_MT))) return l_money_mul(L);
  a = lbind_checkrate(L, 1);
  b = lbind_checkrate(L, 2);
  rc = op == '+' ? rate_add(a, b, &r) : op == '-' ? rate_sub(a, b, &r) : rate_mul(a, b, &r);
  if (rc) return lbind_fail(L, "rate arithmetic", rc);
  pushrate(L, r);
  return 1;
}

static int l_rate_add(lua_State *L) { return rate_arith(L, '+'); }
static int l_rate_sub(lua_State *L) { return rate_arith(L, '-'); }
static int l_rate_mul(lua_State *L) { return rate_arith(L, '*'); }

/* r:parts() → numerator, denominator [-0, +2, v] */
static int l_rate_parts(lua_State *L) {
  rate r = lbind_checkrate(L, 1);
  lua_pushinteger(L, r.num);
  lua_pushinteger(L, r.den);
  return 2;
}

/* }================================================================== */

static const luaL_Reg money_meta[] = {
  {"__add", l_money_add}, {"__sub", l_money_sub}, {"__unm", l_money_unm}, {"__mul", l_money_mul},
  {"__div", l_money_div}, {"__idiv", l_money_div}, {"__mod", l_money_div}, {"__eq", l_money_eq},
  {"__lt", l_money_lt}, {"__le", l_money_le}, {"__tostring", l_money_tostring}, {"__concat", l_money_concat},
  {NULL, NULL}};

static const luaL_Reg money_methods[] = {
  {"fen", l_money_fen}, {"format", l_money_format}, {"round", l_money_round}, {"plain", l_money_plain}, {NULL, NULL}};

static const luaL_Reg rate_meta[] = {
  {"__add", l_rate_add}, {"__sub", l_rate_sub}, {"__mul", l_rate_mul}, {"__eq", l_rate_eq},
  {"__lt", l_rate_lt}, {"__le", l_rate_le}, {"__tostring", l_rate_tostring}, {NULL, NULL}};

static const luaL_Reg rate_methods[] = {{"parts", l_rate_parts}, {NULL, NULL}};

static const luaL_Reg funcs[] = {{"money", l_money_new}, {"fen", l_money_fen_new}, {"is_money", l_is_money},
                                 {"rate", l_rate_new}, {"allocate", l_allocate}, {"percent", l_percent},
                                 {NULL, NULL}};

void lbind_open_money(lua_State *L) {
  lbind_newclass(L, MONEY_MT, money_meta, money_methods);
  lbind_newclass(L, RATE_MT, rate_meta, rate_methods);
  luaL_setfuncs(L, funcs, 0);
}
