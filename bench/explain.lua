-- bench/explain.lua: what explaining a scenario costs. On a generated model of
-- BENCH_LEAVES (default 100,000) leaves (bench/gen.c), a script with three
-- whole-set cuts run by the whole 'budget run' process, with and without
-- --explain (the steps, every 类 and 款 each step moved, the waterfall). The
-- difference is explaining; with each step's moves recorded as it runs it is
-- reading them, not doing the cuts again. Prints the median of BENCH_REPS runs
-- (default 5) for each command given: $BUILD/budget, and BEFORE when set (the
-- command of another commit, to compare).
-- Usage: BUILD=build [BEFORE=path/to/budget] lua5.4 bench/explain.lua
local build = os.getenv("BUILD") or "build"
local leaves = tonumber(os.getenv("BENCH_LEAVES") or "100000")
local reps = tonumber(os.getenv("BENCH_REPS") or "5")
local dir = os.tmpname()
os.remove(dir)
assert(os.execute(string.format("mkdir -p %s && %s/bench/gen %d %s >/dev/null", dir, build, leaves, dir)))
local script = dir .. "/three-cuts.lua"
local f = assert(io.open(script, "w"))
f:write([[
local s = model:scenario("three whole-set cuts")
s:cut("支出", "5%")
s:cut("支出", "3%")
s:cut("支出", "1%")
s:report()
]])
f:close()

local function now()
  local p = io.popen("date +%s.%N")
  local t = tonumber(p:read("l"))
  p:close()
  return t
end

local function median(bin, extra)
  local xs = {}
  for i = 1, reps do
    local t = now()
    local ok, _, code = os.execute(string.format("%s run %s --model %s/model.lua %s >/dev/null", bin, script, dir, extra))
    xs[i] = now() - t
    assert(ok or code == 1, bin .. " failed")
  end
  table.sort(xs)
  return xs[(#xs + 1) // 2]
end

print(string.format("explain: %d leaves, three whole-set cuts, median of %d runs, whole process", leaves, reps))
print(string.format("%-28s %10s %10s %10s", "command", "run", "--explain", "explaining"))
local bins = { build .. "/budget" }
if os.getenv("BEFORE") then table.insert(bins, 1, os.getenv("BEFORE")) end
for _, bin in ipairs(bins) do
  local plain, explained = median(bin, ""), median(bin, "--explain")
  print(string.format("%-28s %9.3fs %9.3fs %9.3fs", bin, plain, explained, explained - plain))
end
os.execute("rm -rf " .. dir)
