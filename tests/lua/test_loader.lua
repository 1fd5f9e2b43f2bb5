-- tests/lua/test_loader.lua
-- The model loader (engine/lua/loader.lua): a model file's vocabulary builds
-- the dimensions, fact sets, scalars and views the Model answers from; amounts
-- are read in the model's unit; members and cells may come from CSV files
-- beside the model; the loaded model is read-only. (Its refusals, each with
-- its file and line, are the cases of tests/bad/models, run by test_bad.)
-- Expected figures are computed here from the model text's own numbers.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"

-- A small model: two 类 with leaves, one source, amounts in 万元.
local MODEL = [[
model { name = "a test department", main = "支出" }
dimension "功能分类" { levels = {"类", "款"},
  {"201", "一般公共服务支出", {"201 01", "人大事务"}, {"201 03", "政府办公厅"}},
  {"206", "科学技术支出", {"206 07", "科学技术普及"}},
}
dimension "资金来源" { {"一般公共预算"} }
facts "支出" { dims = {"功能分类", "资金来源"}, unit = "万元",
  {"201 01", "一般公共预算", "12.34"},
  {"201 03", "一般公共预算", "0.66"},
  {"206 07", "一般公共预算", "100"},
}
scalar "人数" { 7, count = true }
]]

-- Runs a trusted script that loads MODEL (written to a file) and prints key<TAB>value lines.
local function with_model(body, model_text)
  local dir = H.tmpname("")
  assert(os.execute("mkdir -p " .. dir))
  H.defer(function() os.execute("rm -rf " .. dir) end)
  H.write(dir .. "/m.lua", model_text or MODEL)
  local script = dir .. "/s.lua"
  H.write(script, 'local m = budget.load("' .. dir .. '/m.lua")\n' .. body)
  local out, status = H.budget("run", script, "--trusted")
  return out, status, dir
end

local function values(out)
  local t = {}
  for k, v in out:gmatch("([^\t\n]+)\t([^\n]*)") do t[k] = v end
  return t
end

-- 万元 with two decimals as the engine prints 元: '123,400.00'.
local function wan_to_yuan(text)
  local whole, frac = text:match("^(%d+)%.?(%d*)$")
  local fen = (tonumber(whole) * 10000 + tonumber(((frac or "") .. "0000"):sub(1, 4))) * 100
  local int = tostring(fen // 100):reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")
  return string.format("%s.%02d", int, fen % 100), fen
end

H.test("amounts are read in the model's unit, and totals come from the cells", function()
  local out, status = with_model([[
print("201", tostring(m:total("201")))
print("206", tostring(m:total("206")))
print("all", tostring(m:total()))
]])
  H.eq(status, 0, "the script runs")
  local v = values(out)
  local a, fa = wan_to_yuan("12.34")
  local b, fb = wan_to_yuan("0.66")
  local c, fc = wan_to_yuan("100")
  H.eq(v["206"], c, "206 is its one cell")
  local sum201 = fa + fb
  local function yuan(fen)
    local int = tostring(fen // 100):reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")
    return string.format("%s.%02d", int, fen % 100)
  end
  H.eq(v["201"], yuan(sum201), "201 = Σ its two leaves (" .. a .. " + " .. b .. ")")
  H.eq(v.all, yuan(sum201 + fc), "the grand total = Σ every cell")
end)

H.test("the dimensions, members, fact sets and scalars are the model's, in its order", function()
  local out, status = with_model([[
print("dims", #m.dims)
print("sets", #m.sets)
local names = {}
for _, mem in ipairs(m:members("功能分类")) do names[#names + 1] = mem.spaced .. "=" .. mem.name end
print("members", table.concat(names, ","))
print("scalar", tostring(m:scalar("人数")))
]])
  H.eq(status, 0, "the script runs")
  local v = values(out)
  H.eq(v.dims, "2", "two dimensions")
  H.eq(v.sets, "1", "one fact set")
  H.eq(v.members, "201=一般公共服务支出,201 01=人大事务,201 03=政府办公厅,206=科学技术支出,206 07=科学技术普及",
    "the members in preorder")
  H.eq(v.scalar, "7", "the scalar's count")
end)

H.test("a loaded model is read-only: its core refuses a change, a scenario takes it", function()
  local out, status = with_model([[
local ok, e = pcall(function() m.core:put(0, {2, 0}, budget.money("1")) end)
print("refused", tostring(not ok))
print("why", tostring(e):match("read%-only") and "read-only" or tostring(e))
local s = m:scenario("s")
s:add("201 01", "1")
print("base", tostring(m:total("201 01")))
]])
  H.eq(status, 0, "the script runs")
  local v = values(out)
  H.eq(v.refused, "true", "the core refuses")
  H.eq(v.why, "read-only", "and says the model is read-only")
  H.eq(v.base, (wan_to_yuan("12.34")), "the base is as loaded after the scenario's change")
end)

H.test("members and cells from CSV files beside the model load like the inline ones, in 元", function()
  local dir = H.tmpname("")
  assert(os.execute("mkdir -p " .. dir))
  H.defer(function() os.execute("rm -rf " .. dir) end)
  H.write(dir .. "/members.csv", "201,一般公共服务支出\n201 01,人大事务\n206,科学技术支出\n206 07,科学技术普及\n")
  H.write(dir .. "/cells.csv", "201 01,一般公共预算,123400.00\n206 07,一般公共预算,1000000\n")
  local text = [[
model { name = "csv", main = "支出" }
dimension "功能分类" { levels = {"类", "款"}, file = "members.csv" }
dimension "资金来源" { {"一般公共预算"} }
facts "支出" { dims = {"功能分类", "资金来源"}, file = "cells.csv" }
]]
  H.write(dir .. "/m.lua", text)
  H.write(dir .. "/s.lua", 'local m = budget.load("' .. dir .. '/m.lua")\nprint("all", tostring(m:total()))\n')
  local out, status = H.budget("run", dir .. "/s.lua", "--trusted")
  H.eq(status, 0, "the script runs: " .. out)
  H.eq(values(out).all, "1,123,400.00", "the grand total of the CSV cells: 123,400.00 + 1,000,000")
  -- a unit other than 元 on a file's cells would read them 10,000 times too small: refused
  H.write(dir .. "/m2.lua", (text:gsub('file = "cells.csv" }', 'unit = "万元", file = "cells.csv" }')))
  local out2, status2 = H.budget("check", dir .. "/m2.lua")
  H.eq(status2, 2, "the model is refused")
  H.has(out2, dir .. "/m2.lua:4: facts \"支出\": the cells of a file are read in 元", "at the facts line, saying why")
end)

H.run()
