/*
** tests/test_patterns.c
** The bounded string.find, match, gmatch and gsub (engine/bind/lpattern.c)
** against Lua's own, case for case: the same results and the same error
** messages over hand-written edge cases and thousands drawn from a fixed seed.
** See LICENSE for copyright and license.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "bind/lbind.h"
#include "host/guard.h"
#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"

/* The differential chunk, a line a string (no literal longer than C's 4095 characters).
** It calls string.X and B.X with the same arguments under pcall and compares what comes
** back, for gmatch every iteration. Arguments: 'edges', or 'generated', a count, a seed. */
static const char *const differential[] = {
  "-- string.X against B.X: the same arguments, the same results or the same error message.\n",
  "-- Arguments: 'edges' (the hand-written cases) or 'generated' with a count and a seed.\n",
  "-- Returns the number of cases compared and the first mismatches, described (empty when none).\n",
  "local mode, N, seed = ...\n",
  "local B = B\n",
  "local fails, cases = {}, 0\n",
  "\n",
  "local function ser(t)\n",
  "  local out = {}\n",
  "  for i = 1, t.n do\n",
  "    local v = t[i]\n",
  "    if math.type(v) == 'integer' then out[i] = 'i' .. v\n",
  "    elseif type(v) == 'string' then out[i] = string.format('%q', v)\n",
  "    else out[i] = tostring(v) end\n",
  "  end\n",
  "  return '(' .. table.concat(out, ',') .. ')'\n",
  "end\n",
  "\n",
  "-- Both are called from here, so an argument error names the same function ('f') at the same place.\n",
  "local function call(f, ...)\n",
  "  local r = table.pack(f(...))\n",
  "  return r\n",
  "end\n",
  "\n",
  "local function iterate(f, ...)\n",
  "  local it = f(...)\n",
  "  local out, n = {}, 0\n",
  "  while n < 1000 do\n",
  "    local r = table.pack(it())\n",
  "    if r[1] == nil then break end\n",
  "    n = n + 1\n",
  "    out[n] = r\n",
  "  end\n",
  "  return table.pack(table.unpack(out, 1, n))\n",
  "end\n",
  "\n",
  "local function outcome(wrap, f, ...)\n",
  "  local ok, r = pcall(wrap, f, ...)\n",
  "  if not ok then return 'error: ' .. tostring(r) end\n",
  "  if wrap == iterate then\n",
  "    local parts = {}\n",
  "    for i = 1, r.n do parts[i] = ser(r[i]) end\n",
  "    return '[' .. table.concat(parts, ' ') .. ']'\n",
  "  end\n",
  "  return ser(r)\n",
  "end\n",
  "\n",
  "local function describe(name, args)\n",
  "  local parts = {}\n",
  "  for i = 1, args.n do\n",
  "    local v = args[i]\n",
  "    parts[i] = type(v) == 'string' and string.format('%q', v) or tostring(v)\n",
  "  end\n",
  "  return name .. '(' .. table.concat(parts, ', ') .. ')'\n",
  "end\n",
  "\n",
  "local function check(name, ...)\n",
  "  local args = table.pack(...)\n",
  "  local wrap = name == 'gmatch' and iterate or call\n",
  "  local want = outcome(wrap, string[name], ...)\n",
  "  local got = outcome(wrap, B[name], ...)\n",
  "  cases = cases + 1\n",
  "  if want ~= got and #fails < 20 then\n",
  "    fails[#fails + 1] = describe(name, args) .. '\\n  lua: ' .. want .. '\\n  ours: ' .. got\n",
  "  end\n",
  "end\n",
  "\n",
  "-- Replacement values for gsub.\n",
  "local T = setmetatable({a = 'A', b = false, c = {}, ['1'] = 'one', [1] = 'int', [2] = 22, x = true},\n",
  "                       {__index = function(_, k) if k == 'z' then return 'zed' end end})\n",
  "local function F1(...) return '<' .. table.concat(table.pack(...), '|') .. '>' end\n",
  "local function F2(c) if c == 'a' then return 'A' end return nil end\n",
  "local function F3(c) if c == 'x' then return {} end if c == 'b' then return false end return 7 end\n",
  "local function F4() error('boom') end\n",
  "local REPLS = {'X', '', '%0', '<%1>', '%2%1', '%%', '%', '%x', '%9', '%1%1', 'a%%b%0', 7, 2.5, T, F1, F2, F3}\n",
  "\n",
  "local function edges()\n",
  "  local all = {}\n",
  "  for c = 0, 255 do all[#all + 1] = string.char(c) end\n",
  "  all = table.concat(all)\n",
  "  for cl in ('acdglpsuwxzACDGLPSUWXZ.%]-^$()[*+?bf1'):gmatch('.') do\n",
  "    check('gsub', all, '%' .. cl, '#')\n",
  "    check('gsub', all, '[%' .. cl .. ']', '#')\n",
  "    check('gsub', all, '[^%' .. cl .. ']', '#')\n",
  "    check('gsub', all, '[' .. cl .. '-z]', '#')\n",
  "    check('gsub', all, '%' .. cl .. '+', '#')\n",
  "  end\n",
  "  check('gsub', all, '.', '#')\n",
  "  check('gsub', all, '[\\128-\\255]+', '#')\n",
  "  check('gsub', all, '[%z-\\31]', '#')\n",
  "\n",
  "  local list = {\n",
  "    {'find', 'abc', 'b', 1, true}, {'find', 'a.c', '.', 1, true}, {'find', 'a.c', '.', 1, false},\n",
  "    {'find', 'abc', '', 10}, {'find', 'abc', '', 4}, {'find', 'abc', '', 3}, {'find', 'abc', '', 5},\n",
  "    {'find', 'abc', '', -1}, {'find', 'abc', 'c', -100}, {'find', 'abc', 'a', 0}, {'find', '', ''},\n",
  "    {'find', '', '', 1}, {'find', '', '', 2}, {'find', '', 'a*'}, {'find', 'abc', '^'},\n",
  "    {'find', 'abc', '^b'}, {'find', 'abc', 'b$'}, {'find', 'abc', 'c$'}, {'find', 'a$c', '$c'},\n",
  "    {'find', 'a^b', 'a^b'}, {'find', 'a$', '$$'}, {'find', '$', '^$$'}, {'find', '', '^$'},\n",
  "    {'find', 'a', '^$'}, {'find', 'a\\0b', '\\0'}, {'find', 'a\\0b', '%z'}, {'find', 'a\\0b', '[\\0]'},\n",
  "    {'find', 'a\\0b', 'a\\0b'}, {'find', 'a\\0.b', '\\0.'}, {'find', 'a\\0.b', '\\0.', 1, true},\n",
  "    {'find', 'a\\0b', '\\0', 3}, {'find', 'abc', 'b', math.maxinteger},\n",
  "    {'find', 'abc', 'b', math.mininteger}, {'find', 'abc', 'b', 2.0}, {'find', 'abc', 'b', 1.5},\n",
  "    {'find', 'abc', 'b', '2'}, {'find', 'abc', 'b', 'x'}, {'find', 'abc', 'b', {}}, {'find', 12345, 3},\n",
  "    {'find', 12.5, '%.'}, {'find', {}, 'a'}, {'find', 'a', nil}, {'find'},\n",
  "    {'find', 'abc', 'b', nil, nil}, {'find', 'abc', '.', nil, 1}, {'find', 'a+b', '+', 1, 'yes'},\n",
  "    {'match', 'hello world', '(h)(e)(l)(l)'}, {'match', 'hello', '()ll()'}, {'match', 'abc', '(a(b)c)'},\n",
  "    {'match', 'abb', '(a)(b)%2'}, {'match', 'aa', '(a)%1'}, {'match', 'abab', '(ab)%1'},\n",
  "    {'match', 'x', '()%1'}, {'match', 'abc', '%0'}, {'match', 'abc', '(a)%2'},\n",
  "    {'match', 'abc', '(a%1)'}, {'match', 'abc', '%1'}, {'match', 'a', ('()'):rep(32)},\n",
  "    {'match', 'a', ('()'):rep(33)}, {'match', ('a'):rep(40), ('(a)'):rep(32)},\n",
  "    {'match', ('a'):rep(40), ('(a)'):rep(33)}, {'match', 'a', ('('):rep(33)},\n",
  "    {'find', 'a', ('()'):rep(32)}, {'match', '(a(b)c)', '%b()'}, {'match', '((', '%b()'},\n",
  "    {'match', 'x', '%b'}, {'match', 'x', '%bx'}, {'match', 'xx', '%bxx'}, {'match', 'xax', '%bxx'},\n",
  "    {'match', '[[]]', '%b[]'}, {'match', 'abc', 'a%b'}, {'match', 'a()', 'a%b()'},\n",
  "    {'match', '', '%b()'}, {'match', 'a', '%b\\0\\0'}, {'match', '', '%b\\0\\0'},\n",
  "    {'match', 'THE (quick) fox', '%f[%a]%a+'}, {'match', 'hello', '%f[%l]'}, {'match', 'x', '%f'},\n",
  "    {'match', 'x', '%fa'}, {'match', 'x', '%f[a'}, {'match', '', '%f[%z]'}, {'match', 'a', 'a%f[^a]'},\n",
  "    {'match', 'a', '%f[^\\0]'}, {'match', 'a', 'a%f[\\0]'}, {'find', 'ab', '%f[b]'},\n",
  "    {'match', ']', '[]]'}, {'match', '^', '[^^]'}, {'match', '-', '[a-]'}, {'match', 'b', '[a-c]'},\n",
  "    {'match', '-', '[-a]'}, {'match', '%', '[%%]'}, {'match', ']', '[%]]'}, {'match', 'a', '[%a-z]'},\n",
  "    {'match', '-', '[%a-z]'}, {'match', '[', '[[]'}, {'match', 'a', '[a'}, {'match', 'a', '[^'},\n",
  "    {'match', 'a', '[]'}, {'match', 'a', '[^]'}, {'match', 'a', '[%'}, {'match', 'a', '[a-%]'},\n",
  "    {'match', '\\255', '[\\128-\\255]'}, {'match', 'b', '[z-a]'}, {'match', 'a', '[a%]'},\n",
  "    {'match', ']', '[^]]'}, {'match', 'a', '[^]a]'}, {'match', 'a', '[]a]'}, {'match', '-', '[a-c-e]'},\n",
  "    {'match', 'd', '[a-c-e]'}, {'match', 'a', '%'}, {'match', 'a', 'a%'}, {'match', '%', '%%'},\n",
  "    {'match', '', '*'}, {'match', '***', '**'}, {'match', 'a+b', 'a+b'}, {'match', '+', '+'},\n",
  "    {'match', '?', '?'}, {'match', 'a', '-'}, {'match', 'a', 'a-'}, {'match', 'aaa', 'a-$'},\n",
  "    {'match', 'aaab', 'a-b'}, {'match', 'aaa', '^a-'}, {'match', 'a', '^*'}, {'match', 'a', ')'},\n",
  "    {'match', 'a', '('}, {'match', 'a', '(()'}, {'match', 'a', 'a)'}, {'match', 'abc', '(a)b)'},\n",
  "    {'find', 'a', '('}, {'find', 'abc', '(b'}, {'match', 'key = value', '^(%w+)%s*=%s*(%w+)$'},\n",
  "    {'match', '  42  the rest  ', '^%s*(%d+)%s+(.-)%s*$'}, {'match', 'abc', '^(a-)(.-)$'},\n",
  "    {'gsub', 'hello world', 'o', '0'}, {'gsub', 'hello', '', '-'}, {'gsub', 'abc', '%w', '%0%0'},\n",
  "    {'gsub', 'abc', '%w', '%1'}, {'gsub', 'abc', '%w', '%2'}, {'gsub', 'abc', '(%w)', '%2'},\n",
  "    {'gsub', 'abc', '%w', '%'}, {'gsub', 'abc', '%w', '%x'}, {'gsub', 'abc', '%w', '%%'},\n",
  "    {'gsub', 'abc', '()', '%1'}, {'gsub', 'abc', '%w', 'x', 0}, {'gsub', 'abc', '%w', 'x', 1},\n",
  "    {'gsub', 'abc', '%w', 'x', -1}, {'gsub', 'abc', '%w', 'x', 2.5}, {'gsub', 'abc', '%w', 'x', '2'},\n",
  "    {'gsub', 'abc', '%w', nil}, {'gsub', 'abc', '%w', true}, {'gsub', 'abc', '%w', 12},\n",
  "    {'gsub', 'abc', '%w', 1.5}, {'gsub', 'abc', '%w'}, {'gsub', 'abc', '%w', nil, 'a'},\n",
  "    {'gsub', 'abc', 'b', {b = true}}, {'gsub', 'abc', 'b', {b = 1.25}}, {'gsub', 'abc', '(b)', F4},\n",
  "    {'gsub', 'abc', '%w', T}, {'gsub', 'xyz', '%w', T}, {'gsub', 'abc', '()', T},\n",
  "    {'gsub', 'aaa', '^a', 'b'}, {'gsub', 'aaa', '^', 'x'}, {'gsub', '', '^', 'x'},\n",
  "    {'gsub', 'abc', '^$', 'x'}, {'gsub', '', '', 'x'}, {'gsub', '', 'x*', '-'},\n",
  "    {'gsub', 'abc', '%w*', '-'}, {'gsub', 'hello world', '%w*', 'X'}, {'gsub', 'abc', 'b*', '-'},\n",
  "    {'gsub', 'a,b,,c', ',?', '|'}, {'gsub', 123, 2, 9}, {'gsub', 'abc', '(', 'x'},\n",
  "    {'gsub', 'abc', '(', '%1'}, {'gsub', 'abc', '(', F1}, {'gsub', 'abc', 'a(', T},\n",
  "    {'gsub', 'a b', '%s', '%%%0%%'}, {'gsub', 'abc', '.', {a = 1, b = 2.0, c = '3'}},\n",
  "    {'gsub', 'a\\0b', '%z', '<%0>'}, {'gsub', 'a\\0b', '\\0', '%'}, {'gsub', 'abc', 'b', 'x%\\0'},\n",
  "    {'gsub', 'abc', '', '%0'}, {'gsub', 'abc', '', F1, 2}, {'gmatch', 'hello world from Lua', '%a+'},\n",
  "    {'gmatch', 'abc', ''}, {'gmatch', 'abc', '()'}, {'gmatch', 'abc', '^a'}, {'gmatch', '^a^a', '^a'},\n",
  "    {'gmatch', 'hello', 'l*', 2}, {'gmatch', 'hello', '.', -1}, {'gmatch', 'hello', '.', 0},\n",
  "    {'gmatch', 'hello', '.', 10}, {'gmatch', 'hello', '', 6}, {'gmatch', 'hello', '', 7},\n",
  "    {'gmatch', 'hello', '.', -10}, {'gmatch', 'a,b,,c', '([^,]*)'},\n",
  "    {'gmatch', 'k=v, a=b', '(%w+)=(%w+)'}, {'gmatch', 'abc', '[a'}, {'gmatch', '', '[a'},\n",
  "    {'gmatch', 'abc', '(', 1}, {'gmatch', 'abc', '%w', 1.5}, {'gmatch', 'abc', 'x*'},\n",
  "    {'gmatch', 'abab', '(a)(b)'}, {'gmatch', 'abc', '%f[%w]%w+'},\n",
  "    {'find', ('a'):rep(1000) .. 'b', ('a'):rep(999) .. 'b'}, {'find', ('a'):rep(1000), 'a-b'},\n",
  "    {'find', ('a'):rep(1000), '.-b'}, {'match', ('x'):rep(300), '(x*)%1$'},\n",
  "    {'find', ('ab'):rep(100), '(ab)%1%1b'},\n",
  "  }\n",
  "  for n = 195, 202 do\n",
  "    list[#list + 1] = {'find', ('a'):rep(n), ('a?'):rep(n)}\n",
  "    list[#list + 1] = {'match', ('a'):rep(n), ('a-'):rep(n)}\n",
  "    list[#list + 1] = {'match', ('a'):rep(n), ('a*'):rep(n) .. '$'}\n",
  "    if n >= 200 then  -- below it these backtrack for ever, in Lua's too: only 'too complex' stops them\n",
  "      list[#list + 1] = {'find', ('a'):rep(n), ('a?'):rep(n) .. 'b', endless = true}\n",
  "      list[#list + 1] = {'match', ('a'):rep(n), ('a-'):rep(n) .. '$', endless = true}\n",
  "    end\n",
  "    list[#list + 1] = {'match', ('a'):rep(n), ('a*'):rep(n)}\n",
  "    list[#list + 1] = {'match', ('a'):rep(n), ('x*'):rep(n) .. ('x-'):rep(n) .. ('x?'):rep(n)}\n",
  "    list[#list + 1] = {'gsub', ('a'):rep(n), ('a?'):rep(n), 'x'}\n",
  "    list[#list + 1] = {'gmatch', ('a'):rep(n), ('a?'):rep(n)}\n",
  "    list[#list + 1] = {'match', ('a'):rep(n), ('%f[a]'):rep(n) .. ('a*'):rep(n)}\n",
  "    list[#list + 1] = {'match', ('ab'):rep(n), ('()a+()b'):rep(16)}\n",
  "  end\n",
  "  for _, e in ipairs(list) do\n",
  "    -- once the depth limit is seen to differ, an endless case would hang rather than fail\n",
  "    if not (e.endless and #fails > 0) then check(table.unpack(e, 1, #e)) end\n",
  "  end\n",
  "end\n",
  "\n",
  "local function generated()\n",
  "  -- splitmix64, as tests/testutil.h: the same cases on every machine\n",
  "  local state = seed\n",
  "  local function rand()\n",
  "    state = state + 0x9E3779B97F4A7C15\n",
  "    local z = state\n",
  "    z = (z ~ (z >> 30)) * 0xBF58476D1CE4E5B9\n",
  "    z = (z ~ (z >> 27)) * 0x94D049BB133111EB\n",
  "    return z ~ (z >> 31)\n",
  "  end\n",
  "  local function below(n) return (rand() >> 1) % n end\n",
  "  local function pick(t) return t[below(#t) + 1] end\n",
  "\n",
  "  local function chars(s)\n",
  "    local t = {}\n",
  "    for c in s:gmatch('.') do t[#t + 1] = c end\n",
  "    return t\n",
  "  end\n",
  "  local SUBJECT = chars('aaabbcx ()[]%-1\\0\\200^$.')\n",
  "  local LITERAL = chars('abcx 1\\0\\200]^=,')\n",
  "  local CLASS = chars('adswlupcxgADSWPz.%()[]-^$*+?q')\n",
  "  local NOISE = chars('%[]()^$*+?.-ab1f02')\n",
  "  local QUANT = {'', '', '', '', '*', '+', '-', '?'}\n",
  "\n",
  "  local function subject()\n",
  "    local n = below(10) == 0 and below(40) or below(12)\n",
  "    local t = {}\n",
  "    for i = 1, n do t[i] = pick(SUBJECT) end\n",
  "    return table.concat(t)\n",
  "  end\n",
  "\n",
  "  local function set()\n",
  "    local t = {'['}\n",
  "    if below(3) == 0 then t[#t + 1] = '^' end\n",
  "    for _ = 0, below(3) do\n",
  "      local k = below(6)\n",
  "      if k == 0 then t[#t + 1] = pick(LITERAL) .. '-' .. pick(LITERAL)\n",
  "      elseif k == 1 then t[#t + 1] = '%' .. pick(CLASS)\n",
  "      elseif k == 2 then t[#t + 1] = pick({']', '-', '^', '[', '%'})\n",
  "      else t[#t + 1] = pick(LITERAL) end\n",
  "    end\n",
  "    if below(20) ~= 0 then t[#t + 1] = ']' end\n",
  "    return table.concat(t)\n",
  "  end\n",
  "\n",
  "  local sequence\n",
  "  local function item(depth)\n",
  "    local k = below(24)\n",
  "    if k < 7 then return pick(LITERAL) .. pick(QUANT)\n",
  "    elseif k < 9 then return '.' .. pick(QUANT)\n",
  "    elseif k < 13 then return '%' .. pick(CLASS) .. pick(QUANT)\n",
  "    elseif k < 16 then return set() .. pick(QUANT)\n",
  "    elseif k < 18 and depth < 3 then return '(' .. sequence(depth + 1) .. ')'\n",
  "    elseif k == 18 then return '()'\n",
  "    elseif k == 19 then return '%b' .. pick({'()', 'ab', '[]', 'xx', '(', ''})\n",
  "    elseif k == 20 then return '%f' .. (below(8) == 0 and pick({'a', ''}) or set())\n",
  "    elseif k == 21 then return '%' .. below(4)\n",
  "    elseif k == 22 then return pick(NOISE)\n",
  "    else return pick({'$', '^', '(', ')', '%'}) end\n",
  "  end\n",
  "\n",
  "  function sequence(depth)\n",
  "    local t = {}\n",
  "    for i = 1, below(4) + (depth == 0 and 1 or 0) do t[i] = item(depth) end\n",
  "    return table.concat(t)\n",
  "  end\n",
  "\n",
  "  local function pattern()\n",
  "    if below(12) == 0 then\n",
  "      local t = {}\n",
  "      for i = 1, below(7) do t[i] = pick(NOISE) end\n",
  "      return table.concat(t)\n",
  "    end\n",
  "    return (below(5) == 0 and '^' or '') .. sequence(0) .. (below(5) == 0 and '$' or '')\n",
  "  end\n",
  "\n",
  "  local function init(s)\n",
  "    return pick({nil, nil, nil, 1, 2, 0, -1, -3, -100, #s, #s + 1, #s + 2, 100})\n",
  "  end\n",
  "\n",
  "  for _ = 1, N do\n",
  "    local p, k = pattern(), below(4)\n",
  "    local s = subject()\n",
  "    if below(3) == 0 then  -- a subject made from the pattern's own characters matches more often\n",
  "      s = p:gsub('[%%%[%]()^$*+?.-]', function() return below(2) == 0 and pick(SUBJECT) or '' end) .. s\n",
  "    end\n",
  "    if k == 0 then check('find', s, p, init(s), pick({nil, nil, false, true}))\n",
  "    elseif k == 1 then check('match', s, p, init(s))\n",
  "    elseif k == 2 then check('gmatch', s, p, init(s))\n",
  "    else check('gsub', s, p, pick(REPLS), pick({nil, nil, nil, 0, 1, 2, -1})) end\n",
  "  end\n",
  "end\n",
  "\n",
  "if mode == 'edges' then edges() else generated() end\n",
  "return cases, table.concat(fails, '\\n')\n",
  NULL};

typedef struct lines {
  const char *const *next;
} lines;

/* lua_Reader over an array of lines. */
static const char *read_lines(lua_State *L, void *ud, size_t *size) {
  lines *r = ud;
  const char *line = *r->next;
  (void)L;
  if (line == NULL) return NULL;
  r->next++;
  *size = strlen(line);
  return line;
}

/* Opens the libraries and sets B, the bounded functions; run under lua_pcall. */
static int open_state(lua_State *L) {
  luaL_openlibs(L);
  lua_newtable(L);
  lbind_open_patterns(L);
  lua_setglobal(L, "B");
  return 0;
}

/* A stock state with Lua's libraries and B: outside any guarded run, as a stock interpreter. */
static int setup(void **state) {
  lua_State *L = luaL_newstate();
  if (L == NULL) return -1;
  lua_pushcfunction(L, open_state);
  if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
    lua_close(L);
    return -1;
  }
  *state = L;
  return 0;
}

static int teardown(void **state) {
  lua_close(*state);
  return 0;
}

/* Runs the differential chunk; returns the number of cases and copies the mismatches
** (empty when none) or the chunk's own error into out. */
static long differ(lua_State *L, const char *mode, lua_Integer count, lua_Integer seed, char *out,
                   size_t size) {
  lines r;
  long cases = -1;
  r.next = differential;
  if (lua_load(L, read_lines, &r, "=differential", "t") != LUA_OK) {
    snprintf(out, size, "%s", lua_tostring(L, -1));
  } else {
    lua_pushstring(L, mode);
    lua_pushinteger(L, count);
    lua_pushinteger(L, seed);
    if (lua_pcall(L, 3, 2, 0) != LUA_OK) {
      snprintf(out, size, "%s", lua_tostring(L, -1));
    } else {
      cases = (long)lua_tointeger(L, -2);
      snprintf(out, size, "%s", lua_tostring(L, -1));
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  return cases;
}

/* Runs 'code' and copies what it returns, as tostring does, or its error, into out. */
static int eval(lua_State *L, const char *code, char *out, size_t size) {
  int rc = luaL_loadstring(L, code);
  if (rc == LUA_OK) rc = lua_pcall(L, 0, 1, 0);
  snprintf(out, size, "%s", luaL_tolstring(L, -1, NULL));
  lua_pop(L, 2);
  return rc;
}

/* Every class over all 256 bytes, sets, anchors, captures, %b, %f, back-references, the capture
** and depth limits, init and plain, replacements and their errors: as Lua. */
static void test_patterns_edges(void **state) {
  char out[8192];
  long cases = differ(*state, "edges", 0, 0, out, sizeof out);
  if (out[0] != '\0') fail_msg("%s", out);
  assert_true(cases >= 470);
}

/* Patterns from a small grammar, malformed ones among them, over subjects of a small
** alphabet, with every kind of init, plain flag, replacement and count: as Lua. */
static void test_patterns_generated(void **state) {
  static const lua_Integer seeds[] = {20240601, 1, 77, 4096};
  char out[8192];
  size_t i;
  for (i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
    long cases = differ(*state, "generated", 10000, seeds[i], out, sizeof out);
    if (out[0] != '\0') fail_msg("seed %lld: %s", (long long)seeds[i], out);
    assert_int_equal(cases, 10000);
  }
}

/* lbind_open_patterns sets the four functions on the table on top and nothing else. */
static void test_patterns_open(void **state) {
  lua_State *L = *state;
  char out[64];
  int top = lua_gettop(L);
  assert_int_equal(eval(L, "local n = 0 for k, v in pairs(B) do n = n + 1 assert(type(v) == 'function') end "
                           "return n .. ' ' .. tostring(B.find and B.match and B.gmatch and B.gsub and true)",
                        out, sizeof out),
                   LUA_OK);
  assert_string_equal(out, "4 true");
  assert_int_equal(lua_gettop(L), top);
}

/* Outside a guarded run guard_charge never raises: work of many batches (backtracking, long
** spans, a long plain search, a gsub over a long text) finishes, with Lua's results. */
static void test_patterns_unguarded_work(void **state) {
  lua_State *L = *state;
  char out[256];
  assert_false(guard_active(L));
  assert_int_equal(eval(L, "local s = ('a'):rep(24)\n"
                           "local big = ('word  42\\t'):rep(50000)\n"
                           "local function same(f, ...)\n"
                           "  local a, b = table.pack(string[f](...)), table.pack(B[f](...))\n"
                           "  for i = 1, math.max(a.n, b.n) do\n"
                           "    if a[i] ~= b[i] then error(f .. ': result ' .. i .. ' differs') end\n"
                           "  end\n"
                           "end\n"
                           "same('find', s, ('a*'):rep(6) .. 'b')\n"
                           "same('match', s .. 'b', ('(a-)'):rep(5) .. 'b$')\n"
                           "same('find', big .. 'end', 'end', 1, true)\n"
                           "same('find', big, '%d+\\t$')\n"
                           "same('gsub', big, '%s+', ' ')\n"
                           "same('gsub', big, '(%a+)%s+(%d+)', '%2 %1')\n"
                           "local n = 0 for w in B.gmatch(big, '%a+') do n = n + 1 end\n"
                           "return n",
                        out, sizeof out),
                   LUA_OK);
  assert_string_equal(out, "50000");
}

/* A gmatch iterator goes on in another coroutine, and a gsub's function may call the bounded
** functions again, as with Lua's. */
static void test_patterns_reentrant(void **state) {
  lua_State *L = *state;
  char out[256];
  assert_int_equal(eval(L, "local function run(S)\n"
                           "  local it, got = S.gmatch('one two three four', '%a+'), {}\n"
                           "  got[#got + 1] = it()\n"
                           "  coroutine.wrap(function() got[#got + 1] = it() got[#got + 1] = it() end)()\n"
                           "  got[#got + 1] = it()\n"
                           "  got[#got + 1] = S.gsub('a=b, c=d', '(%w+)=(%w+)', function(k, v)\n"
                           "    return (S.gsub(k, '%w', function(c) return c:upper() end)) .. S.match(v, '.')\n"
                           "  end)\n"
                           "  return table.concat(got, '|')\n"
                           "end\n"
                           "local a, b = run(string), run(B)\n"
                           "return a == b and a or a .. ' ~= ' .. b",
                        out, sizeof out),
                   LUA_OK);
  assert_string_equal(out, "one|two|three|four|Ab, Cd");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_patterns_edges),
    cmocka_unit_test(test_patterns_generated),
    cmocka_unit_test(test_patterns_open),
    cmocka_unit_test(test_patterns_unguarded_work),
    cmocka_unit_test(test_patterns_reentrant),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
