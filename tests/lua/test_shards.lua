-- tests/lua/test_shards.lua
-- Shards on a scheduler (issue 18): examples/shards-parallel.sh runs a sweep as N shards under
-- GNU parallel and joins them; the joined file is one run's -o file byte for byte, in csv and
-- jsonl, for shards of even and uneven sizes; its exit status is one run's (1: violations, not a
-- failure); a shard that fails or is interrupted fails the whole and leaves no OUT and no
-- temporary file. Every path here has a space in it.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"

local S = require "sast"
local MODEL = S.MODEL
local EXAMPLE = "examples/shards-parallel.sh"
local SWEEP = "scripts/sweep-science.lua"

local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

-- A directory of the test's own, with a space in its name; TMPDIR for the example is in it.
local dir = H.tmpname(" shards")
assert(select(2, H.sh("mkdir -p " .. q(dir .. "/tmp"))) == 0, "mkdir " .. dir)
H.defer(function() H.sh("rm -rf " .. q(dir)) end)
local TMPDIR = dir .. "/tmp"

-- BUDGET for the example: one path (with a space), a shell script that runs the command under
-- test (with BUDGET_WRAP before it, as H.budget does). 'fail' is shell run first (to fake a shard's status).
local shims = 0
local function shim(fail)
  shims = shims + 1
  local path = string.format("%s/budget %d", dir, shims)
  H.write(path, "#!/bin/sh\n" .. (fail or "") .. "\nexec " .. (H.wrap and H.wrap .. " " or "") .. q(H.bin) .. ' "$@"\n')
  H.sh("chmod +x " .. q(path))
  return path
end
local BUDGET = shim()

-- Runs the example; returns its output and exit status.
local function example(budget, script, n, out, ...)
  local args = { EXAMPLE, script, MODEL, n, out, ... }
  for i, a in ipairs(args) do args[i] = q(a) end
  return H.sh("BUDGET=" .. q(budget) .. " TMPDIR=" .. q(TMPDIR) .. " sh " .. table.concat(args, " "))
end

-- What one unsharded run writes with -o, and its exit status.
local function one_run(script, ...)
  local path = dir .. "/one run.out"
  os.remove(path)
  local out, status = H.budget("batch", script, "--model", MODEL, "-o", path, ...)
  assert(status == 0 or status == 1, "the unsharded run\n" .. out)
  local text = H.read(path)
  os.remove(path)
  return text, status
end

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

-- Nothing the example made is left behind: not its temporary directory, not a part of OUT.
local function nothing_left(out)
  H.eq(H.sh("ls -A " .. q(TMPDIR)), "", "what is left in TMPDIR")
  local name = out:match("[^/]*$")
  local listing = H.sh("ls -A " .. q(dir))
  for f in listing:gmatch("[^\n]+") do
    assert(f == name or not f:find(name, 1, true), "a temporary file is left beside OUT: " .. f)
  end
end

-- Two parameters, 7 × 5 = 35 points: 3 shards are 11, 12 and 12 points. 公务接待费 moves by
-- (grow - 3) × 1000 元, so it grows (an error-severity rule breaks) only from point 20 on: shard 1
-- exits 0, shards 2 and 3 exit 1, and the whole run exits 1.
local TWO = dir .. "/two params.lua"
H.write(TWO, [[
local s = model:scenario("科学技术支出压减" .. params.rate .. ", 公务接待费" .. params.grow)
s:cut("科学技术支出", params.rate)
s:add({["三公经费"] = "公务接待费"}, budget.money((tonumber(params.grow) - 3) * 1000 .. "元"))
budget.emit(s, { science = s:total("科学技术支出"), reception = s:total({["三公经费"] = "公务接待费"}) })
]])
local TWO_PARAMS = { "--param", "grow=0:6:1", "--param", "rate=0%:4%:1%" }

H.test("GNU parallel is installed (make deps-check installs it)", function()
  local out, status = H.sh("command -v parallel")
  H.eq(status, 0, "command -v parallel: " .. out)
end)

local cases = {
  { name = "sweep-science, rate=0%:10%:0.5%", script = SWEEP, params = { "--param", "rate=0%:10%:0.5%" }, status = 0 },
  { name = "two parameters, 7 × 5 points (uneven shards)", script = TWO, params = TWO_PARAMS, status = 1 },
}
for _, c in ipairs(cases) do
  for _, format in ipairs { "csv", "jsonl" } do
    H.test(string.format("3 shards joined are one run's %s, byte for byte: %s", format, c.name), function()
      local args = { table.unpack(c.params) }
      args[#args + 1] = "--format"
      args[#args + 1] = format
      local whole, whole_status = one_run(c.script, table.unpack(args))
      H.eq(whole_status, c.status, "the unsharded run's exit")
      local out = dir .. "/joined out." .. format
      os.remove(out)
      local text, status = example(BUDGET, c.script, 3, out, table.unpack(args))
      H.eq(status, c.status, "the example's exit (one run's)\n" .. text)
      assert(exists(out), "no OUT\n" .. text)
      local joined = H.read(out)
      assert(#joined > 0 and joined == whole,
        string.format("the joined file (%d bytes) is not one run's (%d bytes):\n%s\n--- one run:\n%s", #joined, #whole,
          joined:sub(1, 1500), whole:sub(1, 1500)))
      if format == "csv" then
        H.eq(select(2, joined:gsub("\r\npoint,", "")), 0, "the header, once")
        assert(joined:find("^point,"), "the header first")
      end
      nothing_left(out)
      os.remove(out)
    end)
  end
end

H.test("one shard and five shards: the same bytes as one run", function()
  local whole = one_run(TWO, table.unpack(TWO_PARAMS))
  for _, n in ipairs { 1, 5 } do
    local out = dir .. "/joined " .. n .. ".csv"
    local text, status = example(BUDGET, TWO, n, out, table.unpack(TWO_PARAMS))
    H.eq(status, 1, n .. " shards: the exit\n" .. text)
    H.eq(H.read(out), whole, n .. " shards: the joined file")
    nothing_left(out)
    os.remove(out)
  end
end)

H.test("a script with a syntax error: every shard fails, the example exits 2, no OUT", function()
  local bad = dir .. "/bad script.lua"
  H.write(bad, "local s = model:scenario(\n")
  local out = dir .. "/never.csv"
  local text, status = example(BUDGET, bad, 3, out, "--param", "rate=0%:10%:0.5%")
  H.eq(status, 2, "exit\n" .. text)
  assert(not exists(out), "OUT was written")
  H.has(text, "not written", "the example says so")
  nothing_left(out)
end)

H.test("a point that fails in one shard fails the whole; an old OUT is left as it was", function()
  local script = dir .. "/fails once.lua"
  H.write(script, [[
if params.rate == "7%" then error("no scenario at 7%") end
local s = model:scenario("x" .. params.rate)
s:cut("科学技术支出", params.rate)
budget.emit(s, { science = s:total("科学技术支出") })
]])
  local out = dir .. "/old out.csv"
  H.write(out, "the old file\n")
  local text, status = example(BUDGET, script, 3, out, "--param", "rate=0%:10%:0.5%")
  H.eq(status, 2, "exit\n" .. text)
  H.eq(H.read(out), "the old file\n", "OUT")
  nothing_left(out)
  os.remove(out)
end)

H.test("a shard interrupted (status 130) fails the whole with 130, no OUT", function()
  local budget = shim('case "$*" in *"--shard 2/3"*) exit 130 ;; esac')
  local out = dir .. "/interrupted.csv"
  local text, status = example(budget, SWEEP, 3, out, "--param", "rate=0%:10%:0.5%")
  H.eq(status, 130, "exit\n" .. text)
  assert(not exists(out), "OUT was written")
  nothing_left(out)
end)

H.test("--format html is refused: pages do not join", function()
  local out = dir .. "/page.html"
  local text, status = example(BUDGET, SWEEP, 3, out, "--param", "rate=0%:10%:0.5%", "--format", "html")
  H.eq(status, 2, "exit\n" .. text)
  assert(not exists(out), "OUT was written")
end)

H.run()
