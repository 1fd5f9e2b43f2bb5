/*
** engine/budget.h
** The budget engine's C API: load a budget model, run what-if scenario
** scripts on it, read the totals and the rules they break.
** See LICENSE for copyright and license.
**
** {==================================================================
** How to use it
** ===================================================================
**
**   #include <budget.h>     // cc app.c $(pkg-config --cflags --libs budget)
**
**   budget_engine *e;
**   budget_model *m;
**   budget_result *r;
**   if (budget_engine_new(NULL, &e) != BUDGET_OK) return 1;  // out of memory only
**   if (budget_model_load(e, "models/sast-2021.lua", &m) != BUDGET_OK) {
**     fprintf(stderr, "%s\n", budget_errmsg(e));             // 'file:line: what is wrong'
**     return 1;
**   }
**   const char *script =
**     "local s = model:scenario('科学技术支出压减5%')\n"
**     "s:cut('科学技术支出', '5%')\n";
**   if (budget_run(e, m, script, strlen(script), "cut.lua", NULL, 0, &r) != BUDGET_OK) {
**     fprintf(stderr, "%s\n", budget_errmsg(e));             // 'cut.lua:2: ...'
**   } else {
**     int64_t fen;
**     char text[BUDGET_MONEY_TEXT];
**     budget_result_total(r, 0, "科学技术支出", &fen);        // scenario 0: the first the script made
**     budget_money_format(fen, text, sizeof text);            // "65,692,327.10"
**     size_t nv = 0;
**     budget_result_violations(r, 0, &nv);                     // BUDGET_ENOMEM is possible
**     for (size_t k = 0; k < nv; k++) {
**       budget_violation v;
**       budget_result_violation(r, 0, k, &v);                 // v.severity, v.rule, v.found, ...
**     }
**     budget_result_report(r, 0, "table", stdout);            // the report 'budget run' prints
**     budget_result_free(r);
**   }
**   budget_model_free(m);
**   budget_engine_free(e);
**
** Rules of the API:
** - Every call that can fail returns a budget_status; BUDGET_OK is 0. On
**   failure the out-parameters are left alone and budget_errmsg(e) says what
**   went wrong, naming the file and line where there is one.
** - Amounts are int64_t counts of fen (0.01 元): exact, never floats.
** - Handles are opaque. Each budget_* handle belongs to the engine that made
**   it; free results before their model, models before their engine.
** - No global state: separate engines are independent and may be used from
**   separate threads at once. One engine, and everything made from it, must
**   be used by one thread at a time.
** - Scenario scripts run in a sandbox unless the engine is made trusted: no
**   io, os, require, load, debug; budget.load reads only model files under the
**   directories the options allow; a script that passes a limit (steps,
**   memory, seconds) stops with BUDGET_ELIMIT and a message naming the limit,
**   and the engine goes on.
** }================================================================== */
#ifndef BUDGET_H
#define BUDGET_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BUDGET_VERSION_MAJOR 0
#define BUDGET_VERSION_MINOR 1
#define BUDGET_VERSION_PATCH 0
#define BUDGET_VERSION "0.1.0"

/* Every fallible call returns one of these; BUDGET_OK is 0 so 'if (rc)' tests failure. */
typedef enum budget_status {
  BUDGET_OK = 0,
  BUDGET_ENOMEM,        /* an allocation failed (or the allocator refused it) */
  BUDGET_EOVERFLOW,     /* a result does not fit in int64 fen */
  BUDGET_ESYNTAX,       /* malformed text: an amount, a rate, a reference */
  BUDGET_EDIVZERO,      /* a zero denominator */
  BUDGET_EINVAL,        /* an argument outside what the call accepts */
  BUDGET_ENOTFOUND,     /* an unknown member, cell, scenario or file */
  BUDGET_EAMBIGUOUS,    /* a reference that matches more than one member */
  BUDGET_EDUPLICATE,    /* a code or cell defined twice */
  BUDGET_EGRAIN,        /* an amount that is not a whole number of grains */
  BUDGET_EZEROWEIGHTS,  /* allocation over weights that are all zero */
  BUDGET_ENOTLEAF,      /* a cell keyed by a member that has children */
  BUDGET_ESTATE,        /* the object is not in a state that allows the call */
  BUDGET_ESPACE,        /* the caller's buffer is too small */
  BUDGET_EIO,           /* a file could not be read or written */
  BUDGET_ESCRIPT,       /* a model or scenario script failed: budget_errmsg says where and why */
  BUDGET_ELIMIT         /* a script went past a limit of budget_options: budget_errmsg says which */
} budget_status;

/* A short, static English description of rc; never NULL. */
const char *budget_status_str(budget_status rc);

/* The library's version, "0.1.0": compare with BUDGET_VERSION to catch a header/library mismatch. */
const char *budget_version(void);

/* {==================================================================
** Engines
** =================================================================== */

typedef struct budget_engine budget_engine;

/* How an engine runs scripts. Zero-initialised (or NULL) means the defaults given here. */
typedef struct budget_options {
  size_t max_memory;          /* bytes the engine's Lua may hold; 0: 1 GiB */
  uint64_t max_steps;         /* Lua instructions a script may run; 0: 100,000,000 */
  double max_seconds;         /* wall-clock seconds a script may run; 0: 60 */
  const char *const *allow;   /* directories budget.load may read models under; NULL: only explicit loads */
  size_t nallow;
  int trusted;                /* nonzero: no sandbox (the analyst's own scripts) */
  /*
  ** The allocator every engine allocation goes through: its Lua state, the
  ** model's cells and members, the API's records; NULL: the C library's. It
  ** has lua_Alloc's contract: nsize == 0 frees 'ptr' (osize bytes, or NULL);
  ** otherwise it returns a block of nsize bytes that keeps the first
  ** min(osize, nsize) bytes of ptr, or NULL, leaving ptr intact. A host can
  ** cap or count memory with it, or fail an allocation on purpose: the call
  ** that needed it returns BUDGET_ENOMEM (or fails with "not enough memory")
  ** and the engine stays usable. Batch workers run on threads and use the C
  ** library's allocator.
  */
  void *(*alloc)(void *ud, void *ptr, size_t osize, size_t nsize);
  void *alloc_ud;
} budget_options;

/* A new engine with its own Lua state; opts may be NULL. ENOMEM only. The caller frees it. */
budget_status budget_engine_new(const budget_options *opts, budget_engine **out);

/* Frees the engine; its models and results must be freed first. NULL is a no-op. */
void budget_engine_free(budget_engine *e);

/* The message of the engine's last failure ("" if none); valid until the next call on e. */
const char *budget_errmsg(const budget_engine *e);

/* }================================================================== */

/* {==================================================================
** Models
** =================================================================== */

typedef struct budget_model budget_model;

/* Loads a model file (models/NAME.lua). ESCRIPT with 'file:line: ...' for a bad one, ENOTFOUND for no file. */
budget_status budget_model_load(budget_engine *e, const char *path, budget_model **out);

/* Loads a model from text; 'name' names it in messages. */
budget_status budget_model_load_string(budget_engine *e, const char *text, size_t len, const char *name,
                                       budget_model **out);

/* Frees a model; its results must be freed first. NULL is a no-op. */
void budget_model_free(budget_model *m);

/*
** The base model's total of a reference, in fen: a code ("206", "206 07 01"),
** a name ("科学技术支出"), a path ("科学技术支出/科学技术普及"); NULL for the
** grand total of the main fact set. ENOTFOUND/EAMBIGUOUS with the candidates
** in budget_errmsg.
*/
budget_status budget_model_total(budget_model *m, const char *ref, int64_t *fen);

/* How many rules of the model fail on the base model ('budget check'); the violations in a result. */
budget_status budget_model_check(budget_model *m, size_t *violations);

/* }================================================================== */

/* {==================================================================
** Running scenario scripts
** =================================================================== */

typedef struct budget_result budget_result;

/* A parameter the script reads as params[name] (a string). */
typedef struct budget_param {
  const char *name;
  const char *value;
} budget_param;

/*
** Runs a scenario script (Lua text, 'name' in messages) on the model, which
** the script finds in the global 'model' (and params[...] with the
** parameters). Every scenario the script makes (model:scenario(name)) is in
** the result, in the order made. ESCRIPT: the script failed ('name:line: ...'
** in budget_errmsg); ELIMIT: it passed a limit (the message names it).
*/
budget_status budget_run(budget_engine *e, budget_model *m, const char *script, size_t len, const char *name,
                         const budget_param *params, size_t nparams, budget_result **out);

/* Like budget_run, with the script read from a file. */
budget_status budget_run_file(budget_engine *e, budget_model *m, const char *path, const budget_param *params,
                              size_t nparams, budget_result **out);

/* Frees a result; NULL is a no-op. */
void budget_result_free(budget_result *r);

/* How many scenarios the script made. */
size_t budget_result_scenarios(const budget_result *r);

/* The name of scenario i (0-based); borrowed, valid until budget_result_free. NULL if there is no i. */
const char *budget_result_name(const budget_result *r, size_t i);

/* Scenario i's total of a reference (as budget_model_total), in fen. */
budget_status budget_result_total(budget_result *r, size_t i, const char *ref, int64_t *fen);

/* A rule a scenario breaks. Strings are borrowed, valid until budget_result_free. */
typedef struct budget_violation {
  const char *rule;       /* the rule's name: "三公经费不增长" */
  const char *severity;   /* "error", "warning" or "info" */
  const char *members;    /* what it is about: "三公经费" */
  const char *message;    /* why, with the figures: "三公经费 790,700.00 is more than the base's 770,700.00 by 20,000.00: it must not grow" */
  int64_t found, expected, difference;  /* fen; difference = found - expected */
} budget_violation;

/*
** How many rules scenario i breaks (identities and policy; the document's own figures judge the
** base only) into *count. ENOTFOUND if there is no scenario i, ENOMEM if the list could not be
** copied out (then *count is untouched, and a later call tries again).
*/
budget_status budget_result_violations(const budget_result *r, size_t i, size_t *count);

/* Violation k (0-based, errors first as 'budget run' lists them) of scenario i into *v. */
budget_status budget_result_violation(const budget_result *r, size_t i, size_t k, budget_violation *v);

/*
** Writes scenario i's report (the totals, the changed cells, the steps, the
** violations) in "table", "csv", "json", "md" or "html" (a self-contained page) to f.
*/
budget_status budget_result_report(budget_result *r, size_t i, const char *format, FILE *f);

/* Like budget_result_report, into a new buffer *text of *len bytes (NUL after them); free it with budget_free. */
budget_status budget_result_report_text(budget_result *r, size_t i, const char *format, char **text, size_t *len);

/* Frees memory the API handed to the caller (report texts); NULL is a no-op. */
void budget_free(void *p);

/* }================================================================== */

/* {==================================================================
** Amounts
** =================================================================== */

/* Room enough for any amount as text. */
#define BUDGET_MONEY_TEXT 48

/* Writes fen as '65,692,327.10' into buf; ESPACE if size is too small. */
budget_status budget_money_format(int64_t fen, char *buf, size_t size);

/* Parses '1,234.56', '52.50万元', '10万', '1.2亿' into fen; ESYNTAX or EOVERFLOW for a bad one. */
budget_status budget_money_parse(const char *text, int64_t *fen);

/* }================================================================== */

/* {==================================================================
** The command line
** =================================================================== */

/*
** Runs a 'budget' command line in e (argv[0] is the program's name, as in
** main): what the budget command does, printing to stdout and stderr.
** Returns the command's exit status: 0 done, 1 violations of severity error,
** 2 bad input or usage, 130 a batch interrupted.
*/
int budget_command(budget_engine *e, int argc, char **argv);

/*
** Gives e the flag a host's SIGINT handler sets: a running batch stops when
** it becomes nonzero, keeping the rows written so far whole. NULL forgets it.
*/
void budget_engine_interrupt_on(budget_engine *e, volatile sig_atomic_t *flag);

/* }================================================================== */

/* The Lua module's opener: require "budget" from a stock lua5.4 finds it in budget.so. */
struct lua_State;
int luaopen_budget(struct lua_State *L);

#ifdef __cplusplus
}
#endif

#endif
