-- bench/phases.lua: the engine's in-process phases on one generated model, timed
-- with the C library's monotonic clock (budget.clock) through the Lua module:
--   load    budget.load of the model and its CSV files, and every lookup index made;
--   totals  every member's total of 功能分类 (one pass over the cells, one up the tree);
--   cut     a 5% cut of the first top-level account in a new scenario, then its total
--           and the grand total again (what the analyst reads next);
--   bytes   what the model's dimensions and fact sets hold (model_bytes).
-- Prints one line: 'N load_med load_min load_max totals_… cut_… bytes', seconds.
-- Usage: LUA_CPATH='build/lua/?.so' lua5.4 bench/phases.lua MODEL N REPS
local budget = require "budget"
local path, n, reps = arg[1], tonumber(arg[2]), tonumber(arg[3] or 5)

local function stats(xs)
  table.sort(xs)
  local mid = #xs // 2 + 1
  local median = #xs % 2 == 1 and xs[mid] or (xs[mid - 1] + xs[mid]) / 2
  return median, xs[1], xs[#xs]
end

local loads, model = {}, nil
for i = 1, reps do
  model = nil
  collectgarbage()
  local t = budget.clock()
  model = budget.load(path)
  model.core:prepare()
  loads[i] = budget.clock() - t
end

local set = model.sets[1]
local dim = model.core:dim_index("功能分类")
local totals = {}
for i = 1, reps * 4 do totals[i] = model.core:rollup_seconds(set.index, dim) end

local top = model.core:info(dim, 0).code  -- member 0: the first top-level account
local cuts, base = {}, model:scenario("base"):total(top)
for i = 1, reps * 4 do
  local s = model:scenario("cut")
  local t = budget.clock()
  s:cut(top, "5%")
  local after, all = s:total(top), s:total()
  cuts[i] = budget.clock() - t
  assert(after ~= base and all, "the cut changed nothing")
end

local lm, ll, lh = stats(loads)
local tm, tl, th = stats(totals)
local cm, cl, ch = stats(cuts)
print(string.format("%d %.6f %.6f %.6f %.6f %.6f %.6f %.6f %.6f %.6f %d", n, lm, ll, lh, tm, tl, th, cm, cl, ch,
                    model.core:bytes()))
