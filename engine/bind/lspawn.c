/*
** engine/bind/lspawn.c
** budget.capture(argv, max_bytes): runs a program without a shell and gives
** back what it wrote on stdout, for the readers that hand a document to a
** tool (pdftotext). See LICENSE for copyright and license.
*/
#define _GNU_SOURCE  /* pipe2, environ, posix_spawn_file_actions_addclosefrom_np */

#include "lbind.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lauxlib.h"

#define CHILD_MT "budget.child"

#define READ_CHUNK 65536  /* bytes asked of read(2) at a time, straight into the Lua buffer */
#define ERR_KEEP 1024     /* bytes of the child's stderr kept for the message; the rest is drained */

/*
** A running child and the pipe ends the parent holds. It lives in a to-be-closed
** userdata: if anything raises while the child runs (a memory error growing the
** output), its __close kills and reaps the child and closes every fd, so a raise
** leaks neither a zombie nor a descriptor. -1 marks what is already released.
*/
typedef struct child {
  pid_t pid;
  int out_r, out_w;  /* the stdout pipe: read end (ours), write end (the child's) */
  int err_r, err_w;  /* the same for stderr */
} child;

static void closefd(int *fd) {
  if (*fd >= 0) {
    (void)close(*fd);  /* a close that fails with EINTR has still closed the fd on Linux */
    *fd = -1;
  }
}

/* Waits for the child to end; its wait status, or -1 if it was not ours to wait for. */
static int reap(child *c) {
  int status = -1;
  if (c->pid > 0) {
    while (waitpid(c->pid, &status, 0) < 0) {
      if (errno != EINTR) {
        status = -1;
        break;
      }
    }
    c->pid = -1;
  }
  return status;
}

/* Releases everything: the fds, and the child, killed first if it still runs. */
static void release(child *c) {
  closefd(&c->out_r);
  closefd(&c->out_w);
  closefd(&c->err_r);
  closefd(&c->err_w);
  if (c->pid > 0) {
    (void)kill(c->pid, SIGKILL);
    (void)reap(c);
  }
}

/* __close and __gc of a child. [-0, +0, -] */
static int l_child_close(lua_State *L) {
  release(luaL_checkudata(L, 1, CHILD_MT));
  return 0;
}

/*
** A pipe whose ends are close-on-exec (so no other child inherits them) and at fd 3 or
** above, so that dup2 onto 1 or 2 in the child never meets an end already there.
** 0 on success, else an errno; on failure nothing is left open.
*/
static int makepipe(int *r, int *w) {
  int p[2], i;
  if (pipe2(p, O_CLOEXEC) != 0) return errno;
  for (i = 0; i < 2; i++) {
    if (p[i] < 3) {
      int moved = fcntl(p[i], F_DUPFD_CLOEXEC, 3);
      int saved = errno;
      (void)close(p[i]);
      if (moved < 0) {
        (void)close(p[1 - i]);  /* the other end: p[0] moved already when i is 1 */
        return saved;
      }
      p[i] = moved;
    }
  }
  *r = p[0];
  *w = p[1];
  return 0;
}

/*
** Starts argv[0] (searched on PATH) with stdin from /dev/null, stdout and stderr into the
** pipes of 'c', no other fd of ours, and the default disposition of SIGPIPE (a host may
** ignore it). 0 on success, else an errno (ENOENT: no such program).
*/
static int start(child *c, char *const argv[]) {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  sigset_t none, dflt;
  int rc;
  if ((rc = posix_spawn_file_actions_init(&fa)) != 0) return rc;
  if ((rc = posix_spawnattr_init(&attr)) != 0) {
    posix_spawn_file_actions_destroy(&fa);
    return rc;
  }
  sigemptyset(&none);
  sigemptyset(&dflt);
  sigaddset(&dflt, SIGPIPE);
  rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&fa, c->out_w, 1);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&fa, c->err_w, 2);
#if defined(__GLIBC__) && defined(__GLIBC_MINOR__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  /* fds a Lua io.open or another binding left without close-on-exec stay ours */
  if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
  if (rc == 0) rc = posix_spawnattr_setsigmask(&attr, &none);
  if (rc == 0) rc = posix_spawnattr_setsigdefault(&attr, &dflt);
  if (rc == 0) rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  if (rc == 0) rc = posix_spawnp(&c->pid, argv[0], &fa, &attr, argv, environ);
  if (rc != 0) c->pid = -1;
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&fa);
  return rc;
}

/* The first non-blank line of buf[0..len), trimmed, NUL-terminated in place (buf has room). */
static const char *firstline(char *buf, size_t len) {
  size_t i = 0, j;
  while (i < len && (buf[i] == '\n' || buf[i] == '\r' || buf[i] == ' ' || buf[i] == '\t')) i++;
  j = i;
  while (j < len && buf[j] != '\n') j++;
  while (j > i && (buf[j - 1] == '\r' || buf[j - 1] == ' ' || buf[j - 1] == '\t')) j--;
  buf[j] = '\0';
  return buf + i;
}

/* Pushes nil, the message "PROG: what[: detail]" and the kind of failure; returns 3. [-0, +3, m] */
static int failure(lua_State *L, const char *prog, const char *what, const char *detail, const char *kind) {
  lua_pushnil(L);
  if (detail != NULL && detail[0] != '\0')
    lua_pushfstring(L, "%s: %s: %s", prog, what, detail);
  else
    lua_pushfstring(L, "%s: %s", prog, what);
  lua_pushstring(L, kind);
  return 3;
}

/*
** budget.capture(argv, max_bytes) → out, 0 | nil, message, kind [, stderr]   [-0, +2|3|4, v]
** Runs argv[1] (found on PATH; no shell, so nothing in argv is interpreted) with the
** strings argv[2..] as its arguments, stdin from /dev/null, and returns everything it wrote
** on stdout, and its exit status 0. The kinds of failure, each with a message that starts
** with the program's name:
**   "not found"  no such program (ENOENT, or an exit status 127 with nothing on stderr where
**                the C library cannot report the exec's failure): the caller can say which
**                package to install;
**   "start"      it cannot be started for another reason (EACCES, EAGAIN, ...);
**   "exit"       it exited non-zero or was killed by a signal; the message gives the status
**                and the first line of its stderr, and a fourth result is that stderr (its
**                first ERR_KEEP bytes; the rest is read and dropped), for a caller that knows
**                which of the program's lines matters;
**   "limit"      it wrote more than max_bytes on stdout: it is killed at once.
** stdout and stderr are read together (poll), so a child that fills one pipe while we wait on
** the other cannot deadlock. The child is always reaped and every fd closed, also when a
** memory error raises mid-read. Raises only for bad arguments and memory errors.
*/
static int l_capture(lua_State *L) {
  lua_Integer n, i, max;
  char **argv;
  child *c;
  luaL_Buffer b;
  char errbuf[ERR_KEEP + 1], scratch[4096];
  size_t errlen = 0, total = 0;
  int rc, status, over = 0, failed = 0, errtext;
  luaL_checktype(L, 1, LUA_TTABLE);
  max = luaL_checkinteger(L, 2);
  luaL_argcheck(L, max >= 0, 2, "max_bytes must not be negative");
  n = (lua_Integer)lua_rawlen(L, 1);  /* raw: no metamethod runs, nor makes strings nothing holds */
  luaL_argcheck(L, n >= 1, 1, "argv must name a program");
  luaL_argcheck(L, n < INT_MAX - 8 && (lua_Unsigned)n < SIZE_MAX / sizeof *argv, 1, "too many arguments");
  argv = lua_newuserdatauv(L, ((size_t)n + 1) * sizeof *argv, 0);  /* the GC frees it, even if we raise */
  luaL_checkstack(L, (int)n + 8, "too many arguments");
  for (i = 1; i <= n; i++) {
    size_t len;
    const char *s;
    if (lua_rawgeti(L, 1, i) != LUA_TSTRING) return luaL_argerror(L, 1, "argv must be a list of strings");
    s = lua_tolstring(L, -1, &len);
    if (strlen(s) != len) return luaL_argerror(L, 1, "an argument holds a zero byte");
    /* the string stays on the stack, so alive, until we return; exec copies it, never writes it */
    argv[i - 1] = (char *)(uintptr_t)s;
  }
  argv[n] = NULL;

  c = lua_newuserdatauv(L, sizeof *c, 0);
  c->pid = -1;
  c->out_r = c->out_w = c->err_r = c->err_w = -1;
  luaL_setmetatable(L, CHILD_MT);
  lua_toclose(L, -1);
  if ((rc = makepipe(&c->out_r, &c->out_w)) != 0 || (rc = makepipe(&c->err_r, &c->err_w)) != 0 ||
      (rc = start(c, argv)) != 0) {
    release(c);
    return failure(L, argv[0], rc == ENOENT ? "not found" : "cannot be started", rc == ENOENT ? NULL : strerror(rc),
                   rc == ENOENT ? "not found" : "start");
  }
  closefd(&c->out_w);  /* the child has its copies: EOF comes when it closes them */
  closefd(&c->err_w);

  luaL_buffinit(L, &b);
  while (c->out_r >= 0 || c->err_r >= 0) {
    struct pollfd pf[2];
    pf[0].fd = c->out_r, pf[0].events = POLLIN, pf[0].revents = 0;
    pf[1].fd = c->err_r, pf[1].events = POLLIN, pf[1].revents = 0;  /* a negative fd is ignored */
    if (poll(pf, 2, -1) < 0) {
      if (errno == EINTR) continue;
      failed = errno;  /* cannot happen with valid fds; release() below stops the child */
      break;
    }
    if (pf[0].revents != 0) {
      char *p = luaL_prepbuffsize(&b, READ_CHUNK);  /* may raise: the child's __close cleans up */
      ssize_t got = read(c->out_r, p, READ_CHUNK);
      if (got > 0) {
        luaL_addsize(&b, (size_t)got);
        total += (size_t)got;
        if (total > (lua_Unsigned)max) {
          over = 1;
          break;
        }
      } else if (got == 0 || errno != EINTR) {
        closefd(&c->out_r);
      }
    }
    if (pf[1].revents != 0) {
      ssize_t got = read(c->err_r, scratch, sizeof scratch);
      if (got > 0) {
        size_t keep = ERR_KEEP - errlen < (size_t)got ? ERR_KEEP - errlen : (size_t)got;
        memcpy(errbuf + errlen, scratch, keep);
        errlen += keep;
      } else if (got == 0 || errno != EINTR) {
        closefd(&c->err_r);
      }
    }
  }
  if (over || failed) {
    release(c);  /* kills it: it says more than we take, or we cannot listen */
    if (failed) return failure(L, argv[0], "cannot be read", strerror(failed), "exit");
    lua_pushfstring(L, "writes more than %I bytes", max);
    return failure(L, argv[0], lua_tostring(L, -1), NULL, "limit");
  }
  status = reap(c);
  if (status == -1) return failure(L, argv[0], "cannot be waited for", strerror(errno), "exit");
  /* Where posix_spawnp cannot hand the exec's failure back (under valgrind, in older C
  ** libraries) the child exits 127 as a shell does for a command it cannot find. */
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && errlen == 0)
    return failure(L, argv[0], "not found", NULL, "not found");
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    luaL_pushresult(&b);
    lua_pushinteger(L, 0);
    return 2;
  }
  lua_pushlstring(L, errbuf, errlen);  /* before firstline() writes its NUL into errbuf */
  errtext = lua_gettop(L);
  if (WIFEXITED(status))
    lua_pushfstring(L, "exited with status %d", WEXITSTATUS(status));
  else if (WIFSIGNALED(status))
    lua_pushfstring(L, "was killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
  else
    lua_pushliteral(L, "stopped");
  (void)failure(L, argv[0], lua_tostring(L, -1), firstline(errbuf, errlen), "exit");
  lua_pushvalue(L, errtext);
  return 4;
}

void lbind_open_spawn(lua_State *L) {
  static const luaL_Reg meta[] = {{"__close", l_child_close}, {"__gc", l_child_close}, {NULL, NULL}};
  lbind_newclass(L, CHILD_MT, meta, NULL);
  lua_pushcfunction(L, l_capture);
  lua_setfield(L, -2, "capture");
}
