/*
** engine/bind/lbatch.c
** Lua binding of batch runs (engine/host/batch.h): budget.batch_start and the
** handle that hands out the points' results in order.
** See LICENSE for copyright and license.
*/
#include "lbind.h"

#include <signal.h>
#include <string.h>

#include "host/batch.h"
#include "host/plan.h"
#include "lauxlib.h"
#include "core/model.h"

#define BATCH_MT "budget.batch"
#define BATCH_PLAN_MT "budget.batch_plan"


typedef struct lbatch {
  batch *b;
  rowbuf out;  /* what :take() gathers, reused call after call */
} lbatch;

static int l_batch_gc(lua_State *L) {
  lbatch *h = luaL_checkudata(L, 1, BATCH_MT);
  batch_free(h->b);
  h->b = NULL;
  rowbuf_free(&h->out);
  return 0;
}

static batch *checkbatch(lua_State *L) {
  lbatch *h = luaL_checkudata(L, 1, BATCH_MT);
  if (h->b == NULL) luaL_error(L, "the batch is closed");
  return h->b;
}

/* Strings of a Lua array as a C array in a userdata the GC owns (so a raise leaks nothing). */
static const char **strings_of(lua_State *L, int idx, size_t *n) {
  size_t i, len = (size_t)luaL_len(L, idx);
  const char **out = lua_newuserdatauv(L, (len + 1) * sizeof *out, 0);
  for (i = 0; i < len; i++) {
    lua_geti(L, idx, (lua_Integer)i + 1);
    out[i] = luaL_checkstring(L, -1);  /* anchored by the table */
    lua_pop(L, 1);
  }
  *n = len;
  return out;
}

/*
** budget.batch_start{script=, model=, core=, names={...}, lists={{values...}, ...}, first=, count=, jobs=,
** format=, mem_limit=, max_steps=, max_seconds=, max_memory=} → a batch handle over points first ..
** first + count − 1 of the lists' combinations (engine/host/batch.h); the workers run while the caller
** takes the rows with :take() or :next(). [-0, +1, e]
*/
static int l_batch_start(lua_State *L) {
  batch_spec spec;
  model *core;
  const char **names, **values;
  size_t *counts;
  size_t nnames, nvalues = 0, i, j, at = 0;
  lbatch *h;
  budget_status rc;
  luaL_checktype(L, 1, LUA_TTABLE);
  memset(&spec, 0, sizeof spec);
  lua_getfield(L, 1, "script");
  spec.script_path = luaL_checkstring(L, -1);
  lua_getfield(L, 1, "model");
  spec.model_path = luaL_checkstring(L, -1);
  lua_getfield(L, 1, "core");
  core = lbind_checkmodel(L, -1);
  spec.core = core;
  lua_getfield(L, 1, "names");
  luaL_checktype(L, -1, LUA_TTABLE);
  names = strings_of(L, lua_gettop(L), &nnames);
  lua_getfield(L, 1, "lists");
  luaL_checktype(L, -1, LUA_TTABLE);
  luaL_argcheck(L, (size_t)luaL_len(L, -1) == nnames, 1, "a list of values for each name");
  counts = lua_newuserdatauv(L, (nnames + 1) * sizeof *counts, 0);
  for (i = 0; i < nnames; i++) {
    lua_geti(L, -2, (lua_Integer)i + 1);
    luaL_checktype(L, -1, LUA_TTABLE);
    counts[i] = (size_t)luaL_len(L, -1);
    luaL_argcheck(L, counts[i] > 0 && counts[i] < ((size_t)1 << 40), 1, "each list has values");
    nvalues += counts[i];
    lua_pop(L, 1);
  }
  values = lua_newuserdatauv(L, (nvalues + 1) * sizeof *values, 0);
  for (i = 0; i < nnames; i++) {
    lua_geti(L, -3, (lua_Integer)i + 1);
    for (j = 0; j < counts[i]; j++) {
      lua_geti(L, -1, (lua_Integer)j + 1);
      values[at++] = luaL_checkstring(L, -1);  /* anchored by the list */
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_getfield(L, 1, "format");
  spec.format = luaL_optstring(L, -1, "csv");
  lua_getfield(L, 1, "first");
  spec.first = (size_t)luaL_optinteger(L, -1, 0);
  lua_getfield(L, 1, "count");
  spec.npoints = (size_t)luaL_checkinteger(L, -1);
  lua_getfield(L, 1, "jobs");
  spec.jobs = (size_t)luaL_optinteger(L, -1, 1);
  lua_getfield(L, 1, "mem_limit");
  spec.mem_limit = (size_t)luaL_optinteger(L, -1, 0);
  lua_getfield(L, 1, "max_steps");
  spec.point_limits.max_steps = (int64_t)luaL_optinteger(L, -1, 0);
  lua_getfield(L, 1, "max_seconds");
  spec.point_limits.max_seconds = luaL_optnumber(L, -1, 0);
  lua_getfield(L, 1, "max_memory");
  spec.point_limits.max_memory = (int64_t)luaL_optinteger(L, -1, 0);
  luaL_argcheck(L, spec.jobs >= 1 && spec.jobs <= BATCH_MAX_JOBS, 1, "jobs from 1 to 256");
  spec.names = names;
  spec.nnames = nnames;
  spec.values = values;
  spec.counts = counts;
  spec.interrupted = script_interrupt_flag(L);
  spec.open = luaopen_budget;
  h = lua_newuserdatauv(L, sizeof *h, 1);
  h->b = NULL;
  rowbuf_init(&h->out, mem_default());
  luaL_setmetatable(L, BATCH_MT);
  lua_getfield(L, 1, "core");
  lua_setiuservalue(L, -2, 1);  /* the workers read the model: keep it alive as long as the handle */
  model_prepare(core);  /* the lazy indexes made now: the workers only read the model */
  rc = batch_start(mem_default(), &spec, &h->b);  /* copies every string it was given */
  if (rc) return luaL_error(L, "batch: %s", status_str(rc));
  return 1;
}

/* h:take(write_header) → the rows of the next points as one string ("" when none is ready yet), or nil when
** every point is out (then h:interrupted() says whether it stopped early). [-0, +1, e] */
static int l_batch_take(lua_State *L) {
  lbatch *h = luaL_checkudata(L, 1, BATCH_MT);
  bool done;
  budget_status rc;
  if (h->b == NULL) return luaL_error(L, "the batch is closed");
  h->out.len = 0;
  h->out.failed = false;
  rc = batch_take(h->b, &h->out, lua_toboolean(L, 2), &done);
  if (rc == BUDGET_ESCRIPT) return luaL_error(L, "%s", batch_errmsg(h->b));
  if (rc) return luaL_error(L, "batch: %s", status_str(rc));
  if (done) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushlstring(L, h->out.p ? h->out.p : "", h->out.len);
  if (h->out.cap > ((size_t)1 << 20)) rowbuf_free(&h->out);  /* one long row does not stay */
  return 1;
}

/* h:tally() → points written, of them failed, of them breaking an error rule; and the first rows' header. */
static int l_batch_tally(lua_State *L) {
  batch *b = checkbatch(L);
  const batch_tally *t = batch_tally_of(b);
  size_t len;
  const char *head = batch_header(b, &len);
  lua_pushinteger(L, (lua_Integer)t->written);
  lua_pushinteger(L, (lua_Integer)t->failed);
  lua_pushinteger(L, (lua_Integer)t->errors);
  if (len > 0) lua_pushlstring(L, head, len);
  else lua_pushnil(L);
  return 4;
}

/* h:next() → point, rows, header, flags; or nil when done (then h:interrupted() says why). [-0, +4|1, e] */
static int l_batch_next(lua_State *L) {
  batch *b = checkbatch(L);
  batch_result r;
  bool done;
  budget_status rc = batch_next(b, &r, &done);
  if (rc) return luaL_error(L, "%s", batch_errmsg(b));
  if (done) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushinteger(L, (lua_Integer)r.point);
  lua_pushlstring(L, r.rows, r.rows_len);
  lua_pushlstring(L, r.header, r.header_len);
  lua_pushinteger(L, r.flags);
  return 4;
}

static int l_batch_interrupted(lua_State *L) {
  lua_pushboolean(L, batch_interrupted(checkbatch(L)));
  return 1;
}

static int l_batch_done(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)batch_done(checkbatch(L)));
  return 1;
}

/* h:close(): stops the workers and frees the batch now. [-0, +0, -] */
static int l_batch_close(lua_State *L) {
  return l_batch_gc(L);
}


/* {==================================================================
** Plans: a batch script's fixed shape, run in C (engine/host/plan.h)
** =================================================================== */

/* A block of n bytes the plan owns: a userdata kept in the plan's anchor table at 'anchors'. */
static void *owned(lua_State *L, int anchors, size_t n) {
  void *p = lua_newuserdatauv(L, n ? n : 1, 0);
  lua_rawseti(L, anchors, (lua_Integer)luaL_len(L, anchors) + 1);
  return p;
}

/* A string field of the table at idx, kept alive by the anchor table. */
static const char *owned_string(lua_State *L, int anchors, int idx, const char *field, size_t *len) {
  const char *s;
  lua_getfield(L, idx, field);
  s = luaL_checklstring(L, -1, len);
  lua_rawseti(L, anchors, (lua_Integer)luaL_len(L, anchors) + 1);
  return s;
}

/* {set = index (from 0), sel = {ids}} at idx into t. */
static void read_target(lua_State *L, const model *m, int idx, plan_target *t) {
  size_t d;
  lua_getfield(L, idx, "set");
  t->set = (size_t)luaL_checkinteger(L, -1);
  luaL_argcheck(L, t->set < model_nfacts(m), 1, "a fact set of the model");
  lua_pop(L, 1);
  for (d = 0; d < FACTS_MAX_DIMS; d++) t->sel[d] = HIER_NONE;
  lua_getfield(L, idx, "sel");
  lbind_checkkey(L, model_facts(m, t->set), lua_gettop(L), t->sel, true);
  lua_pop(L, 1);
}

/* An argument value: a rate for a scale, an amount for the rest; false is a value the script refuses. */
static void read_value(lua_State *L, int idx, plan_kind kind, plan_value *v) {
  memset(v, 0, sizeof *v);
  if (lua_isnoneornil(L, idx) || (lua_isboolean(L, idx) && !lua_toboolean(L, idx))) return;
  if (kind == PLAN_SCALE) v->r = lbind_checkrate(L, idx);
  else v->m = lbind_checkmoney(L, idx);
  v->ok = true;
}

/*
** budget.batch_plan{core=, format = "csv"|"jsonl", header=, names={...}, ops={{kind=, carry=, targets={{set=,
** sel=}, ...}, param = K|nil, value=, values={...}}, ...}, columns={{key=, set=, sel=}, ...}, total={set=, sel=},
** checks = budget.plan|nil, severity={"error"|"warning"|"info", ...}, nonnegative=} → a plan, for a batch
** worker to run its points with (engine/lua/plan.lua makes the table). [-0, +1, e]
*/
static int l_batch_plan(lua_State *L) {
  static const char *const kinds[] = {"scale", "set", "add", "transfer", "hold", "release", NULL};
  static const char *const severities[] = {"error", "warning", "info", NULL};
  batch_plan *p;
  const model *m;
  plan_op *ops;
  plan_column *cols;
  const char **names;
  unsigned char *sev;
  size_t i, j, n, len;
  int anchors;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, 1, "core");
  m = lbind_checkmodel(L, -1);
  p = lua_newuserdatauv(L, sizeof *p, 1);  /* first in its block: worker.c reads it as a batch_plan */
  memset(p, 0, sizeof *p);
  luaL_setmetatable(L, BATCH_PLAN_MT);
  lua_newtable(L);
  anchors = lua_gettop(L);
  lua_pushvalue(L, anchors);
  lua_setiuservalue(L, -3, 1);
  lua_pushvalue(L, -3);  /* the core: the plan reads its model */
  lua_rawseti(L, anchors, 1);
  p->base = m;
  lua_getfield(L, 1, "format");
  p->jsonl = strcmp(luaL_checkstring(L, -1), "jsonl") == 0;
  lua_pop(L, 1);
  p->header = owned_string(L, anchors, 1, "header", &p->header_len);
  lua_getfield(L, 1, "names");
  n = (size_t)luaL_len(L, -1);
  names = owned(L, anchors, (n + 1) * sizeof *names);
  for (i = 0; i < n; i++) {
    lua_geti(L, -1, (lua_Integer)i + 1);
    names[i] = luaL_checkstring(L, -1);
    lua_rawseti(L, anchors, (lua_Integer)luaL_len(L, anchors) + 1);
  }
  lua_pop(L, 1);
  p->names = names;
  p->nnames = n;
  lua_getfield(L, 1, "ops");
  n = (size_t)luaL_len(L, -1);
  ops = owned(L, anchors, (n + 1) * sizeof *ops);
  memset(ops, 0, (n + 1) * sizeof *ops);
  for (i = 0; i < n; i++) {
    plan_op *op = &ops[i];
    int o;
    lua_geti(L, -1, (lua_Integer)i + 1);
    o = lua_gettop(L);
    lua_getfield(L, o, "kind");
    op->kind = (plan_kind)luaL_checkoption(L, -1, NULL, kinds);
    lua_getfield(L, o, "carry");
    op->carry = lua_toboolean(L, -1);
    op->round = MONEY_ROUND_HALF_AWAY;
    lua_getfield(L, o, "targets");
    op->ntargets = (size_t)luaL_len(L, -1);
    luaL_argcheck(L, op->ntargets >= 1 && (op->kind != PLAN_TRANSFER || op->ntargets == 2), 1, "an operation's targets");
    op->targets = owned(L, anchors, op->ntargets * sizeof *op->targets);
    for (j = 0; j < op->ntargets; j++) {
      lua_geti(L, -1, (lua_Integer)j + 1);
      read_target(L, m, lua_gettop(L), &op->targets[j]);
      lua_pop(L, 1);
    }
    lua_getfield(L, o, "param");
    op->param = lua_isnil(L, -1) ? PLAN_CONSTANT : (size_t)luaL_checkinteger(L, -1) - 1;
    luaL_argcheck(L, op->param == PLAN_CONSTANT || op->param < p->nnames, 1, "a parameter of the batch");
    lua_getfield(L, o, "value");
    read_value(L, lua_gettop(L), op->kind, &op->constant);
    if (op->kind == PLAN_HOLD || op->kind == PLAN_RELEASE) op->constant.ok = true;  /* no argument */
    if (op->param != PLAN_CONSTANT) {
      plan_value *vals;
      size_t nv;
      lua_getfield(L, o, "values");
      nv = (size_t)luaL_len(L, -1);
      vals = owned(L, anchors, (nv + 1) * sizeof *vals);
      for (j = 0; j < nv; j++) {
        lua_geti(L, -1, (lua_Integer)j + 1);
        read_value(L, lua_gettop(L), op->kind, &vals[j]);
        lua_pop(L, 1);
      }
      op->values = vals;
    }
    lua_settop(L, o - 1);
  }
  lua_pop(L, 1);
  p->ops = ops;
  p->nops = n;
  lua_getfield(L, 1, "columns");
  n = (size_t)luaL_len(L, -1);
  luaL_argcheck(L, n + p->nnames + 8 <= ROWS_MAX_FIELDS, 1, "at most 1,000 columns");
  cols = owned(L, anchors, (n + 1) * sizeof *cols);
  for (i = 0; i < n; i++) {
    lua_geti(L, -1, (lua_Integer)i + 1);
    cols[i].key = owned_string(L, anchors, lua_gettop(L), "key", &len);
    read_target(L, m, lua_gettop(L), &cols[i].target);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  p->columns = cols;
  p->ncolumns = n;
  lua_getfield(L, 1, "total");
  read_target(L, m, lua_gettop(L), &p->total);
  lua_pop(L, 1);
  lua_getfield(L, 1, "checks");
  if (!lua_isnil(L, -1)) {
    lbind_checks c;
    lbind_checkplan(L, lua_gettop(L), m, &c);
    lua_rawseti(L, anchors, (lua_Integer)luaL_len(L, anchors) + 1);
    p->checks = c.checks, p->nchecks = c.n, p->terms = c.terms, p->nterms = c.nterms;
    p->base_totals = c.base_totals;
  } else {
    lua_pop(L, 1);
  }
  lua_getfield(L, 1, "severity");
  luaL_argcheck(L, (size_t)luaL_len(L, -1) == p->nchecks, 1, "a severity for each check");
  sev = owned(L, anchors, p->nchecks + 1);
  for (i = 0; i < p->nchecks; i++) {
    lua_geti(L, -1, (lua_Integer)i + 1);
    sev[i] = (unsigned char)luaL_checkoption(L, -1, NULL, severities);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  p->severity = sev;
  lua_getfield(L, 1, "nonnegative");
  p->nonnegative = lua_toboolean(L, -1);
  lua_settop(L, anchors - 1);
  return 1;
}

/* }================================================================== */

static const luaL_Reg batch_methods[] = {{"next", l_batch_next}, {"take", l_batch_take}, {"tally", l_batch_tally},
                                         {"interrupted", l_batch_interrupted},
                                         {"done", l_batch_done}, {"close", l_batch_close}, {NULL, NULL}};

void lbind_open_batch(lua_State *L) {
  static const luaL_Reg meta[] = {{"__gc", l_batch_gc}, {NULL, NULL}};
  lbind_newclass(L, BATCH_MT, meta, batch_methods);
  lua_pushcfunction(L, l_batch_start);
  lua_setfield(L, -2, "batch_start");
  luaL_newmetatable(L, BATCH_PLAN_MT);
  lua_pushliteral(L, "budget.batch_plan");
  lua_setfield(L, -2, "__name");
  lua_pop(L, 1);
  lua_pushcfunction(L, l_batch_plan);
  lua_setfield(L, -2, "batch_plan");
}

