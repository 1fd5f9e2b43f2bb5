-- tests/lua/test_limits.lua
-- A model's size and what 'check' and 'show' do with it (engine/lua/model.lua's LIMITS): the
-- work of 'check', 'show' and 'show --scenario' grows in proportion to the model (counted in the
-- engine's steps, not timed; the seconds are printed beside them); totals by any dimension's
-- member, path references through a shared name and the lines of values a model makes in a loop
-- stay right on their quick paths; the limits hold for members and cells from CSV files too.
-- Each limit's message is a case of tests/bad/models/limit-*.lua.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"

-- {==================================================================
-- Models of any size
-- ===================================================================

-- A model of n members and cells that uses what 'check' and 'show' read: a view by members with
-- stated rows and view_rules, a view of n/2 listed rows and one that sums them, rules on stated
-- figures (of every tenth row, down the table) and on the members of a second dimension (100 of
-- them, a fact set's second dimension), every part but the last growing with n.
local function model_text(n)
  return ([[
local n = N
local fn, src = {}, {}
for i = 1, n do fn[i] = {string.format("%06d", i), "科目" .. i} end
for i = 1, 100 do src[i] = {"来源" .. i} end
dimension "功能分类" (fn)
dimension "资金来源" (src)
dimension "支出性质" { {"基本支出"}, {"项目支出"} }
local cells, printed = { dims = {"功能分类", "资金来源", "支出性质"} }, {}
for i = 1, n do
  local code, even = string.format("%06d", i), i % 2 == 0
  cells[i] = {code, "来源" .. (i % 100 + 1), even and "基本支出" or "项目支出", tostring(i)}
  printed[i] = {code, "科目" .. i, tostring(i), even and tostring(i) or "", even and "" or tostring(i)}
end
facts "支出" (cells)
view "总表" { facts = "支出", rows = { dimension = "功能分类" }, stated = printed,
  columns = { {"合计"}, {"基本支出", {["支出性质"] = "基本支出"}}, {"项目支出", {["支出性质"] = "项目支出"}} } }
view_rules "总表"
local rows, parts = {}, {}
for i = 1, n // 2 do rows[i] = {"行" .. i, {["功能分类"] = string.format("%06d", i)}}; parts[i] = "行" .. i end
rows[#rows + 1] = {"小计", {}, parts = parts}
view "明细" { facts = "支出", rows = rows, columns = { {"合计"} } }
for i = 10, n, 10 do
  local code = string.format("%06d", i)
  equal("行" .. i, stated("总表", code, "合计"), total {["功能分类"] = code})
end
for i = 1, 100 do at_most("来源" .. i, total {["资金来源"] = "来源" .. i}, total()) end
]]):gsub("N", tostring(n), 1)
end

local dir = H.tmpname("-limits")
H.sh("mkdir -p '" .. dir .. "'")
H.defer(function() H.sh("rm -rf '" .. dir .. "'") end)

local function model_file(n)
  local path = string.format("%s/model-%d.lua", dir, n)
  H.write(path, model_text(n))
  return path
end

-- }==================================================================

-- {==================================================================
-- The work of check and show, counted
-- ===================================================================

-- The Lua module beside the command (BUDGET_BIN's directory), when a stock lua5.4 can load it: not
-- a sanitizer's build, whose module needs the sanitizer's runtime.
local function module()
  local cpath = (H.bin:match("^(.*)/[^/]*$") or ".") .. "/lua/?.so"
  local _, status = H.sh("LUA_CPATH='" .. cpath .. "' lua5.4 -e 'require \"budget\"'")
  if status ~= 0 then return nil end
  package.cpath = cpath .. ";" .. package.cpath
  require "budget"
  return package.loaded["budget.c"]
end

-- The steps a call needs: the least budget of steps (the engine's guard: Lua instructions and
-- the C work it charges) under which it finishes, to within 1%. Deterministic, unlike a time.
local function steps(C, f)
  local function within(n)
    local ok, err, what = C.guarded({ steps = n }, "work", f)
    if not ok and what ~= "limit" then error(err, 0) end
    return ok
  end
  local lo, hi = 0, 1 << 20
  while not within(hi) do lo, hi = hi, hi * 2 end
  while hi - lo > hi // 100 do
    local mid = (lo + hi) // 2
    if within(mid) then hi = mid else lo = mid end
  end
  return hi
end

-- A command of the engine run in this process, its output and messages dropped; raises unless it exits 0.
local function quietly(cli, args)
  return function()
    local write, stderr = io.write, io.stderr
    io.write, io.stderr = function() end, { write = function() end }
    local ok, status = pcall(cli.main, args)
    io.write, io.stderr = write, stderr
    if not ok then error(status, 0) end
    assert(status == 0, table.concat(args, " ") .. ": exit " .. tostring(status))
  end
end

H.test("check, show and show --scenario work in proportion to the model: twice the model, at most 2.2 times the steps",
function()
  local C = module()
  if not C then
    print("  (skipped: a stock lua5.4 cannot load " .. H.bin .. "'s module, a sanitizer's build)")
    return
  end
  local cli = require "budget.cli"
  local sizes = { 1000, 2000, 4000 }
  local cut = dir .. "/cut.lua"  -- every cell changes: the scenario's tables read every change
  H.write(cut, 'local s = model:scenario("cut")\ns:scale(nil, "95%")\n')
  for _, cmd in ipairs { { "check" }, { "show" }, { "show", "--scenario", cut } } do
    local counted, line = {}, {}
    for i, n in ipairs(sizes) do
      local path = model_file(n)
      local f = quietly(cli, { cmd[1], path, table.unpack(cmd, 2) })
      local t = os.clock()
      f()
      local seconds = os.clock() - t
      counted[i] = steps(C, f)
      line[#line + 1] = string.format("n=%d: %d steps (%.0f a member), %.3f s", n, counted[i], counted[i] / n, seconds)
    end
    local name = cmd[1] .. (cmd[2] and " --scenario" or "")
    print(string.format("  %s: %s", name, table.concat(line, "; ")))
    for i = 2, #sizes do  -- linear: 2 (less the fixed part); a path in n², from 2.3 here to 4
      local ratio = counted[i] / counted[i - 1]
      assert(ratio <= 2.2, string.format("%s: %d members take %.2f times the steps of %d", name, sizes[i], ratio,
        sizes[i - 1]))
    end
  end
end)

H.test("past the limits from CSV files: members and cells a file adds count as the model's own do", function()
  local C = module()
  if not C then
    print("  (skipped: a stock lua5.4 cannot load " .. H.bin .. "'s module, a sanitizer's build)")
    return
  end
  local LIMITS = require("budget.model").LIMITS
  local members, cells = {}, {}
  for i = 1, 150 do
    members[i] = string.format("%03d,科目%d", i, i)
    cells[i] = string.format("%03d,1.00", i)
  end
  H.write(dir .. "/members.csv", table.concat(members, "\n") .. "\n")
  H.write(dir .. "/cells.csv", table.concat(cells, "\n") .. "\n")
  local path = dir .. "/csv.lua"
  H.write(path, 'dimension "功能分类" { file = "members.csv" }\n'
    .. 'facts "支出" { dims = {"功能分类"}, file = "cells.csv" }\n')
  local budget = require "budget"
  local saved = { members = LIMITS.members, cells = LIMITS.cells }
  H.defer(function() LIMITS.members, LIMITS.cells = saved.members, saved.cells end)
  LIMITS.members = 100
  local ok, err = pcall(budget.load, path)
  H.eq(ok, false, "150 members past a limit of 100")
  H.eq(err, path .. ":1: the model has more than 100 members (the limit); dimension \"功能分类\" passes it", "message")
  LIMITS.members, LIMITS.cells = saved.members, 100
  ok, err = pcall(budget.load, path)
  H.eq(err, path .. ":2: the model has more than 100 cells (the limit); facts \"支出\" passes it", "message")
  LIMITS.cells = saved.cells
  ok, err = pcall(budget.load, path)
  assert(ok, tostring(err))
  H.eq(err:total():fen(), 15000, "within the limits, the model loads")
end)

-- }==================================================================

-- {==================================================================
-- The quick paths give what the slow ones gave
-- ===================================================================

H.test("a total by any dimension's members equals the sum of its cells (the orders of other dimensions)", function()
  -- a fact set whose second and third dimensions have 64 members or more, a tree of them: its
  -- totals by them read the cells in those dimensions' order; each against the cells summed here
  local model = dir .. "/orders.lua"
  H.write(model, [[
local a, b, c = {}, {}, {}
for i = 1, 50 do a[i] = {string.format("A%02d", i), "甲" .. i} end
for i = 1, 20 do
  local kids = {}
  for j = 1, 6 do kids[j] = {string.format("B%02d%d", i, j), "乙" .. i .. "-" .. j} end
  b[i] = {string.format("B%02d", i), "乙" .. i, table.unpack(kids)}
end
for i = 1, 80 do c[i] = {"丙" .. i} end
dimension "甲" (a)
dimension "乙" (b)
dimension "丙" (c)
local cells, seed = { dims = {"甲", "乙", "丙"} }, 7
local function rnd(k) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % k + 1 end
local seen = {}
while #cells < 3000 do
  local a, b, c = string.format("A%02d", rnd(50)), string.format("B%02d%d", rnd(20), rnd(6)), "丙" .. rnd(80)
  if not seen[a .. b .. c] then
    seen[a .. b .. c] = true
    cells[#cells + 1] = {a, b, c, tostring(rnd(1000)) .. ".01"}
  end
end
facts "F" (cells)
]])
  local script = dir .. "/orders-script.lua"
  H.write(script, [[
local m = model
local cells = m:cells("F")
local function sum(want)
  local fen = 0
  for _, c in ipairs(cells) do
    local ok = true
    for d = 1, 3 do
      if want[d] and not want[d][c[d] ] then ok = false end
    end
    if ok then fen = fen + c[4]:fen() end
  end
  return fen
end
-- the members within each member (itself and those beneath it), by id
local function beneath(dim)
  local by_id, under = {}, {}
  for _, mem in ipairs(m:members(dim)) do by_id[mem.id], under[mem.id] = mem, {} end
  for _, mem in ipairs(m:members(dim)) do
    local p = mem.id
    while p do
      under[p][mem.id] = true
      p = by_id[p].parent
    end
  end
  return under
end
local dims = {"甲", "乙", "丙"}
local checked, wrong = 0, 0
for d, dim in ipairs(dims) do
  local under = beneath(dim)
  for _, mem in ipairs(m:members(dim)) do
    local want = {}
    want[d] = under[mem.id]
    local ref = {}
    ref[dim] = mem.code ~= "" and mem.code or mem.name
    if m:total(ref):fen() ~= sum(want) then wrong = wrong + 1 end
    checked = checked + 1
    -- and with a member of the next dimension as well
    local e = d % 3 + 1
    local other = m:members(dims[e])[mem.id % #m:members(dims[e]) + 1]
    want[e] = beneath(dims[e])[other.id]
    ref = { [dim] = ref[dim], [dims[e] ] = other.code ~= "" and other.code or other.name }  -- a new table: a
    if m:total(ref):fen() ~= sum(want) then wrong = wrong + 1 end                   -- reference is resolved once
    checked = checked + 1
  end
end
print(checked .. " totals, " .. wrong .. " wrong")
]])
  local out, status = H.budget("run", script, "--model", model, "--max-steps", "400000000")
  H.eq(status, 0, out)
  H.has(out, " totals, 0 wrong", "every total")
end)

H.test("a path through a name many members share finds the one it names, and the ambiguous ones still are", function()
  -- 行政运行 under each of 200 款: '款7/行政运行' looks from 款7 down, not through every 行政运行
  local lines = { 'local t = {}', 'for i = 1, 200 do t[i] = {string.format("%03d", i), "款" .. i, ' ..
    '{string.format("%03d01", i), "行政运行"}, {string.format("%03d02", i), "其他"}} end',
    't[201] = {"999", "款7", {"99901", "行政运行"}}', 'dimension "功能分类" (t)',
    'facts "支出" { dims = {"功能分类"}, {"款8/行政运行", "5"}, {"00702", "1"}, {"款199/行政运行", "7"} }' }
  local model = dir .. "/paths.lua"
  H.write(model, table.concat(lines, "\n") .. "\n")
  local out, status = H.budget("totals", model)
  H.eq(status, 0, out)
  H.has(out, "008 01\t行政运行\t5.00", "款8/行政运行")
  H.has(out, "199 01\t行政运行\t7.00", "款199/行政运行")
  H.write(model, table.concat(lines, "\n", 1, 4) .. '\nfacts "支出" { dims = {"功能分类"}, {"款7/行政运行", "5"} }\n')
  out, status = H.budget("check", model)
  H.eq(status, 2, out)
  H.has(out, "'款7/行政运行' is ambiguous in 功能分类: it matches 007 01 行政运行 (款7/行政运行), 999 01 行政运行 "
    .. "(款7/行政运行); give the code or a path", "two 款7 with a 行政运行")
end)

H.test("a value a loop made has no line of its own: the message names the declaration's, at once", function()
  -- 20,000 members made by a loop, declared above 20,000 more lines: the 15,000th is bad. No
  -- code is in the text, so each search read the rest of the file (minutes); now the reads of
  -- one load are bounded, and the message names the declaration's line.
  local filler = string.rep("-- a line of the model's text\n", 20000)
  local model = dir .. "/loop.lua"
  H.write(model, 'local t = {}\nfor i = 1, 20000 do t[i] = {string.format("c%05d", i), i == 15000 and "甲/乙" or '
    .. '("科目" .. i)} end\ndimension "功能分类" (t)\n' .. filler)
  local out, status = H.budget("check", model)
  H.eq(status, 2, out)
  H.eq(out, "budget: " .. model .. ":3: '甲/乙' in 功能分类: a code of letters and digits and a non-empty name "
    .. "without '/'\n", "the message")
end)

-- }==================================================================

H.run()
