/*
** engine/bind/lsys.c
** The little the commands need from the system: a monotonic clock (progress
** lines, never money), the number of processors, whether a descriptor is a terminal.
** See LICENSE for copyright and license.
*/
#define _POSIX_C_SOURCE 200809L  /* clock_gettime, isatty */

#include "lbind.h"

#include <time.h>
#include <unistd.h>

/* budget.clock(): seconds on a monotonic clock, as a float (for progress, never for money). [-0, +1, -] */
static int l_clock(lua_State *L) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec / 1e9);
  return 1;
}

/* budget.cores(): the processors online, the default number of batch workers. [-0, +1, -] */
static int l_cores(lua_State *L) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  lua_pushinteger(L, n > 0 ? n : 1);
  return 1;
}

/* budget.isatty(fd): is the file descriptor a terminal? [-0, +1, -] */
static int l_isatty(lua_State *L) {
  lua_pushboolean(L, isatty((int)luaL_checkinteger(L, 1)));
  return 1;
}

void lbind_open_sys(lua_State *L) {
  lua_pushcfunction(L, l_clock);
  lua_setfield(L, -2, "clock");
  lua_pushcfunction(L, l_isatty);
  lua_setfield(L, -2, "isatty");
  lua_pushcfunction(L, l_cores);
  lua_setfield(L, -2, "cores");
}
