/*
** engine/script.h
** The only owner of Lua states: creation with the engine's allocator and a
** memory cap, LPeg preloaded, protected execution of chunks.
** See LICENSE for copyright and license.
*/
#ifndef SCRIPT_H
#define SCRIPT_H

#include <signal.h>
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

/*
** Makes s a batch worker: require('budget.batch').worker(script, model, core,
** names, format), which loads the scenario script and the model (over 'core', a
** shared model the caller keeps alive) once, and keeps the function that runs
** one point. ESCRIPT with the message on failure.
*/
budget_status script_worker_init(script *s, const char *script_path, const char *model_path, void *core,
                                 const char *const *names, size_t nnames, const char *format);

/* Keeps a pointer to the host's SIGINT flag where the batch binding finds it (NULL to forget it). */
void script_set_interrupt(script *s, volatile sig_atomic_t *flag);

/*
** Runs one point: the worker function with the point's number and its
** parameter values. *rows and *header get copies made with the state's
** allocator (the caller frees them with mem_free(A, p, len + 1, 1)); *flags
** gets the worker's flags (1: the point failed; 2: error-severity violations).
*/
budget_status script_worker_run(script *s, size_t point, const char *const *values, size_t nvalues, char **rows,
                                size_t *rows_len, char **header, size_t *header_len, int *flags);

/* The state, for the binding layer (engine/l*.c) that drives it; owned by s. */
struct lua_State *script_state(script *s);

/* The message of the last failure; borrowed, valid until the next call on s. */
const char *script_errmsg(const script *s);

#endif
