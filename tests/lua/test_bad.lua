-- tests/lua/test_bad.lua
-- The bad-input corpus, tests/bad/: every case must stop with exit status 2
-- and exactly its message, which names the file and line and what was
-- expected there; a document that fails leaves no output file. Prints the
-- number of cases.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"

local MODEL = "models/sast-2021.lua"
local cases = 0

local function list(glob)
  local p = io.popen("ls " .. glob .. " 2>/dev/null")
  local files = {}
  for f in p:lines() do files[#files + 1] = f end
  p:close()
  assert(#files > 0, "no cases in " .. glob)
  return files
end

-- The output must be exactly one line: the message.
local function exactly(out, want, file)
  if out ~= want .. "\n" then
    error(string.format("%s: expected exactly\n  %s\ngot\n  %s", file, want, out:gsub("\n", "\n  ")), 2)
  end
end

-- Lua files whose first line is '-- expect: LINE MESSAGE' (LINE 0: the message names no
-- line; '{cwd}' in it stands for the directory the tests run in), and whose '-- args: ...'
-- line gives the command more arguments.
local function lua_cases(glob, what, run)
  for _, file in ipairs(list(glob)) do
    cases = cases + 1
    H.test(what .. " " .. file .. ": exit 2 and exactly its message", function()
      local text = H.read(file)
      local line, msg = text:match("^%-%- expect: (%d+) ([^\n]+)")
      assert(line, file .. ": no '-- expect: LINE MESSAGE' header")
      local args = {}
      for a in (text:match("\n%-%- args: ([^\n]+)") or ""):gmatch("%S+") do args[#args + 1] = a end
      local out, status = run(file, table.unpack(args))
      if status ~= 2 then error(string.format("%s: exit %s, not 2:\n%s", file, tostring(status), out)) end
      msg = msg:gsub("{cwd}", (H.sh("pwd"):gsub("\n$", ""):gsub("%%", "%%%%")))
      exactly(out, "budget: " .. file .. (line == "0" and "" or (":" .. line)) .. ": " .. msg, file)
    end)
  end
end

lua_cases("tests/bad/models/*.lua", "bad model", function(file) return H.budget("check", file) end)
lua_cases("tests/bad/scripts/*.lua", "bad script", function(file) return H.budget("run", file, "--model", MODEL) end)
lua_cases("tests/bad/amounts/*.lua", "bad amount", function(file) return H.budget("run", file, "--model", MODEL) end)
lua_cases("tests/bad/references/*.lua", "bad reference", function(file)
  return H.budget("run", file, "--model", MODEL)
end)
-- Scripts that try what the sandbox forbids, or pass a limit, and models that do the same: each
-- stopped with its own message, within its time limit and a second, and under its memory limit
-- (the process's peak, as GNU time reads it). Not under valgrind (BUDGET_WRAP): it is slow on purpose;
-- and not the memory under a sanitizer (BUDGET_SANITIZED), whose shadow memory the peak counts too.
local DEFAULT_SECONDS, DEFAULT_MEMORY = 60, 1 << 30
local BASE_RSS = 120 << 20  -- the engine, its model and the C library's own, beside what the limit covers

-- The value of --NAME in args, or nil.
local function arg_of(args, name)
  for i, a in ipairs(args) do if a == "--" .. name then return tonumber(args[i + 1]) end end
end

-- Runs the budget command under GNU time: its output, status, seconds and peak RSS in bytes.
local function measured(...)
  if H.wrap then
    local out, status = H.budget(...)
    return out, status, nil, nil
  end
  local stats = H.tmpname(".time")
  local args = { "/usr/bin/time", "-f", "%e %M", "-o", stats, H.bin, ... }
  for i, a in ipairs(args) do args[i] = "'" .. tostring(a):gsub("'", "'\\''") .. "'" end
  local out, status = H.sh(table.concat(args, " "))
  local seconds, kb = H.read(stats):match("([%d.]+) (%d+)%s*$")
  return out, status, tonumber(seconds), tonumber(kb) * 1024
end

-- Fails unless the run kept to the limits of its args.
local function within(file, args, seconds, rss)
  if not seconds then return end
  local max_s = arg_of(args, "max-seconds") or DEFAULT_SECONDS
  local max_m = arg_of(args, "max-memory") or DEFAULT_MEMORY
  if max_s > 1e6 then max_s = DEFAULT_SECONDS end  -- "no time limit" in a case: the default bound still holds
  if seconds > max_s + 1 then error(string.format("%s: %.2f s, past its %g s limit and a second", file, seconds, max_s)) end
  if rss > max_m + BASE_RSS and not os.getenv("BUDGET_SANITIZED") then
    error(string.format("%s: a peak of %d MB, past its %d MB limit", file, rss >> 20, max_m >> 20))
  end
end

lua_cases("tests/bad/sandbox/*.lua", "sandboxed script", function(file, ...)
  local out, status, seconds, rss = measured("run", file, "--model", MODEL, ...)
  within(file, { ... }, seconds, rss)
  return out, status
end)
lua_cases("tests/bad/sandbox/models/*.lua", "hostile model", function(file)
  local out, status, seconds, rss = measured("check", file)
  within(file, {}, seconds, rss)
  return out, status
end)

-- The same scripts as the points of a batch: each point's row says what stopped it, and the batch
-- ends with exit 2 (a script that only a run can be, '-- batch: no', is left out).
for _, file in ipairs(list("tests/bad/sandbox/*.lua")) do
  local text = H.read(file)
  if not text:find("\n%-%- batch: no") then
    cases = cases + 1
    H.test("sandboxed script " .. file .. " as a batch point: a failed row with its message", function()
      local line, msg = text:match("^%-%- expect: (%d+) ([^\n]+)")
      local args = {}
      for a in (text:match("\n%-%- args: ([^\n]+)") or ""):gmatch("%S+") do args[#args + 1] = a end
      local out, status, seconds, rss = measured("batch", file, "--model", MODEL, "--param", "p=1", "--jobs", "1",
        table.unpack(args))
      within(file, args, seconds, rss)
      H.eq(status, 2, file .. "\n" .. out)
      msg = msg:gsub("{cwd}", (H.sh("pwd"):gsub("\n$", ""):gsub("%%", "%%%%")))
      local want = file .. (line == "0" and "" or (":" .. line)) .. ": " .. msg
      H.has(out, want, file .. ": the row's message")
      H.has(out, "1 of 1 points failed", file)
    end)
  end
end

-- A hostile model under a batch: the batch does not start, and says why.
for _, file in ipairs(list("tests/bad/sandbox/models/*.lua")) do
  cases = cases + 1
  H.test("hostile model " .. file .. " under a batch: exit 2 and its message", function()
    local line, msg = H.read(file):match("^%-%- expect: (%d+) ([^\n]+)")
    local script = H.tmpname(".lua")  -- a point that makes a scenario and asks for its violations: the rules run
    H.write(script, 'budget.emit(model:scenario("x"), {})\n')
    local out, status, seconds, rss = measured("batch", script, "--model", file, "--param", "p=1")
    within(file, {}, seconds, rss)
    H.eq(status, 2, file .. "\n" .. out)
    if msg:find("rule .* failed: .*ran past its limit") then  -- a rule runs in the point's run, under its limits
      H.has(out, "ran past its limit", file)
    else
      H.has(out, file .. (line == "0" and "" or (":" .. line)) .. ": " .. msg, file)
    end
  end)
end

-- Documents: NAME.txt with NAME.expect, 'LINE MESSAGE'; the import writes no file.
for _, file in ipairs(list("tests/bad/documents/*.txt")) do
  cases = cases + 1
  H.test("bad document " .. file .. ": exit 2, exactly its message, no file", function()
    local line, msg = H.read(file:gsub("%.txt$", ".expect")):match("^(%d+) ([^\n]+)")
    assert(line, file .. ": no LINE MESSAGE in its .expect")
    local out = H.tmpname(".lua")
    local text, status = H.budget("import", file, "-o", out)
    H.eq(status, 2, file .. "\n" .. text)
    exactly(text, "budget: " .. file .. ":" .. line .. ": " .. msg, file)
    assert(not io.open(out), "an output file was left: " .. out)
  end)
end

-- Command lines: NAME.cli holds 'args: ...' (split at spaces), 'exit: N' and 'message: ...',
-- the whole of what the command must print.
for _, file in ipairs(list("tests/bad/cli/*.cli")) do
  cases = cases + 1
  H.test("bad command line " .. file .. ": its exit status and exactly its message", function()
    local text = H.read(file)
    local args, exit, msg = text:match("\nargs: ([^\n]*)"), text:match("\nexit: (%d+)"), text:match("\nmessage: ([^\n]+)")
    assert(args and exit and msg, file .. ": needs 'args:', 'exit:' and 'message:' lines after its comment")
    local argv = {}
    for a in args:gmatch("%S+") do argv[#argv + 1] = a end
    local out, status = H.budget(table.unpack(argv))
    H.eq(status, tonumber(exit), file .. ": exit status\n" .. out)
    exactly(out, msg, file)
  end)
end

H.test("the corpus has at least 50 cases", function()
  assert(cases >= 50, "only " .. cases .. " cases")
end)

print(string.format("bad-input corpus: %d cases", cases))
H.run()
