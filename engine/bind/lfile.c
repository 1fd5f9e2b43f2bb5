/*
** engine/bind/lfile.c
** budget.write_file(path, text): every file the engine writes goes through a
** temporary file beside it, fsync and rename, so a reader finds the old file
** or the whole new one, never a part.
** See LICENSE for copyright and license.
*/
#define _XOPEN_SOURCE 700  /* mkstemp, fsync, realpath */

#include "lbind.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lauxlib.h"

/* The temporary file beside 'path' is 'path.tmp.PID.XXXXXX': the PID says whose it is, so that a run
** can tell the temporaries of a run that died (kill -9, a crash) from those of one still writing. */
#define TEMP_ROOM sizeof ".tmp.18446744073709551615.XXXXXX"

/* Writes the template for 'path' (plen bytes) into tmp, which has plen + TEMP_ROOM bytes. */
static void temp_template(char *tmp, const char *path, size_t plen) {
  memcpy(tmp, path, plen);
  snprintf(tmp + plen, TEMP_ROOM, ".tmp.%ld.XXXXXX", (long)getpid());
}

/*
** Removes the temporaries that runs now dead left beside 'path': 'path.tmp.PID.XXXXXX' whose PID
** is no process. A live process's are left alone (PIDs are reused: then one is kept, never one
** lost). Best effort: a directory that cannot be read is left as it is.
*/
static void sweep_stale(const char *path, size_t plen) {
  char dir[4096];
  const char *slash = memchr(path, '/', plen) ? strrchr(path, '/') : NULL;
  const char *base = slash ? slash + 1 : path;
  size_t blen = plen - (size_t)(base - path);
  DIR *d;
  struct dirent *e;
  if (slash != NULL && (size_t)(slash - path) + 1 >= sizeof dir) return;
  if (slash == NULL) snprintf(dir, sizeof dir, ".");
  else if (slash == path) snprintf(dir, sizeof dir, "/");
  else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  if ((d = opendir(dir)) == NULL) return;
  while ((e = readdir(d)) != NULL) {
    const char *n = e->d_name, *p;
    char *end;
    long pid;
    if (strncmp(n, base, blen) != 0 || strncmp(n + blen, ".tmp.", 5) != 0) continue;
    p = n + blen + 5;
    if (*p < '0' || *p > '9') continue;
    errno = 0;
    pid = strtol(p, &end, 10);
    if (errno || *end != '.' || strlen(end + 1) != 6 || pid <= 0) continue;
    if (kill((pid_t)pid, 0) == -1 && errno == ESRCH) (void)unlinkat(dirfd(d), n, 0);
  }
  closedir(d);
}

/*
** A temporary file from the template 'tmp' (ending in XXXXXX), as open(2) would make the file
** itself: mkstemp gives 0600, but a report is for whoever the umask lets read it. The umask is
** read by setting it and back; the engine creates no file on another thread meanwhile.
*/
static int make_temp(char *tmp) {
  int fd = mkstemp(tmp);
  if (fd >= 0) {
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, (mode_t)0666 & ~mask);
  }
  return fd;
}

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

/*
** Makes a rename into path[0..plen) durable: fsync of the directory that holds
** it, so that a crash after we report success cannot bring the old file back.
** A file system that cannot sync a directory (EINVAL) has nothing to make
** durable there. False with errno set on failure. [-0, +0, m]
*/
static int sync_dir(lua_State *L, const char *path, size_t plen) {
  char *dir = lua_newuserdatauv(L, plen + 2, 0);
  size_t n = plen;
  int fd, ok;
  while (n > 0 && path[n - 1] != '/') n--;
  if (n == 0) {
    dir[0] = '.', dir[1] = '\0';
  } else {
    memcpy(dir, path, n);  /* keeps the '/': "/" stays the root */
    dir[n] = '\0';
  }
  fd = open(dir, O_RDONLY);
  lua_pop(L, 1);  /* 'dir' is not used again, and the GC may collect it only after this */
  if (fd < 0) return 0;
  ok = fsync(fd) == 0 || errno == EINVAL;
  if (!ok) {
    int saved = errno;
    close(fd);
    errno = saved;
    return 0;
  }
  close(fd);
  return 1;
}

/*
** Makes the written temporary file 'tmp' the file 'path': fsync, close, rename, then sync the
** directory so the rename outlives a crash. Closes fd in every case; NULL when done, else what
** failed, with errno saying why (the temporary file removed unless the rename happened).
*/
static const char *finish(lua_State *L, int fd, const char *tmp, const char *path, size_t plen) {
  int ok = fsync(fd) == 0, saved = errno;
  if (close(fd) != 0 && ok) ok = 0, saved = errno;
  if (ok && rename(tmp, path) != 0) ok = 0, saved = errno;
  if (!ok) {
    unlink(tmp);
    errno = saved;
    return "cannot write";
  }
  if (!sync_dir(L, path, plen)) return "cannot sync its directory";
  return NULL;
}

/* budget.write_file(path, text) → true | nil, message [-0, +1|2, m] */
static int l_write_file(lua_State *L) {
  size_t plen, len;
  const char *path = luaL_checklstring(L, 1, &plen);
  const char *text = luaL_checklstring(L, 2, &len);
  char *tmp;
  const char *why;
  int fd, saved;
  tmp = lua_newuserdatauv(L, plen + TEMP_ROOM, 0);  /* the GC frees it, even if we raise */
  temp_template(tmp, path, plen);
  sweep_stale(path, plen);
  fd = make_temp(tmp);
  if (fd < 0) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s: cannot create a temporary file beside it: %s", path, strerror(errno));
    return 2;
  }
  if (!write_all(fd, text, len)) {
    saved = errno;
    close(fd);
    unlink(tmp);
    lua_pushnil(L);
    lua_pushfstring(L, "%s: cannot write: %s", path, strerror(saved));
    return 2;
  }
  if ((why = finish(L, fd, tmp, path, plen)) != NULL) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s: %s: %s", path, why, strerror(errno));
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

/* {==================================================================
** budget.atomic_open(path) → w; w:write(s), w:commit(), w:abort(): a file
** written bit by bit into a temporary file beside it, that appears under its
** name whole (fsync, rename) on commit, and never if the writer is aborted or
** collected first.
** =================================================================== */

#define WRITER_MT "budget.writer"

#define WRITER_BUFFER 65536

typedef struct writer {
  int fd;          /* -1 once committed or aborted */
  char *tmp, *path;  /* point into 'names': the userdata holds everything, so a raise leaks nothing */
  size_t plen;
  size_t used;     /* bytes waiting in buf: one write a buffer, not one a row */
  char buf[WRITER_BUFFER];
  char names[];    /* path, NUL, path.tmp.PID.XXXXXX, NUL */
} writer;

static int flush(writer *w) {
  int ok = write_all(w->fd, w->buf, w->used);
  w->used = 0;
  return ok;
}

static writer *checkwriter(lua_State *L) {
  writer *w = luaL_checkudata(L, 1, WRITER_MT);
  if (w->fd < 0) luaL_error(L, "the file is closed");
  return w;
}

static void drop(writer *w) {
  if (w->fd >= 0) {
    close(w->fd);
    unlink(w->tmp);
    w->fd = -1;
  }
}

static int l_writer_gc(lua_State *L) {
  drop(luaL_checkudata(L, 1, WRITER_MT));
  return 0;
}

static int l_atomic_open(lua_State *L) {
  size_t plen;
  const char *path = luaL_checklstring(L, 1, &plen);
  writer *w;
  if (plen > (size_t)-1 / 2 - sizeof *w - TEMP_ROOM) return luaL_error(L, "the path is too long");
  w = lua_newuserdatauv(L, sizeof *w + 2 * plen + 1 + TEMP_ROOM, 0);
  w->fd = -1;
  w->used = 0;
  w->plen = plen;
  w->path = w->names;
  w->tmp = w->names + plen + 1;
  luaL_setmetatable(L, WRITER_MT);
  memcpy(w->path, path, plen + 1);
  temp_template(w->tmp, path, plen);
  sweep_stale(path, plen);
  w->fd = make_temp(w->tmp);
  if (w->fd < 0) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s: cannot create a temporary file beside it: %s", path, strerror(errno));
    return 2;
  }
  return 1;
}

static int l_writer_write(lua_State *L) {
  writer *w = checkwriter(L);
  size_t len;
  const char *s = luaL_checklstring(L, 2, &len);
  if (w->used + len > sizeof w->buf && !flush(w)) goto fail;
  if (len > sizeof w->buf) {
    if (!write_all(w->fd, s, len)) goto fail;
  } else {
    memcpy(w->buf + w->used, s, len);
    w->used += len;
  }
  return 0;
fail:
  return luaL_error(L, "%s: cannot write: %s", w->path, strerror(errno));
}

static int l_writer_commit(lua_State *L) {
  writer *w = checkwriter(L);
  const char *why;
  int fd = w->fd, flushed = flush(w);
  w->fd = -1;  /* closed below, whatever happens */
  if (!flushed) {
    int saved = errno;
    close(fd);
    unlink(w->tmp);
    return luaL_error(L, "%s: cannot write: %s", w->path, strerror(saved));
  }
  if ((why = finish(L, fd, w->tmp, w->path, w->plen)) != NULL)
    return luaL_error(L, "%s: %s: %s", w->path, why, strerror(errno));
  return 0;
}

static int l_writer_abort(lua_State *L) {
  drop(luaL_checkudata(L, 1, WRITER_MT));
  return 0;
}

static const luaL_Reg writer_methods[] = {
  {"write", l_writer_write}, {"commit", l_writer_commit}, {"abort", l_writer_abort}, {NULL, NULL}};

/* }================================================================== */

/* budget.realpath(path) → the absolute path with no '.', '..' or links; or nil and why. [-0, +1|2, m] */
static int l_realpath(lua_State *L) {
  char *r = realpath(luaL_checkstring(L, 1), NULL);
  if (r == NULL) {
    lua_pushnil(L);
    lua_pushstring(L, strerror(errno));
    return 2;
  }
  lua_pushstring(L, r);
  free(r);
  return 1;
}

void lbind_open_file(lua_State *L) {
  lua_pushcfunction(L, l_realpath);
  lua_setfield(L, -2, "realpath");
  static const luaL_Reg meta[] = {{"__gc", l_writer_gc}, {NULL, NULL}};
  lbind_newclass(L, WRITER_MT, meta, writer_methods);
  lua_pushcfunction(L, l_atomic_open);
  lua_setfield(L, -2, "atomic_open");
  lua_pushcfunction(L, l_write_file);
  lua_setfield(L, -2, "write_file");
}
