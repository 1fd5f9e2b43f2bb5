/*
** engine/bind/lbind.h
** The binding's shared helpers, in the manner of lauxlib: amounts and rates
** in and out, the allocator, metatables, and the one error convention: a failed
** core status is raised as a message by lbind_fail, and returned as
** (nil, message, status) by the functions documented as not raising.
** Each l*.c file registers one part of the 'budget' module (linit.c opens it).
** See LICENSE for copyright and license.
*/
#ifndef BIND_LBIND_H
#define BIND_LBIND_H

#include "lauxlib.h"
#include "lua.h"

#include "core/model.h"
#include "core/money.h"
#include "core/scenario.h"
#include "host/script.h"

#define MONEY_MT "budget.money"
#define RATE_MT "budget.rate"
#define CORE_MT "budget.core"

/* luaopen_budget (declared in budget.h) opens the module: C functions, the engine's embedded
** Lua modules, LPeg. [-0, +1, e] */
#include "budget.h"

/* Pushes an amount as a budget.money. [-0, +1, m] */
void lbind_pushmoney(lua_State *L, money m);

/* The amount at idx: a budget.money, or a string parsed as one; raises otherwise, and for a malformed or
** out-of-range string. [-0, +0, v] */
money lbind_checkmoney(lua_State *L, int idx);

/* The rate at idx: a budget.rate, a string ('5%', '1/3') or a number as Lua prints it; raises otherwise, and
** for a malformed or out-of-range one. [-0, +0, v] */
rate lbind_checkrate(lua_State *L, int idx);

/* Registers the money and rate types and their constructors into the table on top. [-0, +0, m] */
void lbind_open_money(lua_State *L);

/* Registers the text helpers (display width) into the table on top. [-0, +0, m] */
void lbind_open_text(lua_State *L);

/* Registers budget.json into the table on top. [-0, +0, m] */
void lbind_open_json(lua_State *L);

/* Registers budget.write_file (atomic writes) into the table on top. [-0, +0, m] */
void lbind_open_file(lua_State *L);

/* Registers budget.capture (run a program without a shell, take its stdout) into the table on
** top. Only the engine's own Lua and trusted scripts reach it: the sandbox's SCRIPT_API leaves it
** out. [-0, +0, m] */
void lbind_open_spawn(lua_State *L);

/* Registers the model core type and its constructors budget.core and budget.core_borrow into the
** table on top (engine/bind/lmodel.c). [-0, +0, m] */
void lbind_open_core(lua_State *L);

/* Adds bulk loading to the core type and budget.prefetch_cells (engine/bind/lbulk.c); after
** lbind_open_core. [-0, +0, m] */
void lbind_open_bulk(lua_State *L);

/* Adds core:scenario() and the overlay and plan types, and budget.plan (engine/bind/lscenario.c);
** after lbind_open_core. [-0, +0, m] */
void lbind_open_scenario(lua_State *L);

/* The model of the core userdata at idx; raises if it is not one or is closed. Borrowed from the userdata:
** valid while it lives. [-0, +0, v] */
struct model *lbind_checkmodel(lua_State *L, int idx);

/* lbind_checkcore: the model of the core userdata at 1, for its methods; raises if it is not one or
** is closed. lbind_checkmutable: the same for a method that changes the model, which raises also once
** it is frozen (lbind_freeze) or loaded. Both borrowed from the userdata. [-0, +0, v] */
model *lbind_checkcore(lua_State *L);
model *lbind_checkmutable(lua_State *L);

/* Marks the core at idx read-only for good: a scenario or another thread reads it now. Raises if it is
** not a core. [-0, +0, v] */
void lbind_freeze(lua_State *L, int idx);

/* The integer at idx as lbind_checkdim: a dimension index of m (below model_ndims); lbind_checkset:
** a fact set index of m (below model_nfacts); lbind_checkmember: a member id of h (below hier_count).
** Each raises an argument error otherwise. [-0, +0, v] */
size_t lbind_checkdim(lua_State *L, const model *m, int idx);
size_t lbind_checkset(lua_State *L, const model *m, int idx);
hier_id lbind_checkmember(lua_State *L, const hier *h, int idx);

/* Pushes {{ids..., amount}, ...}: the cells of f below zero in scenario s (the base's, when s is
** NULL). When s is given, f must be fact set 'set' of its base. [-0, +1, m] */
void lbind_pushnegatives(lua_State *L, const facts *f, const scenario *s, size_t set);

/* Reads the key table at idx (a member id per dimension of f, or nil for all where allow_none)
** into key (facts_ndims(f) entries, caller's). Raises for a non-table or a bad member, leaving key
** part-written: the dimensions before the bad one are filled. [-0, +0, v] */
void lbind_checkkey(lua_State *L, const facts *f, int idx, hier_id *key, bool allow_none);

/* The checks of a budget.plan (rules compiled, engine/core/scenario.h) at idx, with their base totals for
** 'base': borrowed while the plan lives. Raises if idx is not a plan. [-0, +0, v] */
typedef struct lbind_checks {
  const scenario_check *checks;
  size_t n;
  const scenario_term *terms;
  size_t nterms;
  const money *base_totals;
} lbind_checks;
void lbind_checkplan(lua_State *L, int idx, const model *base, lbind_checks *out);

/* Registers budget.batch_start (batch runs on worker threads) and budget.batch_plan into the table on
** top. [-0, +0, m] */
void lbind_open_batch(lua_State *L);

/* Registers budget.clock, budget.cores and budget.isatty into the table on top (engine/bind/lsys.c). [-0, +0, m] */
void lbind_open_sys(lua_State *L);

/* C memory the binding owns (model cores, scenarios, writers) comes from guard_allocator(L)
** (engine/host/guard.h): the host's (script_allocator), so that its hooks see it, counted against
** the running guard's memory limit. */

/* Registers budget.guarded, budget.guard_charge, budget.guard_pcall, budget.guard_xpcall,
** budget.guard_setmetatable and budget.bound_libraries (engine/bind/lguard.c), and makes the
** state's guard. [-0, +0, m] */
void lbind_open_guard(lua_State *L);

/* Sets find, match, gmatch and gsub, bounded (lpattern.c), as fields of the table on top. [-0, +0, m] */
void lbind_open_patterns(lua_State *L);

/* Bounds, in place, the functions of the string table at string_idx (rep; find, match, gmatch and gsub
** by lbind_open_patterns; no dump) and of the table library at table_idx (move, insert, remove):
** each charges its work to the running guard. An index of 0 skips that table. [-0, +0, m] */
void lbind_bound_libraries(lua_State *L, int string_idx, int table_idx);

/*
** Makes the metatable 'name' (once): the metamethods in 'meta' (__gc among them), __index a
** table of 'methods' (either may be NULL), and __metatable = false, so that a script can
** neither reach nor change a type's methods. Leaves nothing on the stack. [-0, +0, m]
*/
void lbind_newclass(lua_State *L, const char *name, const luaL_Reg *meta, const luaL_Reg *methods);

/* Adds 'methods' to the __index table of the class 'name' (made by lbind_newclass with methods; raises
** otherwise). [-0, +0, e] */
void lbind_addmethods(lua_State *L, const char *name, const luaL_Reg *methods);

/* Registers budget.status, the statuses by name ({ENOTFOUND = 6, ...}): the Lua side returns a
** failure's status as one of these, for the C API to hand on as it is. [-0, +0, m] */
void lbind_open_status(lua_State *L);

/* Raises "what: <the status in words>" for a failed core status; never returns, the int is for
** 'return lbind_fail(...)'. [-0, +0, v] */
int lbind_fail(lua_State *L, const char *what, budget_status rc);

#endif
