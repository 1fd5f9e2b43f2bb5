/*
** engine/lfile.c
** budget.write_file(path, text): every file the engine writes goes through a
** temporary file beside it, fsync and rename, so a reader finds the old file
** or the whole new one, never a part.
** See LICENSE for copyright and license.
*/
#define _POSIX_C_SOURCE 200809L  /* mkstemp, fsync */

#include "lbudget.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lauxlib.h"

/* Writes all of buf to fd; false with errno set on failure. */
static int write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return 0;
    }
    buf += n;
    len -= (size_t)n;
  }
  return 1;
}

/* budget.write_file(path, text) → true | nil, message [-0, +1|2, m] */
static int l_write_file(lua_State *L) {
  size_t plen, len;
  const char *path = luaL_checklstring(L, 1, &plen);
  const char *text = luaL_checklstring(L, 2, &len);
  char *tmp;
  int fd, saved;
  tmp = lua_newuserdatauv(L, plen + sizeof ".XXXXXX", 0);  /* the GC frees it, even if we raise */
  memcpy(tmp, path, plen);
  memcpy(tmp + plen, ".XXXXXX", sizeof ".XXXXXX");
  fd = mkstemp(tmp);
  if (fd < 0) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s: cannot create a temporary file beside it: %s", path, strerror(errno));
    return 2;
  }
  if (!write_all(fd, text, len) || fsync(fd) != 0) {
    saved = errno;
    close(fd);
    unlink(tmp);
    lua_pushnil(L);
    lua_pushfstring(L, "%s: cannot write: %s", path, strerror(saved));
    return 2;
  }
  if (close(fd) != 0 || rename(tmp, path) != 0) {
    saved = errno;
    unlink(tmp);
    lua_pushnil(L);
    lua_pushfstring(L, "%s: cannot write: %s", path, strerror(saved));
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

void lbudget_open_file(lua_State *L) {
  lua_pushcfunction(L, l_write_file);
  lua_setfield(L, -2, "write_file");
}
