-- tests/lua/test_durable.lua
-- Determinism and durability: the same command gives the same bytes on every
-- run and for every --jobs, with no addresses, hash orders or times in them;
-- and a file written with -o is never found half-written, even when the
-- process is killed (SIGKILL) at any moment of the write.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"

local MODEL = "models/sast-2021.lua"
local DOC = "models/sast-2021.txt"

-- What must never be in an output: a Lua address, a pointer, a clock time or a date of today.
local function no_run_details(out, what)
  for _, pat in ipairs { "table: 0x", "userdata: 0x", "function: 0x", "thread: 0x", "0x%x%x%x%x%x%x",
                         "%d%d:%d%d:%d%d", os.date("%Y%%-%m%%-%d"), os.date("%Y/%m/%d") } do
    if out:find(pat) then error(string.format("%s: '%s' in the output:\n%s", what, pat, out:sub(1, 2000)), 2) end
  end
end

-- Runs a command line (a list of arguments) 'times' times; each output must be the first's.
local function same_each_time(args, times, what)
  local first, status = H.budget(table.unpack(args))
  assert(#first > 0, what .. ": no output")
  no_run_details(first, what)
  for i = 2, times do
    local again, s2 = H.budget(table.unpack(args))
    H.eq(s2, status, what .. ": exit status of run " .. i)
    if again ~= first then error(string.format("%s: run %d differs from run 1", what, i)) end
  end
  return first, status
end

H.test("every command gives the same bytes on every run, with no addresses, hash orders or times", function()
  local cases = {
    { "run", "scripts/cut-science-5pct.lua", "--model", MODEL },
    { "run", "scripts/breaks-rules.lua", "--model", MODEL, "--format", "json" },
    { "run", "scripts/reallocate-projects.lua", "--model", MODEL, "--format", "csv" },
    { "run", "scripts/hold-personnel-cut-3pct.lua", "--model", MODEL, "--format", "md" },
    { "check", MODEL },
    { "show", MODEL },
    { "show", MODEL, "--format", "json" },
    { "totals", MODEL },
    { "import", DOC },
    { "batch", "scripts/sweep-science.lua", "--model", MODEL, "--param", "rate=0%:10%:0.5%", "--format", "jsonl" },
  }
  for _, args in ipairs(cases) do same_each_time(args, 3, table.concat(args, " ")) end
end)

H.test("batch: the same bytes for --jobs 1, 2, 3 and 8, on stdout and in the -o file", function()
  local base = { "batch", "scripts/sweep-science.lua", "--model", MODEL, "--param", "rate=0%:10%:0.1%",
                 "--param", "hold=a,b" }
  local function with(...)
    local t = { table.unpack(base) }
    for _, a in ipairs { ... } do t[#t + 1] = a end
    return t
  end
  local want = same_each_time(with("--jobs", "1"), 2, "batch --jobs 1")
  H.eq(select(2, want:gsub("\n", "")), 203, "the header and 101 × 2 rows")
  for _, j in ipairs { "2", "3", "8" } do
    local got = same_each_time(with("--jobs", j), 2, "batch --jobs " .. j)
    if got ~= want then error("--jobs " .. j .. " differs from --jobs 1") end
    local out = H.tmpname(".csv")
    local text, status = H.budget(table.unpack(with("--jobs", j, "-o", out)))
    H.eq(status, 0, "batch -o (its cuts are carried: no error)\n" .. text)
    if H.read(out) ~= want then error("-o with --jobs " .. j .. " differs from stdout") end
  end
end)

-- {==================================================================
-- Killed while writing
-- ===================================================================

-- Kills a command, 40 by default; 'make memcheck' asks for fewer (under valgrind each takes seconds).
local ROUNDS = tonumber(os.getenv("BUDGET_KILL_ROUNDS") or "") or 40

-- Seconds the command takes, the best of three.
local function duration(cmd)
  local best = math.huge
  for _ = 1, 3 do
    local us = H.sh("s=$(date +%s%N); " .. cmd .. " >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000 ))")
    best = math.min(best, (tonumber(us) or math.huge) / 1e6)
  end
  return best
end

-- Starts cmd, kills it with SIGKILL after 'delay' seconds (if it still runs); true if it was killed.
local function kill_after(cmd, delay)
  local out = H.sh(string.format("%s >/dev/null 2>&1 & pid=$!; sleep %.4f; kill -9 $pid 2>/dev/null && echo killed; "
    .. "wait $pid 2>/dev/null; true", cmd, delay))
  return out:find("killed") ~= nil
end

-- Kills cmd, which writes 'path', at 'rounds' moments spread over its run; before each the
-- path holds 'old'; after each it must hold 'old' or exactly 'whole'. Returns how many
-- kills landed while the command ran, and how many of those left the new file whole.
local function kill_while_writing(cmd, path, old, whole, rounds)
  local t = duration(cmd)
  local killed, finished = 0, 0
  math.randomseed(20211)  -- the same moments on every run of the test
  for i = 1, rounds do
    H.write(path, old)
    local delay = t * 1.2 * (i - 1 + math.random()) / rounds
    if kill_after(cmd, delay) then killed = killed + 1 end
    local now = H.read(path)
    if now ~= old and now ~= whole then
      error(string.format("killed after %.4f s: %s holds %d bytes, neither the old file (%d) nor the whole new one (%d)",
        delay, path, #now, #old, #whole))
    end
    if now == whole then finished = finished + 1 end
  end
  return killed, finished, t
end

-- Temporary files the kills left beside 'path' (path.tmp.PID.XXXXXX): removed after the test.
local function remove_temporaries(path)
  H.sh("rm -f '" .. path .. "'.tmp.*")
end

-- How many temporary files are beside 'path'.
local function temporaries(path)
  return tonumber((H.sh("ls '" .. path .. "'.tmp.* 2>/dev/null | wc -l"))) or 0
end

H.test("import -o killed at any moment: the output is the old file or the whole model, never a part", function()
  local out = H.tmpname(".lua")
  local cmd = string.format("%s import %s -o %s", H.bin, DOC, out)
  local text, status = H.sh(cmd)
  H.eq(status, 0, "import\n" .. text)
  local whole = H.read(out)
  local killed, finished, t = kill_while_writing(cmd, out, "-- the old model\n", whole, ROUNDS)
  remove_temporaries(out)
  print(string.format("import -o: %d SIGKILLs over %.0f ms, %d while it ran; the file was old or whole every time"
    .. " (%d whole)", ROUNDS, t * 1000, killed, finished))
  assert(killed >= ROUNDS // 4, "too few kills landed while the import ran: " .. killed)
end)

H.test("batch -o killed at any moment: the output is the old file or the whole CSV, never a part", function()
  local out = H.tmpname(".csv")
  local cmd = string.format("%s batch scripts/sweep-science.lua --model %s --param rate=0%%:20%%:0.002%% --jobs 2 -o %s",
    H.bin, MODEL, out)
  local text, status = H.sh(cmd)
  H.eq(status, 0, "batch (its cuts are carried: no error)\n" .. text)
  local whole = H.read(out)
  H.eq(select(2, whole:gsub("\n", "")), 10002, "the header and 10,001 rows")
  local killed, finished, t = kill_while_writing(cmd, out, "old,file\r\n", whole, ROUNDS)
  local left = temporaries(out)
  -- the next run removes what the killed ones left (their PIDs are gone), and leaves none of its own
  text, status = H.sh(cmd)
  H.eq(status, 0, "the batch after the kills\n" .. text)
  H.eq(H.read(out), whole, "the run after the kills writes the whole file")
  H.eq(temporaries(out), 0, "temporary files after the next run (the kills left " .. left .. ")")
  -- and with no file there before: a kill leaves the path absent or whole
  os.remove(out)
  for i = 1, 4 do
    kill_after(cmd, t * i / 5)
    local f = io.open(out, "rb")
    if f then
      local now = f:read("a")
      f:close()
      if now ~= whole then error("killed with no old file: " .. out .. " holds " .. #now .. " bytes, not the whole file") end
      os.remove(out)
    end
  end
  remove_temporaries(out)
  print(string.format("batch -o: %d SIGKILLs over %.0f ms, %d while it ran; the file was old or whole every time"
    .. " (%d whole); %d temporaries left by the kills, none after the next run", ROUNDS, t * 1000, killed, finished,
    left))
  assert(killed >= ROUNDS // 4, "too few kills landed while the batch ran: " .. killed)
end)

-- }==================================================================

H.run()
