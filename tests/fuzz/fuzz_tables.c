/*
** tests/fuzz/fuzz_tables.c
** libFuzzer target: any bytes as a document's text, through the text reader
** (budget.import.source's read) to the find-tables stage (budget.import.tables'
** find, with every template of budget.import.templates). Either may refuse them
** with an error that says why (not a text, not a budget this importer knows); it
** must never crash, hang, leak or trip a sanitizer, and never fail as a bug
** does: an error that is not a string, or that is one of Lua's own (it names an
** engine file, 'engine/lua/...', or says 'attempt to index', 'attempt to call',
** 'attempt to compare', 'attempt to perform arithmetic' and the like, 'bad
** argument'). What it finds is a template of templates.all and its tables, each
** with a kind of that template, a title and its lines.
** See LICENSE for copyright and license.
*/
#include <stddef.h>
#include <stdint.h>

#define FUZZ_NAME "fuzz_tables"
#include "fuzzlua.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs the two stages on the bytes; returns what find found and the templates, for CHECK. */
static const char RUN[] =
  "local source, tables, templates, bytes = ...\n"
  "local src = source.read(bytes, 'fuzz.txt')\n"
  "return tables.find(src, templates.all), templates.all\n";

/* What find must give: returns nil, or what is wrong with it. */
static const char CHECK[] =
  "local found, all = ...\n"
  "if type(found) ~= 'table' or type(found.tables) ~= 'table' then return 'find gave no tables' end\n"
  "local known\n"
  "for _, t in ipairs(all) do if t == found.template then known = t end end\n"
  "if not known then return 'a template not in templates.all' end\n"
  "local kinds = {}\n"
  "for _, k in ipairs(known.kinds) do kinds[k] = true end\n"
  "for i, t in ipairs(found.tables) do\n"
  "  if not kinds[t.kind] then return 'table ' .. i .. ': a kind not of ' .. tostring(known.name) end\n"
  "  if type(t.title) ~= 'string' or type(t.lines) ~= 'table' or type(t.title_line) ~= 'table' then\n"
  "    return 'table ' .. i .. ': no title or lines' end\n"
  "end\n";

static const char *const MODULES[] = {"budget.import.source", "budget.import.tables", "budget.import.templates", NULL};

static int run_ref = LUA_NOREF, check_ref = LUA_NOREF;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lua_State *L = fuzz_state();
  int rc, i;
  fuzz_chunk(L, &check_ref, CHECK, sizeof CHECK - 1, "=check");
  fuzz_chunk(L, &run_ref, RUN, sizeof RUN - 1, "=run");
  for (i = 0; MODULES[i] != NULL; i++) {
    lua_getglobal(L, "require");
    lua_pushstring(L, MODULES[i]);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) fuzz_finding("require", lua_tostring(L, -1));
  }
  lua_pushlstring(L, (const char *)data, size);
  rc = lua_pcall(L, 4, 2, 0);  /* an error is an answer, if it is one about the document */
  if (rc != LUA_OK) {
    fuzz_check_error(L, rc);
  } else {
    if (lua_pcall(L, 2, 1, 0) != LUA_OK) fuzz_finding("check failed", lua_tostring(L, -1));
    if (!lua_isnil(L, -1)) fuzz_finding("tables that break the promise", lua_tostring(L, -1));
  }
  fuzz_done(L);
  return 0;
}
