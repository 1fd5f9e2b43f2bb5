/*
** engine/host/script.h
** The only owner of Lua states: creation with the engine's allocator and a
** memory cap, a panic handler, and protected calls that turn a Lua failure
** into a status and a message. What the state opens is the caller's (the
** binding's opener, passed in), so this layer never includes the binding.
** See LICENSE for copyright and license.
*/
#ifndef HOST_SCRIPT_H
#define HOST_SCRIPT_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>

#include "core/mem.h"
#include "core/status.h"
#include "lua.h"

typedef struct script script;

/*
** A new Lua state: the standard libraries, then 'open' (luaopen_budget) as the
** global 'budget'. Every
** allocation goes through A (borrowed: it must outlive the state) and the state
** may hold at most 'mem_limit' bytes (0: no limit). On success the caller owns
** *out and frees it with script_free. ENOMEM, ELIMIT when the cap is too small
** for the libraries, ESCRIPT if 'open' raised (the message goes with the
** state); on failure *out is untouched and nothing is left allocated.
*/
budget_status script_new(const mem_allocator *A, size_t mem_limit, lua_CFunction open, script **out);

/* Closes the state and frees everything; NULL is a no-op. */
void script_free(script *s);

/*
** Runs body(L) in protected mode under a traceback handler, with 'ud' as a
** light userdata at index 1 and the stack otherwise empty of the caller's
** values; what body leaves above that stays for the caller to read until the
** next call on s. BUDGET_OK; ENOMEM or ELIMIT (the cap) when memory ran out;
** ESCRIPT for any other error, with the message and traceback in
** script_errmsg. On failure the stack is as it was before the call. 'ud' is
** borrowed for the call. Every failure leaves its message in script_errmsg.
*/
budget_status script_pcall(script *s, lua_CFunction body, void *ud);

/* Drops what the last script_pcall left on the stack. */
void script_settle(script *s);

/*
** Runs the text chunk code[0..len), named 'name' in messages, and writes its
** first result converted to a string into out (NUL-terminated, truncated to
** 'size'). Statuses as script_pcall's; out is untouched on failure.
*/
budget_status script_eval(script *s, const char *name, const char *code, size_t len, char *out, size_t size);

/* Keeps a pointer to the host's SIGINT flag where the binding finds it (NULL to forget it): borrowed, it must
** outlive s or be forgotten. It needs no protected call: the registry slot was made with the state, so
** this replaces a value and allocates nothing. */
void script_set_interrupt(script *s, volatile sig_atomic_t *flag);

/* Keeps a pointer to an atomic flag another thread sets to stop what runs in s (a batch's, for its
** workers: a signal handler's sig_atomic_t may not be read across threads); NULL to forget it. Borrowed:
** it must outlive s or be forgotten. Allocates nothing, like script_set_interrupt. */
void script_set_stop(script *s, const atomic_int *stop);

/* The flag of script_set_stop, or NULL. [-0, +0, -] */
const atomic_int *script_stop_flag(lua_State *L);

/* The state, borrowed and owned by s: for the C API's calls inside script_pcall. */
lua_State *script_state(script *s);

/* The message of the last failure; borrowed, valid until the next call on s. */
const char *script_errmsg(const script *s);

/* Records msg as the last failure's message (truncated to fit); for the layers above. */
void script_set_errmsg(script *s, const char *msg);

/*
** The registry keys a state's hosts leave for the binding: the allocator
** (a light userdata pointing at the mem_allocator the state was made with) and
** the SIGINT flag (a light userdata pointing at a volatile sig_atomic_t, or absent).
*/
extern const char script_alloc_key;
extern const char script_interrupt_key;
extern const char script_stop_key;

/* The allocator under script_alloc_key, or the C library's for a state without one
** (the Lua module in a stock lua5.4). [-0, +0, -] */
const mem_allocator *script_allocator(lua_State *L);

/* The SIGINT flag under script_interrupt_key, or NULL. [-0, +0, -] */
volatile sig_atomic_t *script_interrupt_flag(lua_State *L);

#endif
