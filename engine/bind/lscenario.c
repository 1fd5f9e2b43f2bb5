/*
** engine/bind/lscenario.c
** Lua binding of scenario overlays (engine/core/scenario.h): core:scenario()
** makes one; its operations, its cells and holds, and the check plans that
** evaluate a model's rules on it in one call.
** See LICENSE for copyright and license.
*/
#include "lbind.h"

#include "host/guard.h"

#include <stdint.h>
#include <string.h>

#include "core/scenario.h"

#define OVERLAY_MT "budget.overlay"
#define PLAN_MT "budget.plan"

/* {==================================================================
** Scenario overlays: core:scenario() → overlay; the overlay keeps its core
** alive through its user value, so the base cannot be freed under it.
** Operations return true, or nil and a status name for the Lua side to word.
** =================================================================== */

typedef struct overlay {
  scenario *s;
} overlay;

static scenario *checkoverlay(lua_State *L) {
  overlay *o = luaL_checkudata(L, 1, OVERLAY_MT);
  if (o->s == NULL) luaL_error(L, "the scenario is closed");
  return o->s;
}

static int l_overlay_gc(lua_State *L) {
  overlay *o = luaL_checkudata(L, 1, OVERLAY_MT);
  scenario_free(o->s);
  o->s = NULL;
  return 0;
}

static const char *status_name(budget_status rc) {
  switch (rc) {
    case BUDGET_EZEROWEIGHTS: return "nothing";
    case BUDGET_EGRAIN: return "grain";
    case BUDGET_EOVERFLOW: return "overflow";
    default: return status_str(rc);  /* ENOMEM too: "out of memory", the words a user is told */
  }
}

/* Pushes true, or nil, the status's name (the word scenario.lua words the refusal by) and the
** status: the binding's convention for a failure the caller is to handle (engine/bind/lbind.h). [-0, +1|3, m] */
static int result(lua_State *L, budget_status rc) {
  if (rc == BUDGET_OK) {
    lua_pushboolean(L, 1);
    return 1;
  }
  lua_pushnil(L);
  lua_pushstring(L, status_name(rc));
  lua_pushinteger(L, rc);
  return 3;
}

/* Pushes a new overlay userdata for 'sc', whose user value is the core at 'core_idx'. */
static int pushoverlay(lua_State *L, scenario *sc, int core_idx) {
  overlay *o = lua_newuserdatauv(L, sizeof *o, 1);
  o->s = sc;
  scenario_journal(sc, true);  /* each step's moves are read from it, not worked out again */
  luaL_setmetatable(L, OVERLAY_MT);
  lua_pushvalue(L, core_idx);
  lua_setiuservalue(L, -2, 1);
  return 1;
}

/* core:scenario() → a new empty overlay on this model [-0, +1, m] */
static int l_scenario(lua_State *L) {
  model *m = lbind_checkcore(L);
  scenario *sc;
  budget_status rc = scenario_new(guard_allocator(L), m, &sc);
  lbind_freeze(L, 1);  /* its overlay reads the cells as they are now */
  if (rc) return lbind_fail(L, "scenario", rc);
  return pushoverlay(L, sc, 1);
}

/* overlay:copy() → a new overlay with the same amounts and holds [-0, +1, m] */
static int l_ov_copy(lua_State *L) {
  scenario *s = checkoverlay(L), *c;
  budget_status rc = scenario_copy(s, &c);
  if (rc) return lbind_fail(L, "scenario", rc);
  lua_getiuservalue(L, 1, 1);
  pushoverlay(L, c, lua_gettop(L));
  return 1;
}

static const facts *ov_set(lua_State *L, scenario *s, int idx, size_t *set) {
  const model *m = scenario_base(s);
  lua_Integer f = luaL_checkinteger(L, idx);
  luaL_argcheck(L, f >= 0 && (size_t)f < model_nfacts(m), idx, "no such fact set");
  *set = (size_t)f;
  return model_facts(m, *set);
}

/* The overlay at 1 and the selection its method names (a fact set at 2, member ids at 3). [-0, +0, v] */
static scenario *check_selection(lua_State *L, size_t *set, hier_id *sel) {
  scenario *s = checkoverlay(L);
  lbind_checkkey(L, ov_set(L, s, 2, set), 3, sel, true);
  return s;
}

/* overlay:total(set, sel) → money [-0, +1, v] */
static int l_ov_total(lua_State *L) {
  size_t set;
  hier_id sel[FACTS_MAX_DIMS];
  scenario *s = check_selection(L, &set, sel);
  money total;
  budget_status rc;
  rc = scenario_total(s, set, sel, &total);
  if (rc) return lbind_fail(L, "total", rc);
  lbind_pushmoney(L, total);
  return 1;
}

/* overlay:count(set, sel [, most]) → how many cells the selection has (held or not, at zero or
** not), counting no further than 'most' when given: count(set, sel, 1) asks whether it has any. [-0, +1, v] */
static int l_ov_count(lua_State *L) {
  size_t set, cell, n = 0;
  hier_id sel[FACTS_MAX_DIMS];
  scenario *s = check_selection(L, &set, sel);
  size_t most = (size_t)luaL_optinteger(L, 4, 0);  /* 0: every cell; else stop at 'most' */
  facts_iter it;
  facts_iter_init(&it, model_facts(scenario_base(s), set), sel);
  while ((most == 0 || n < most) && facts_iter_next(&it, &cell)) n++;
  lua_pushinteger(L, (lua_Integer)n);
  return 1;
}

/* overlay:add(set, sel, delta) → true | nil, word, status [-0, +1|3, v] */
static int l_ov_add(lua_State *L) {
  size_t set;
  hier_id sel[FACTS_MAX_DIMS];
  scenario *s = check_selection(L, &set, sel);
  return result(L, scenario_add(s, set, sel, lbind_checkmoney(L, 4)));
}

/* overlay:set(set, sel, value) → delta | nil, word, status [-0, +1|3, v] */
static int l_ov_set(lua_State *L) {
  size_t set;
  hier_id sel[FACTS_MAX_DIMS];
  scenario *s = check_selection(L, &set, sel);
  money delta;
  budget_status rc;
  rc = scenario_set(s, set, sel, lbind_checkmoney(L, 4), &delta);
  if (rc) return result(L, rc);
  lbind_pushmoney(L, delta);
  return 1;
}

static const char *const round_modes[] = {"half_away", "half_even", "trunc", "floor", "ceil", NULL};

/* overlay:scale(set, sel, factor [, mode]) → delta, the money context's flags | nil, word, status [-0, +2|3, v] */
static int l_ov_scale(lua_State *L) {
  size_t set;
  hier_id sel[FACTS_MAX_DIMS];
  scenario *s = check_selection(L, &set, sel);
  money_ctx ctx = {MONEY_ROUND_HALF_AWAY, 0};
  money delta;
  rate factor;
  budget_status rc;
  factor = lbind_checkrate(L, 4);
  if (!lua_isnoneornil(L, 5)) ctx.round = (money_round)luaL_checkoption(L, 5, NULL, round_modes);
  rc = scenario_scale(s, &ctx, set, sel, factor, &delta);
  if (rc) return result(L, rc);
  lbind_pushmoney(L, delta);
  lua_pushinteger(L, (lua_Integer)ctx.status);  /* the money context's flags: MONEY_INEXACT when it rounded */
  return 2;
}

/* overlay:transfer(from_set, from_sel, to_set, to_sel, amount) → true | nil, word, status [-0, +1|3, v] */
static int l_ov_transfer(lua_State *L) {
  scenario *s = checkoverlay(L);
  size_t fs, ts;
  const facts *ff = ov_set(L, s, 2, &fs), *tf = ov_set(L, s, 4, &ts);
  hier_id from[FACTS_MAX_DIMS], to[FACTS_MAX_DIMS];
  lbind_checkkey(L, ff, 3, from, true);
  lbind_checkkey(L, tf, 5, to, true);
  return result(L, scenario_transfer(s, fs, from, ts, to, lbind_checkmoney(L, 6)));
}

/* overlay:carry(on): whether later changes are carried to linked descriptions (scenario.h). [-0, +0, v] */
static int l_ov_carry(lua_State *L) {
  scenario_carry(checkoverlay(L), lua_toboolean(L, 2));
  return 0;
}

/* overlay:failed_link() → the index (from 0) of the link whose carry failed the last change and the side
** (1 for a, 2 for b) it could not land on, or nil. [-0, +1|2, v] */
static int l_ov_failed_link(lua_State *L) {
  int side;
  size_t i = scenario_failed_link(checkoverlay(L), &side);
  if (i == SIZE_MAX) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushinteger(L, (lua_Integer)i);
  lua_pushinteger(L, side + 1);
  return 2;
}

/* overlay:hold(set, sel, held) → count [-0, +1, v] */
static int l_ov_hold(lua_State *L) {
  size_t set, count;
  hier_id sel[FACTS_MAX_DIMS];
  scenario *s = check_selection(L, &set, sel);
  budget_status rc = scenario_hold(s, set, sel, lua_toboolean(L, 4), &count);
  if (rc) return lbind_fail(L, "hold", rc);
  lua_pushinteger(L, (lua_Integer)count);
  return 1;
}

/* overlay:put(set, cell, value, held) → true | nil, word, status: one cell as it is in another scenario [-0, +1|3, v] */
static int l_ov_put(lua_State *L) {
  scenario *s = checkoverlay(L);
  size_t set;
  const facts *f = ov_set(L, s, 2, &set);
  lua_Integer cell = luaL_checkinteger(L, 3);
  luaL_argcheck(L, cell >= 0 && (size_t)cell < facts_count(f), 3, "no such cell");
  return result(L, scenario_put(s, set, (size_t)cell, lbind_checkmoney(L, 4), lua_toboolean(L, 5)));
}

/* overlay:cells(set) → {{ids..., amount, changed, held}, ...} in cell order [-0, +1, m] */
static int l_ov_cells(lua_State *L) {
  scenario *s = checkoverlay(L);
  size_t set, c, d;
  const facts *f = ov_set(L, s, 2, &set);
  size_t n = facts_count(f), nd = facts_ndims(f);
  bool only_changed = lua_toboolean(L, 3);
  lua_Integer k = 0;
  lua_createtable(L, only_changed ? 0 : (int)n, 0);
  for (c = 0; c < n; c++) {
    if (only_changed && !scenario_changed(s, set, c)) continue;
    lua_createtable(L, (int)nd + 1, 3);
    for (d = 0; d < nd; d++) {
      lua_pushinteger(L, (lua_Integer)facts_key(f, c, d));
      lua_seti(L, -2, (lua_Integer)d + 1);
    }
    lbind_pushmoney(L, scenario_amount(s, set, c));
    lua_seti(L, -2, (lua_Integer)nd + 1);
    lbind_pushmoney(L, facts_amount(f, c));
    lua_setfield(L, -2, "base");
    lua_pushboolean(L, scenario_held(s, set, c));
    lua_setfield(L, -2, "held");
    lua_pushinteger(L, (lua_Integer)c);
    lua_setfield(L, -2, "cell");
    lua_seti(L, -2, ++k);
  }
  return 1;
}

/* overlay:any_negative() → is any cell of any fact set below zero? [-0, +1, -] */
static int l_ov_any_negative(lua_State *L) {
  lua_pushboolean(L, scenario_any_negative(checkoverlay(L)));
  return 1;
}

/* overlay:negatives(set) → the cells below zero in the scenario [-0, +1, m] */
static int l_ov_negatives(lua_State *L) {
  scenario *s = checkoverlay(L);
  size_t set;
  const facts *f = ov_set(L, s, 2, &set);
  lbind_pushnegatives(L, f, s, set);
  return 1;
}

/* {==================================================================
** Check plans: rules compiled to linear checks, evaluated in one call
** =================================================================== */


typedef struct plan {
  size_t n, nterms;
  scenario_check *checks;  /* these point into the same userdata, after the header */
  scenario_term *terms;
  money *base_totals;      /* each term's total in the base, computed on first use */
  const model *base;       /* the base they were computed for */
  unsigned char *failed;
} plan;

/* Reads one side {{set, {ids}, coef}, ...} of a check into terms[*at ..]. */
static size_t read_terms(lua_State *L, int idx, scenario_term *terms, size_t *at) {
  size_t i, n = (size_t)luaL_len(L, idx), first = *at, d;
  for (i = 0; i < n; i++) {
    scenario_term *t = &terms[(*at)++];
    lua_geti(L, idx, (lua_Integer)i + 1);
    lua_geti(L, -1, 1);
    t->set = (size_t)luaL_checkinteger(L, -1);
    lua_geti(L, -2, 2);
    for (d = 0; d < FACTS_MAX_DIMS; d++) {
      lua_geti(L, -1, (lua_Integer)d + 1);
      t->sel[d] = lua_isnil(L, -1) ? HIER_NONE : (hier_id)luaL_checkinteger(L, -1);
      lua_pop(L, 1);
    }
    lua_geti(L, -3, 3);
    t->coef = (int)luaL_checkinteger(L, -1) < 0 ? -1 : 1;
    lua_pop(L, 4);
  }
  return first;
}

static size_t count_terms(lua_State *L, int list) {
  size_t i, n = (size_t)luaL_len(L, list), total = 0;
  for (i = 0; i < n; i++) {
    lua_geti(L, list, (lua_Integer)i + 1);
    lua_getfield(L, -1, "left");
    total += (size_t)luaL_len(L, -1);
    lua_getfield(L, -2, "right");
    total += (size_t)luaL_len(L, -1);
    lua_pop(L, 3);
  }
  return total;
}

/*
** budget.plan{{op = "eq"|"le"|"ge", grain = money|nil, left = {terms}, right = {terms},
** lconst = money, rconst = money}, ...} → a plan for overlay:failing(plan). [-0, +1, e]
*/
static int l_plan(lua_State *L) {
  static const char *const ops[] = {"eq", "le", "ge", NULL};
  size_t n, nterms, i, at = 0, bytes;
  plan *p;
  luaL_checktype(L, 1, LUA_TTABLE);
  n = (size_t)luaL_len(L, 1);
  nterms = count_terms(L, 1);
  bytes = sizeof *p + n * sizeof *p->checks + nterms * sizeof *p->terms + nterms * sizeof *p->base_totals + n + 1;
  p = lua_newuserdatauv(L, bytes, 0);
  p->n = n;
  p->nterms = nterms;
  p->checks = (scenario_check *)(void *)(p + 1);
  p->terms = (scenario_term *)(void *)(p->checks + n);
  p->base_totals = (money *)(void *)(p->terms + nterms);
  p->base = NULL;
  p->failed = (unsigned char *)(p->base_totals + nterms);
  luaL_setmetatable(L, PLAN_MT);
  for (i = 0; i < n; i++) {
    scenario_check *c = &p->checks[i];
    lua_geti(L, 1, (lua_Integer)i + 1);
    lua_getfield(L, -1, "op");
    c->op = (scenario_op)luaL_checkoption(L, -1, NULL, ops);
    lua_getfield(L, -2, "grain");
    c->grain = lua_isnil(L, -1) ? 0 : lbind_checkmoney(L, -1);
    lua_getfield(L, -3, "lconst");
    c->lconst = lua_isnil(L, -1) ? 0 : lbind_checkmoney(L, -1);
    lua_getfield(L, -4, "rconst");
    c->rconst = lua_isnil(L, -1) ? 0 : lbind_checkmoney(L, -1);
    lua_getfield(L, -5, "left");
    c->lcount = (size_t)luaL_len(L, -1);
    c->lfirst = read_terms(L, lua_gettop(L), p->terms, &at);
    lua_getfield(L, -6, "right");
    c->rcount = (size_t)luaL_len(L, -1);
    c->rfirst = read_terms(L, lua_gettop(L), p->terms, &at);
    lua_pop(L, 7);
  }
  return 1;
}

/* The plan at idx with its terms' base totals computed for 'base' (once: a plan serves one model). */
static plan *plan_for(lua_State *L, int idx, const model *base) {
  plan *p = luaL_checkudata(L, idx, PLAN_MT);
  if (p->base != base) {
    budget_status rc = scenario_base_totals(base, p->terms, p->nterms, p->base_totals);
    if (rc) lbind_fail(L, "check", rc);
    p->base = base;
  }
  return p;
}

void lbind_checkplan(lua_State *L, int idx, const model *base, lbind_checks *out) {
  plan *p = plan_for(L, idx, base);
  out->checks = p->checks;
  out->n = p->n;
  out->terms = p->terms;
  out->nterms = p->nterms;
  out->base_totals = p->base_totals;
}

/* overlay:failing(plan) → {[index] = true for each check that does not hold} [-0, +1, e] */
static int l_ov_failing(lua_State *L) {
  scenario *s = checkoverlay(L);
  plan *p = plan_for(L, 2, scenario_base(s));
  size_t i;
  budget_status rc;
  rc = scenario_check_all(s, p->checks, p->n, p->terms, p->nterms, p->base_totals, p->failed);
  if (rc) return lbind_fail(L, "check", rc);
  lua_newtable(L);
  for (i = 0; i < p->n; i++)
    if (p->failed[i]) {
      lua_pushboolean(L, 1);
      lua_seti(L, -2, (lua_Integer)i + 1);
    }
  return 1;
}

/* }================================================================== */

/* {==================================================================
** The journal: what each step moved
** =================================================================== */

/* overlay:mark() → the number of the step just closed (engine/core/scenario.h). [-0, +1, m] */
static int l_ov_mark(lua_State *L) {
  size_t step;
  budget_status rc = scenario_mark(checkoverlay(L), &step);
  if (rc) return lbind_fail(L, "scenario", rc);
  lua_pushinteger(L, (lua_Integer)step);
  return 1;
}

/* acc[k] += d, raising when the sum does not fit. [-0, +0, v] */
static void add_to(lua_State *L, money *acc, size_t k, money d) {
  if (money_add(acc[k], d, &acc[k]) != BUDGET_OK) luaL_error(L, "a step's move is out of range");
}

/*
** overlay:step_moves(step [, total_only]) → {[set] = {[0] = the set's total move, [id + 1] = the
** move of member id}} for each fact set the step changed, members being every ancestor of a
** changed cell's member of the set's first dimension at depth 0 or 1 (类 and 款), where it moved;
** with total_only, the sets' totals alone. Summed in C, a buffer a member. [-0, +1, e]
*/
static int l_ov_step_moves(lua_State *L) {
  scenario *s = checkoverlay(L);
  const model *m = scenario_base(s);
  size_t step = (size_t)luaL_checkinteger(L, 2), n, i, set, nsets = model_nfacts(m);
  const scenario_entry *e;
  bool total_only = lua_toboolean(L, 3);
  money **acc = lua_newuserdatauv(L, (nsets + 1) * sizeof *acc, 0);  /* a buffer a set touched, GC'd */
  int bufs;
  lua_newtable(L);  /* keeps the buffers alive until the end */
  bufs = lua_gettop(L);
  for (set = 0; set < nsets; set++) acc[set] = NULL;
  /* The buffers first: allocating may run a script's finalizer, which may change the overlay and
     move its journal. A closed step's entries never change, so they are read after, afresh. */
  e = scenario_step_entries(s, step, &n);
  for (i = 0; i < n; i++) {
    size_t k = e[i].set;
    if (acc[k] == NULL) {
      size_t len = (total_only ? 0 : hier_count(facts_dim(model_facts(m, k), 0))) + 1;
      acc[k] = lua_newuserdatauv(L, len * sizeof(money), 0);
      memset(acc[k], 0, len * sizeof(money));
      lua_rawseti(L, bufs, (lua_Integer)k + 1);
      e = scenario_step_entries(s, step, &n);
    }
  }
  for (i = 0; i < n; i++) {  /* no allocation in this loop: e stays where it is */
    const facts *f = model_facts(m, e[i].set);
    const hier *h = facts_dim(f, 0);
    hier_id id;
    add_to(L, acc[e[i].set], 0, e[i].delta);
    for (id = total_only ? HIER_NONE : facts_key(f, e[i].cell, 0); id != HIER_NONE; id = hier_parent(h, id))
      if (hier_depth(h, id) <= 1) add_to(L, acc[e[i].set], (size_t)id + 1, e[i].delta);
  }
  lua_newtable(L);
  for (set = 0; set < nsets; set++) {
    const hier *h;
    size_t k, len;
    if (acc[set] == NULL) continue;
    h = facts_dim(model_facts(m, set), 0);
    len = (total_only ? 0 : hier_count(h)) + 1;
    lua_newtable(L);
    for (k = 0; k < len; k++) {
      if (k > 0 && (acc[set][k] == 0 || hier_depth(h, (hier_id)(k - 1)) > 1)) continue;
      lbind_pushmoney(L, acc[set][k]);
      lua_rawseti(L, -2, (lua_Integer)k);
    }
    lua_rawseti(L, -2, (lua_Integer)set);
  }
  return 1;
}

/* overlay:step_rounding(step) → cells, move: how many cells' shares the step rounded to the
** grain, and whether it rounded the move itself. [-0, +2, v] */
static int l_ov_step_rounding(lua_State *L) {
  size_t cells;
  bool move;
  budget_status rc = scenario_step_rounding(checkoverlay(L), (size_t)luaL_checkinteger(L, 2), &cells, &move);
  if (rc) return lbind_fail(L, "step_rounding", rc);
  lua_pushinteger(L, (lua_Integer)cells);
  lua_pushboolean(L, move);
  return 2;
}

/* }================================================================== */

static const luaL_Reg overlay_methods[] = {
  {"copy", l_ov_copy}, {"total", l_ov_total}, {"add", l_ov_add},   {"set", l_ov_set},     {"scale", l_ov_scale},
  {"transfer", l_ov_transfer}, {"hold", l_ov_hold}, {"put", l_ov_put}, {"cells", l_ov_cells}, {"negatives", l_ov_negatives},
  {"count", l_ov_count}, {"mark", l_ov_mark}, {"step_moves", l_ov_step_moves}, {"step_rounding", l_ov_step_rounding},
  {"failing", l_ov_failing}, {"any_negative", l_ov_any_negative}, {"carry", l_ov_carry},
  {"failed_link", l_ov_failed_link}, {NULL, NULL}};

/* }================================================================== */


static const luaL_Reg scenario_methods[] = {{"scenario", l_scenario}, {NULL, NULL}};

void lbind_open_scenario(lua_State *L) {
  static const luaL_Reg overlay_meta[] = {{"__gc", l_overlay_gc}, {NULL, NULL}};
  lbind_newclass(L, OVERLAY_MT, overlay_meta, overlay_methods);
  lbind_newclass(L, PLAN_MT, NULL, NULL);
  lbind_addmethods(L, CORE_MT, scenario_methods);
  lua_pushcfunction(L, l_plan);
  lua_setfield(L, -2, "plan");
}
