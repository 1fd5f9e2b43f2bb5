/*
** tests/fuzz/fuzz_layout.c
** libFuzzer target: any bytes as a document's text ('pdftotext -layout' or
** pdf.js text) for the text reader, budget.import.source's read. It may refuse
** them with an error that says why (a NUL byte, invalid UTF-8); it must never
** crash, hang, leak or trip a sanitizer, and never fail as a bug does: an error
** that is not a string, or that is one of Lua's own (it names an engine file,
** 'engine/lua/...', or says 'attempt to index', 'attempt to call', 'attempt to
** compare', 'attempt to perform arithmetic' and the like, 'bad argument'). A
** source it gives keeps FORMAT.md's promises: a line's text is its words joined
** by single spaces, a word holds no space, tab, form feed or newline, the lines'
** pages run from 1 to src.pages in order, and in the layout form each word's
** x0 < x1, left to right.
** See LICENSE for copyright and license.
*/
#include <stddef.h>
#include <stdint.h>

#define FUZZ_NAME "fuzz_layout"
#include "fuzzlua.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a source must be (FORMAT.md): returns nil, or what is wrong with it. */
static const char CHECK[] =
  "local src = ...\n"
  "if type(src) ~= 'table' then return 'read gave a ' .. type(src) .. ', not a source' end\n"
  "if src.form ~= 'layout' and src.form ~= 'text' then return 'form ' .. tostring(src.form) end\n"
  "if math.type(src.pages) ~= 'integer' or src.pages < 0 then return 'pages ' .. tostring(src.pages) end\n"
  "local page = 1\n"
  "for i, l in ipairs(src.lines) do\n"
  "  if math.type(l.page) ~= 'integer' or l.page < page or l.page > src.pages then\n"
  "    return 'line ' .. i .. ': page ' .. tostring(l.page) .. ' after ' .. page .. ' of ' .. src.pages end\n"
  "  page = l.page\n"
  "  if math.type(l.no) ~= 'integer' or l.no < 1 then return 'line ' .. i .. ': no ' .. tostring(l.no) end\n"
  "  local texts, x = {}, -1\n"
  "  for j, w in ipairs(l.words) do\n"
  "    if type(w.s) ~= 'string' or w.s == '' or w.s:find('[ \\t\\f\\n]') then\n"
  "      return 'line ' .. i .. ', word ' .. j .. ': ' .. string.format('%q', tostring(w.s)) end\n"
  "    if src.form == 'layout' and not (w.x0 and w.x1 and w.x0 >= x and w.x0 < w.x1) then\n"
  "      return 'line ' .. i .. ', word ' .. j .. ': x ' .. tostring(w.x0) .. '..' .. tostring(w.x1) end\n"
  "    x = w.x1 or x\n"
  "    texts[j] = w.s\n"
  "  end\n"
  "  if #texts == 0 or l.text ~= table.concat(texts, ' ') then\n"
  "    return 'line ' .. i .. ': text ' .. string.format('%q', tostring(l.text)) .. ' is not its words' end\n"
  "end\n";

static int check_ref = LUA_NOREF;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lua_State *L = fuzz_state();
  int rc;
  fuzz_function(L, "budget.import.source", "read");
  lua_pushlstring(L, (const char *)data, size);
  lua_pushliteral(L, "fuzz.txt");
  rc = lua_pcall(L, 2, 1, 0);  /* an error is an answer, if it is one about the document */
  if (rc != LUA_OK) {
    fuzz_check_error(L, rc);
  } else {
    fuzz_chunk(L, &check_ref, CHECK, sizeof CHECK - 1, "=check");
    lua_insert(L, -2);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) fuzz_finding("check failed", lua_tostring(L, -1));
    if (!lua_isnil(L, -1)) fuzz_finding("a source that breaks FORMAT.md", lua_tostring(L, -1));
  }
  fuzz_done(L);
  return 0;
}
