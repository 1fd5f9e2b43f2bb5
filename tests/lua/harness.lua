-- tests/lua/harness.lua
-- A small test harness for the Lua tests, run by a stock lua5.4: each test
-- file registers tests with test(name, fn) and calls run(); the summary lines
-- are cmocka's, so tests/run-tests.sh counts them the same way.
-- See LICENSE for copyright and license.

local H = {}
local tests = {}

H.bin = os.getenv("BUDGET_BIN") or "build/budget"
-- A command put before the budget command in H.budget ('make memcheck': valgrind); tests that
-- run H.bin themselves (timing, signals) run it bare.
H.wrap = os.getenv("BUDGET_WRAP")

function H.test(name, fn) tests[#tests + 1] = { name = name, fn = fn } end

-- Runs a shell command; returns its output (stdout and stderr together) and exit status.
function H.sh(cmd)
  local p = assert(io.popen(cmd .. " 2>&1", "r"))
  local out = p:read("a")
  local _, _, status = p:close()
  return out, status
end

-- Runs the budget command with arguments (each quoted for the shell).
function H.budget(...)
  local args = {}
  for i, a in ipairs { ... } do args[i] = "'" .. tostring(a):gsub("'", "'\\''") .. "'" end
  return H.sh((H.wrap and H.wrap .. " " or "") .. H.bin .. " " .. table.concat(args, " "))
end

function H.read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

function H.write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

-- A fresh temporary file name, removed by H.cleanup.
local temps = {}
function H.tmpname(suffix)
  local n = os.tmpname()
  os.remove(n)
  n = n .. (suffix or "")
  temps[#temps + 1] = n
  return n
end

function H.eq(a, b, what)
  if a ~= b then error(string.format("%s: expected %q, got %q", what or "value", tostring(b), tostring(a)), 2) end
end

function H.has(text, needle, what)
  if not text:find(needle, 1, true) then
    error(string.format("%s: %q not found in:\n%s", what or "output", needle, text:sub(1, 3000)), 2)
  end
end

-- Collapses runs of white space: a line as its words.
function H.words(s) return (s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")) end

-- Work to do when the tests are done (removing what a test made).
local deferred = {}
function H.defer(fn) deferred[#deferred + 1] = fn end

function H.run()
  local passed, failed = 0, {}
  print(string.format("[==========] Running %d test(s).", #tests))
  for _, t in ipairs(tests) do
    print("[ RUN      ] " .. t.name)
    local ok, err = xpcall(t.fn, debug.traceback)
    if ok then
      passed = passed + 1
      print("[       OK ] " .. t.name)
    else
      print("[  ERROR   ] --- " .. tostring(err))
      print("[  FAILED  ] " .. t.name)
      failed[#failed + 1] = t.name
    end
  end
  for _, n in ipairs(temps) do os.remove(n) end
  for _, fn in ipairs(deferred) do pcall(fn) end
  print(string.format("[==========] %d test(s) run.", #tests))
  print(string.format("[  PASSED  ] %d test(s).", passed))
  if #failed > 0 then
    print(string.format("[  FAILED  ] %d test(s), listed below:", #failed))
    for _, n in ipairs(failed) do print("[  FAILED  ] " .. n) end
    os.exit(1)
  end
  os.exit(0)
end

return H
