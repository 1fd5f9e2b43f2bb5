/*
** engine/host/guard.c
** One budget a run (guard.h): a count hook for Lua instructions, guard_charge
** for C work, and an accounting allocator wrapped around the state's for the
** run's length. Once a limit is passed the run is dead: the hook fires on every
** instruction and raises again, and the guarded pcall re-raises, until
** guard_run returns.
** See LICENSE for copyright and license.
*/
#define _POSIX_C_SOURCE 200809L  /* clock_gettime */

#include "guard.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lauxlib.h"
#include "script.h"

enum {
  HOOK_EVERY = 1000,        /* instructions between two calls of the hook */
  CLOCK_EVERY = 4096,       /* units of C work between two looks at the clock */
  KILL_SLACK = 1 << 16,     /* bytes a dead run may still take to raise its message */
  NAME_SIZE = 512,
};

/* Whose a limit is: the run that set it names itself in the message when it fires. */
typedef struct owner {
  char name[NAME_SIZE];  /* the file the message names */
  char what[16];         /* "script", "model", ... */
  bool hints;            /* say which option raises the limit */
} owner;

/* The limits in force: the tightest of the runs in progress, as absolute caps, with what to say. */
typedef struct frame {
  int64_t step_cap, step_figure;  /* the step count that must not be passed, and the limit as given */
  double deadline, seconds_figure;
  int64_t mem_cap, mem_figure;    /* the 'used' that must not be passed, and the limit as given */
  owner steps, seconds, memory;   /* whose each limit is */
  const char *name, *what;        /* the innermost run's file and kind, borrowed: where error messages point */
} frame;

typedef struct guard {
  int depth;                /* guard_run calls in progress; the outermost owns the budget */
  bool killed;              /* a limit was passed: raise until the run ends */
  int64_t steps;            /* charged since the outermost run began */
  int64_t next_clock;       /* the step count at which guard_charge looks at the clock */
  int64_t used;             /* bytes held beyond the outermost run's start (frees of older blocks make it negative) */
  frame f;
  lua_Alloc inner;          /* the state's allocator, wrapped during the run */
  void *inner_ud;
  mem_allocator counted;    /* guard_allocator's: 'base' with the run's accounting */
  const mem_allocator *base;
  lua_Hook old_hook;        /* what the thread had before the run */
  int old_mask, old_count;
  char msg[NAME_SIZE + 256];
} guard;

static const char guard_key = 'g';

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The state's guard, or NULL before guard_open. [-0, +0, -] */
static guard *find(lua_State *L) {
  guard *g;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &guard_key);
  g = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return g;
}

/* Would 'more' bytes pass the memory cap? If so the run is dead, with the message said now (an
** allocator cannot raise; the caller fails the allocation and Lua raises "not enough memory"). */
static bool over_memory(guard *g, size_t more) {
  int64_t cap = g->f.mem_cap;
  if (cap == INT64_MAX) return false;
  if (g->killed) cap += KILL_SLACK;  /* room to raise the message */
  if (more <= (size_t)INT64_MAX && (int64_t)more <= cap - g->used) return false;
  if (!g->killed) {  /* no line: which allocation breaks the limit depends on the collector's pace */
    g->killed = true;
    snprintf(g->msg, sizeof g->msg, "%s: the %s ran past its limit of %" PRId64 " bytes of memory%s", g->f.memory.name,
             g->f.memory.what, g->f.mem_figure, g->f.memory.hints ? "; raise it with --max-memory" : "");
  }
  return true;
}

/* lua_Alloc during a run: the state's allocator, counting every block against the run's memory. */
static void *run_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  guard *g = ud;
  void *p;
  if (ptr == NULL) osize = 0;  /* for a new block Lua passes the object's type here */
  if (nsize > osize && over_memory(g, nsize - osize)) return NULL;  /* Lua raises; guard_run says which limit */
  p = g->inner(g->inner_ud, ptr, osize, nsize);
  if (p != NULL || nsize == 0) g->used += (int64_t)nsize - (int64_t)osize;
  return p;
}

/* mem_fn of guard_allocator: the same accounting for the binding's C objects, only during a run. */
static void *counted_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  guard *g = ud;
  void *p;
  if (ptr == NULL) osize = 0;
  if (g->depth > 0 && nsize > osize && over_memory(g, nsize - osize)) return NULL;
  p = g->base->fn(g->base->ud, ptr, osize, nsize);
  if (g->depth > 0 && (p != NULL || nsize == 0)) g->used += (int64_t)nsize - (int64_t)osize;
  return p;
}

void guard_open(lua_State *L) {
  guard *g = find(L);
  if (g != NULL) return;
  g = lua_newuserdatauv(L, sizeof *g, 0);
  memset(g, 0, sizeof *g);
  g->base = script_allocator(L);
  g->counted.fn = counted_alloc;
  g->counted.ud = g;
  lua_rawsetp(L, LUA_REGISTRYINDEX, &guard_key);
}

/* The line of the innermost frame that runs the named file, or 0. */
static int file_line(lua_State *L, const char *name) {
  lua_Debug ar;
  int level;
  for (level = 0; level < 1000 && lua_getstack(L, level, &ar); level++) {
    if (!lua_getinfo(L, "Sl", &ar)) continue;
    if ((ar.source[0] == '=' || ar.source[0] == '@') && strcmp(ar.source + 1, name) == 0 && ar.currentline > 0)
      return ar.currentline;
  }
  return 0;
}

static void hook(lua_State *L, lua_Debug *ar);

/* Marks the run dead with the message for 'why', the limit of 'o' (when it is not dead already), and raises it. */
static _Noreturn void die(lua_State *L, guard *g, const owner *o, const char *why) {
  if (!g->killed) {
    int line = file_line(L, o->name);
    g->killed = true;
    if (line > 0)
      snprintf(g->msg, sizeof g->msg, "%s:%d: %s", o->name, line, why);
    else
      snprintf(g->msg, sizeof g->msg, "%s: %s", o->name, why);
  }
  lua_sethook(L, hook, LUA_MASKCOUNT, 1);  /* from now on every instruction raises */
  lua_pushstring(L, g->msg);
  lua_error(L);
  abort();  /* not reached: lua_error does not return */
}

/* Checks the step count, the clock and the interrupt flag; raises the run's limit error. */
static void check(lua_State *L, guard *g) {
  char why[256];
  volatile sig_atomic_t *interrupt;
  const atomic_int *stop;
  const frame *f = &g->f;
  if (g->killed) die(L, g, NULL, NULL);
  if (g->steps > f->step_cap) {
    snprintf(why, sizeof why, "the %s ran past its limit of %" PRId64 " steps (Lua instructions)%s", f->steps.what,
             f->step_figure, f->steps.hints ? "; raise it with --max-steps" : "");
    die(L, g, &f->steps, why);
  }
  if (f->deadline > 0 && now() > f->deadline) {
    snprintf(why, sizeof why, "the %s ran past its limit of %g seconds%s", f->seconds.what, f->seconds_figure,
             f->seconds.hints ? "; raise it with --max-seconds" : "");
    die(L, g, &f->seconds, why);
  }
  interrupt = script_interrupt_flag(L);
  stop = script_stop_flag(L);
  if ((interrupt != NULL && *interrupt) || (stop != NULL && atomic_load_explicit(stop, memory_order_relaxed)))
    die(L, g, &f->steps, "interrupted");
}

static void hook(lua_State *L, lua_Debug *ar) {
  guard *g = find(L);
  (void)ar;
  if (g == NULL || g->depth == 0) return;
  if (!g->killed) g->steps += HOOK_EVERY;
  check(L, g);
}

void guard_charge(lua_State *L, size_t steps) {
  guard *g = find(L);
  if (g == NULL || g->depth == 0) return;
  g->steps += steps > INT64_MAX / 2 ? INT64_MAX / 2 : (int64_t)steps;
  if (g->killed || g->steps >= g->next_clock || g->steps > g->f.step_cap) {
    g->next_clock = g->steps + CLOCK_EVERY;
    check(L, g);
  }
}

void guard_reserve(lua_State *L, size_t bytes) {
  guard *g = find(L);
  if (g == NULL || g->depth == 0) return;
  if (over_memory(g, bytes)) die(L, g, NULL, NULL);
}

int guard_active(lua_State *L) {
  guard *g = find(L);
  return g != NULL && g->depth > 0;
}

const mem_allocator *guard_allocator(lua_State *L) {
  guard *g = find(L);
  return g != NULL ? &g->counted : script_allocator(L);
}

/* The frame of a run under 'lim' inside 'outer': the tighter of the two, each limit counted from now. */
static void own(owner *o, const guard_limits *lim, const char *name) {
  snprintf(o->name, sizeof o->name, "%s", name);
  snprintf(o->what, sizeof o->what, "%s", lim->what ? lim->what : "script");
  o->hints = lim->hints;
}

static void tighten(const guard *g, frame *f, const guard_limits *lim, const char *name) {
  bool outer = g->depth == 0;
  if (lim->max_steps > 0) {
    int64_t cap = g->steps > INT64_MAX - lim->max_steps ? INT64_MAX : g->steps + lim->max_steps;
    if (cap < f->step_cap) f->step_cap = cap, f->step_figure = lim->max_steps, own(&f->steps, lim, name);
  }
  if (lim->max_seconds > 0) {
    double deadline = now() + lim->max_seconds;
    if (f->deadline <= 0 || deadline < f->deadline)
      f->deadline = deadline, f->seconds_figure = lim->max_seconds, own(&f->seconds, lim, name);
  }
  if (lim->max_memory > 0) {
    int64_t cap = g->used > INT64_MAX - lim->max_memory ? INT64_MAX : g->used + lim->max_memory;
    if (cap < f->mem_cap) f->mem_cap = cap, f->mem_figure = lim->max_memory, own(&f->memory, lim, name);
  }
  if (outer) {  /* a limit no run set is still someone's, for the interrupt's message */
    if (f->step_cap == INT64_MAX) own(&f->steps, lim, name);
    if (f->deadline <= 0) own(&f->seconds, lim, name);
    if (f->mem_cap == INT64_MAX) own(&f->memory, lim, name);
  }
  f->name = name;
  f->what = lim->what ? lim->what : "script";
}

/* Starts the outermost run on L. */
static void begin(lua_State *L, guard *g) {
  g->killed = false;
  g->steps = 0;
  g->next_clock = CLOCK_EVERY;
  g->used = 0;
  g->f.step_cap = INT64_MAX;
  g->f.deadline = 0;
  g->f.mem_cap = INT64_MAX;
  g->old_hook = lua_gethook(L);
  g->old_mask = lua_gethookmask(L);
  g->old_count = lua_gethookcount(L);
  lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_EVERY);
  g->inner = lua_getallocf(L, &g->inner_ud);
  lua_setallocf(L, run_alloc, g);
}

static void end(lua_State *L, guard *g) {
  lua_setallocf(L, g->inner, g->inner_ud);
  lua_sethook(L, g->old_hook, g->old_mask, g->old_count);
}

/* The message of a failed run, as a string made without the script's metamethods. [-1, +1, m] */
static void message(lua_State *L, guard *g, int status) {
  if (g->killed) {
    lua_pop(L, 1);
    lua_pushstring(L, g->msg);
  } else if (lua_isstring(L, -1)) {
    lua_tostring(L, -1);  /* a number becomes its text in place */
  } else {  /* a table's __tostring is not run: it would be the script's code, outside its limits */
    const char *type = luaL_typename(L, -1);
    lua_pop(L, 1);
    if (status == LUA_ERRMEM)
      lua_pushstring(L, "not enough memory");
    else
      lua_pushfstring(L, "%s: the %s raised an error object that is a %s, not a message", g->f.name, g->f.what, type);
  }
}

/* Does 'm' start with a position, "file:line: "? */
static const char *after_position(const char *m) {
  const char *p = m;
  while (*p && *p != ':' && *p != '\n') p++;
  if (p == m || *p != ':' || p[1] < '0' || p[1] > '9') return NULL;
  for (p++; *p >= '0' && *p <= '9'; p++) {}
  return p[0] == ':' && p[1] == ' ' ? p + 2 : NULL;
}

/*
** The run's message handler, while the stack is still there: the message of a dead run; else a
** message that names no place, or a place in the engine's own code (engine/...), named instead
** by the line of the run's file that was running. [-0, +1, m]
*/
static int msgh(lua_State *L) {
  guard *g = find(L);
  const char *m = lua_tostring(L, 1), *rest;
  size_t n;
  int line;
  if (g != NULL && g->killed) {
    lua_pushstring(L, g->msg);
    return 1;
  }
  if (g == NULL || m == NULL || lua_type(L, 1) != LUA_TSTRING) return 1;
  n = strlen(g->f.name);
  if (strncmp(m, g->f.name, n) == 0 && m[n] == ':') return 1;
  rest = after_position(m);
  if (rest != NULL && strncmp(m, "engine/", 7) != 0) return 1;  /* a place in another file: a model's, say */
  if (rest == NULL) rest = m;
  line = file_line(L, g->f.name);
  if (line > 0)
    lua_pushfstring(L, "%s:%d: %s", g->f.name, line, rest);
  else if (rest != m)
    lua_pushfstring(L, "%s: %s", g->f.name, rest);
  else
    lua_pushvalue(L, 1);
  return 1;
}

int guard_run(lua_State *L, const guard_limits *lim, const char *name, int nargs) {
  guard *g;
  frame saved;
  int base = lua_gettop(L) - nargs - 1, status;
  bool outer;
  guard_open(L);
  g = find(L);
  outer = g->depth == 0;
  if (outer) begin(L, g);
  saved = g->f;
  tighten(g, &g->f, lim, name);
  lua_pushcfunction(L, msgh);
  lua_insert(L, base + 1);
  g->depth++;
  status = lua_pcall(L, nargs, LUA_MULTRET, base + 1);
  g->depth--;
  lua_remove(L, base + 1);
  if (status == LUA_OK) {
    g->f = saved;
    if (outer) end(L, g);
    lua_pushboolean(L, 1);
    lua_insert(L, base + 1);
    return lua_gettop(L) - base;
  }
  if (!outer && g->killed) {  /* an inner run cannot end a dead one: the outer run's caller hears of it */
    lua_pushstring(L, g->msg);
    lua_error(L);
  }
  message(L, g, status);
  g->f = saved;
  if (outer) end(L, g);
  lua_pushboolean(L, 0);
  lua_insert(L, -2);
  lua_pushstring(L, g->killed ? "limit" : "script");
  if (outer) g->killed = false;
  return 3;
}

/* Raises the run's message again if the run is dead. */
static void reraise_if_dead(lua_State *L) {
  guard *g = find(L);
  if (g != NULL && g->depth > 0 && g->killed) die(L, g, NULL, NULL);
}

int guard_pcall(lua_State *L) {
  int status;
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);  /* the first result if there is no error */
  lua_insert(L, 1);
  status = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
  if (status != LUA_OK) {
    reraise_if_dead(L);
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L);
}

int guard_xpcall(lua_State *L) {
  int n = lua_gettop(L), status;
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushboolean(L, 1);
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 2);  /* true, f above the handler: f, h, true, f, args... */
  status = lua_pcall(L, n - 2, LUA_MULTRET, 0);
  if (status == LUA_OK) return lua_gettop(L) - 2;
  reraise_if_dead(L);
  /* the handler sees the error after the unwinding, as a plain call under the run's limits */
  lua_pushvalue(L, 2);
  lua_insert(L, -2);
  status = lua_pcall(L, 1, 1, 0);
  if (status != LUA_OK) reraise_if_dead(L);
  lua_pushboolean(L, 0);
  lua_insert(L, -2);
  return 2;
}
