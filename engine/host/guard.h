/*
** engine/host/guard.h
** The limits of one run: a budget of steps, seconds and bytes that a script,
** everything it calls back (handlers, metamethods, loads) and every C
** function working on its behalf draw from. Lua instructions are charged by a
** count hook, C work by guard_charge, memory by an accounting allocator that
** the Lua state and the binding's C allocations share. A limit, once passed,
** kills the run: the error goes on being raised until guard_run returns, so a
** script cannot catch it (pcall and xpcall in a guarded run re-raise it).
** One guard per Lua state, kept in its registry; it works for any state, the
** engine's own and a stock interpreter's that loaded the module.
** See LICENSE for copyright and license.
*/
#ifndef HOST_GUARD_H
#define HOST_GUARD_H

#include <stddef.h>
#include <stdint.h>

#include "core/mem.h"
#include "lua.h"

typedef struct guard_limits {
  int64_t max_steps;    /* Lua instructions, and units of C work (guard_charge); <= 0: no limit */
  double max_seconds;   /* wall-clock, from the start of the run; <= 0: no limit */
  int64_t max_memory;   /* bytes the run may hold beyond what the state held when it began; <= 0: no limit */
  const char *what;     /* what the messages say ran past its limit: "script" (NULL) or "model" */
  int hints;            /* the messages say which option raises the limit (--max-steps, ...) */
} guard_limits;

/*
** Runs the function at stack index -(nargs + 1) with the nargs values above
** it under 'limits', with 'name' (borrowed for the call) as the file the
** limit messages name. Nested calls share the outer run's budget: an inner
** run cannot raise it. On return the function and its arguments are replaced
** by: true and the function's results; or false, the message (a string, made
** without calling any of the script's metamethods) and what stopped it,
** "limit" (steps, seconds, memory or an interrupt) or "script" (an error).
** Returns the number of values pushed. [-(nargs + 1), +(1 + nresults | 3), m]
*/
int guard_run(lua_State *L, const guard_limits *limits, const char *name, int nargs);

/*
** Charges 'steps' units of work done in C on a run's behalf; raises the run's
** limit error (it does not return) once a limit is passed, and checks the
** clock and the interrupt flag every few thousand units. Outside a run it
** costs one branch. [-0, +0, e]
*/
void guard_charge(lua_State *L, size_t steps);

/*
** Checks that 'bytes' more could be allocated within the run's memory limit,
** and raises the limit error if not: for C functions that would otherwise find
** out only after the work (string.rep). [-0, +0, e]
*/
void guard_reserve(lua_State *L, size_t bytes);

/* Is a guarded run going on in this state? [-0, +0, -] */
int guard_active(lua_State *L);

/*
** The allocator the binding gives the C objects it makes for a script
** (overlays, JSON text): the state's own (script_allocator), with every block
** counted against the running guard's memory limit. Valid as long as the state.
** [-0, +0, m]
*/
const mem_allocator *guard_allocator(lua_State *L);

/*
** pcall and xpcall for scripts in a guarded run: as Lua's, but a limit error
** is raised on instead of returned, and xpcall's handler runs after the stack
** is unwound, under the run's limits (Lua runs it with the hook off). [-?, +?, e]
*/
int guard_pcall(lua_State *L);
int guard_xpcall(lua_State *L);

/* Makes L's guard now, so that a later guard_run or guard_charge allocates no registry slot. [-0, +0, m] */
void guard_open(lua_State *L);

#endif
