/*
** engine/lbudget.h
** The 'budget' Lua module: its opener and the helpers its binding files share.
** See LICENSE for copyright and license.
*/
#ifndef LBUDGET_H
#define LBUDGET_H

#include "lua.h"

#include "money.h"

#define MONEY_MT "budget.money"
#define RATE_MT "budget.rate"
#define CORE_MT "budget.core"

/* luaopen_budget (declared in budget.h) opens the module: C functions, the engine's embedded
** Lua modules, LPeg. [-0, +1, e] */
#include "budget.h"

/* Pushes an amount as a budget.money. [-0, +1, m] */
void lbudget_pushmoney(lua_State *L, money m);

/* The amount at idx: a budget.money, or a string parsed as one; raises otherwise. [-0, +0, v] */
money lbudget_checkmoney(lua_State *L, int idx);

/* The rate at idx: a budget.rate, a string ('5%', '1/3') or a number as Lua prints it. [-0, +0, v] */
rate lbudget_checkrate(lua_State *L, int idx);

/* Registers the money and rate types and their constructors into the table on top. [-0, +0, m] */
void lbudget_open_money(lua_State *L);

/* Registers the text helpers (display width) into the table on top. [-0, +0, m] */
void lbudget_open_text(lua_State *L);

/* Registers budget.json into the table on top. [-0, +0, m] */
void lbudget_open_json(lua_State *L);

/* Registers budget.write_file (atomic writes) into the table on top. [-0, +0, m] */
void lbudget_open_file(lua_State *L);

/* Registers budget.capture (run a program without a shell, take its stdout) into the table on
** top. Only the engine's own Lua and trusted scripts reach it: the sandbox's SCRIPT_API leaves it
** out. [-0, +0, m] */
void lbudget_open_spawn(lua_State *L);

/* Registers the model core constructor into the table on top. [-0, +0, m] */
void lbudget_open_core(lua_State *L);

/* The model of the core userdata at idx; raises if it is not one. [-0, +0, v] */
struct model *lbudget_checkmodel(lua_State *L, int idx);

/* Registers budget.batch_start (batch runs on worker threads) into the table on top. [-0, +0, m] */
void lbudget_open_batch(lua_State *L);

/* Registers budget.clock and budget.isatty into the table on top. [-0, +0, m] */
void lbudget_open_sys(lua_State *L);

/*
** The registry key of the engine's allocator hooks (a light userdata pointing at a
** mem_allocator that outlives the state), which script.c sets; C memory the bindings
** own (model cores, scenarios, writers) comes from there, so that a host's hooks see it.
*/
extern const char lbudget_alloc_key;

/* The allocator under lbudget_alloc_key, or the C library's for a state without one
** (the Lua module in a stock lua5.4). [-0, +0, -] */
const mem_allocator *lbudget_allocator(lua_State *L);

/*
** The registry key under which a host may keep a pointer to a volatile
** sig_atomic_t that its SIGINT handler sets; batch runs stop when it is set.
*/
extern const char lbudget_interrupt_key;

#endif
