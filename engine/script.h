/*
** engine/script.h
** The only owner of Lua states: creation with the engine's allocator and a
** memory cap, LPeg preloaded, protected execution of chunks.
** See LICENSE for copyright and license.
*/
#ifndef SCRIPT_H
#define SCRIPT_H

#include <stddef.h>

#include "mem.h"
#include "status.h"

typedef struct script script;

/*
** A new Lua state for the engine's own (trusted) Lua code: the standard
** libraries, the 'budget' module as a global, and LPeg linked in and
** preloaded so that 'require "lpeg"' works with no Lua files installed. Every allocation goes through A and the state
** may hold at most 'mem_limit' bytes (0: no limit). The caller owns the result.
*/
budget_status script_new(const mem_allocator *A, size_t mem_limit, script **out);

/* Closes the state and frees everything; NULL is a no-op. */
void script_free(script *s);

/*
** Runs the text chunk code[0..len), named 'name' in messages, and writes its
** first result converted to a string into out (NUL-terminated, truncated to
** 'size'). ESCRIPT with the Lua message and traceback in script_errmsg;
** ELIMIT when the memory cap stopped it.
*/
budget_status script_eval(script *s, const char *name, const char *code, size_t len, char *out, size_t size);

/*
** Runs the command line: require('budget.cli').main{argv[1], ...}, which
** prints its own output and returns the exit status into *exit_status.
** ESCRIPT (message in script_errmsg) only for a failure the CLI did not catch.
*/
budget_status script_cli(script *s, int argc, char **argv, int *exit_status);

/* The message of the last failure; borrowed, valid until the next call on s. */
const char *script_errmsg(const script *s);

#endif
