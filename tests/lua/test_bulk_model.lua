-- tests/lua/test_bulk_model.lua
-- Models whose members and cells are CSV files beside them: 'budget totals'
-- prints every member's total, and each equals the sum this test makes over
-- the cells it wrote; a bad line in either file is reported with the file,
-- its line and what was expected, exit 2.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"

-- The model file: its members and cells are in the CSV files beside it.
local MODEL = [[
model { name = "bulk test", main = "支出" }
dimension "功能分类" { levels = {"类", "款", "项"}, file = "members.csv" }
dimension "资金来源" { {"一般公共预算"}, {"事业收入"} }
facts "支出" { dims = {"功能分类", "资金来源"}, unit = "元", file = "cells.csv" }
]]

-- A model directory: model.lua, members.csv (类/款/项 codes) and cells.csv over 功能分类 × 资金来源.
local function write_model(dir, seed)
  math.randomseed(seed)
  local members, cells, leaves = {}, {}, {}
  for l1 = 1, 4 do
    local c1 = tostring(200 + l1)
    members[#members + 1] = c1 .. ",类" .. l1
    for l2 = 1, math.random(1, 3) do
      local c2 = c1 .. string.format("%02d", l2)
      members[#members + 1] = c2 .. ",\"款 " .. l1 .. "," .. l2 .. "\""
      for l3 = 1, math.random(1, 4) do
        local c3 = c2 .. string.format("%02d", l3)
        members[#members + 1] = c3 .. ",项" .. l3
        leaves[#leaves + 1] = c3
      end
    end
  end
  local fen = {}  -- fen[code] = the sum of its cells, in fen, as this test counts it
  for _, leaf in ipairs(leaves) do
    for _, source in ipairs { "一般公共预算", "事业收入" } do
      if math.random() < 0.8 then
        local amount = math.random(0, 10 ^ 9)
        cells[#cells + 1] = string.format("%s,%s,%d.%02d", leaf, source, amount // 100, amount % 100)
        fen[leaf] = (fen[leaf] or 0) + amount
      end
    end
  end
  H.write(dir .. "/members.csv", table.concat(members, "\n") .. "\n")
  H.write(dir .. "/cells.csv", table.concat(cells, "\n") .. "\n")
  H.write(dir .. "/model.lua", MODEL)
  return fen
end

local function grouped(fen)
  local s = string.format("%d.%02d", fen // 100, fen % 100)
  local int, frac = s:match("^(%d+)(%.%d%d)$")
  return int:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "") .. frac
end

local dir = H.tmpname("-bulk")
os.execute("mkdir -p " .. dir)
H.defer(function() os.execute("rm -rf " .. dir) end)

H.test("budget totals: every member's total is the sum of the cells beneath it", function()
  for seed = 1, 5 do
    local fen = write_model(dir, seed)
    local out, status = H.budget("totals", dir .. "/model.lua")
    H.eq(status, 0, "exit status")
    local lines = 0
    for code, name, amount in out:gmatch("([%d ]+)\t([^\t]+)\t([%d,.%-]+)\n") do
      local compact, want = code:gsub(" ", ""), 0
      for leaf, sum in pairs(fen) do
        if leaf:sub(1, #compact) == compact then want = want + sum end
      end
      H.eq(amount, grouped(want), code .. " " .. name)
      lines = lines + 1
    end
    local members = select(2, H.read(dir .. "/members.csv"):gsub("\n", ""))
    H.eq(lines, members, "lines printed (one per member)")
  end
end)

H.test("budget totals --dim 资金来源: each source's total is the sum of its cells", function()
  write_model(dir, 7)
  local want = {}
  for source, yuan, f in H.read(dir .. "/cells.csv"):gmatch(",([^,\n]+),(%d+)%.(%d%d)\n") do
    want[source] = (want[source] or 0) + tonumber(yuan) * 100 + tonumber(f)
  end
  local out, status = H.budget("totals", dir .. "/model.lua", "--dim", "资金来源")
  H.eq(status, 0, "exit status")
  for source, fen in pairs(want) do H.has(out, source .. "\t" .. grouped(fen), source) end
end)

-- A broken line in a CSV file: exit 2, 'budget: FILE:LINE: what was expected'.
local function broken(file, line, replace, says)
  write_model(dir, 3)
  local path = dir .. "/" .. file
  local lines = {}
  for l in H.read(path):gmatch("([^\n]*)\n") do lines[#lines + 1] = l end
  lines[line] = replace(lines[line])
  H.write(path, table.concat(lines, "\n") .. "\n")
  local out, status = H.budget("totals", dir .. "/model.lua")
  H.eq(status, 2, "exit status")
  H.has(out, "budget: " .. path .. ":" .. line .. ": " .. says)
end

H.test("a malformed amount: the cells file, its line, what an amount is", function()
  broken("cells.csv", 4, function(l) return (l:gsub(",[^,]*$", ",12..5")) end, "malformed amount '12..5'")
end)

H.test("an unknown member: the cells file, its line, the dimension", function()
  broken("cells.csv", 2, function(l) return (l:gsub("^%d+", "999999")) end, "'999999' is not a member of 功能分类")
end)

H.test("a member of 70,000 bytes: the cells file, its line, the longest a field may be", function()
  broken("cells.csv", 3, function(l) return (l:gsub("^[^,]*", ("7"):rep(70000))) end,
    "expected a field of at most 511 bytes")
end)

H.test("a cell given twice: the cells file and the second line", function()
  write_model(dir, 3)
  local first = H.read(dir .. "/cells.csv"):match("^[^\n]*")
  broken("cells.csv", 3, function() return first end, "this cell is given twice")
end)

H.test("a code used twice: the members file and its line", function()
  broken("members.csv", 2, function() return "201,again" end, "code '201' is used twice in 功能分类")
end)

H.test("a file that is not there: the model file and the line naming it", function()
  write_model(dir, 1)
  os.remove(dir .. "/cells.csv")
  local out, status = H.budget("totals", dir .. "/model.lua")
  H.eq(status, 2, "exit status")
  H.has(out, "budget: " .. dir .. "/model.lua:4: cannot read " .. dir .. "/cells.csv")
end)

H.test("a directory where the cells file should be: the model file, its line, and why", function()
  write_model(dir, 1)
  os.remove(dir .. "/cells.csv")
  os.execute("mkdir " .. dir .. "/cells.csv")
  local out, status = H.budget("totals", dir .. "/model.lua")
  os.execute("rmdir " .. dir .. "/cells.csv")
  H.eq(status, 2, "exit status")
  H.has(out, "budget: " .. dir .. "/model.lua:4: cannot read " .. dir .. "/cells.csv: not a regular file")
end)

H.test("a file outside the model's folder is refused", function()
  write_model(dir, 1)
  H.write(dir .. "/model.lua", H.read(dir .. "/model.lua"):gsub('"cells.csv"', '"../cells.csv"'))
  local out, status = H.budget("totals", dir .. "/model.lua")
  H.eq(status, 2, "exit status")
  H.has(out, "a file beside the model, as a relative path without '..'")
end)

-- A model of 3,000 leaves (类 201–230 × 款 × 项), its cells in member order or shuffled: more
-- than one page of a scenario's copied amounts, and both ways of finding a selection's cells.
local function write_big(dir, shuffled)
  local members, cells = {}, {}
  for l1 = 1, 30 do
    local c1 = tostring(200 + l1)
    members[#members + 1] = c1 .. ",类" .. l1
    for l2 = 1, 10 do
      local c2 = c1 .. string.format("%02d", l2)
      members[#members + 1] = c2 .. ",款" .. l1 .. "." .. l2
      for l3 = 1, 10 do
        local c3 = c2 .. string.format("%02d", l3)
        members[#members + 1] = c3 .. ",项" .. l1 .. "." .. l2 .. "." .. l3
        cells[#cells + 1] = string.format("%s,一般公共预算,%d.%02d", c3, math.random(1, 10 ^ 7), math.random(0, 99))
      end
    end
  end
  if shuffled then
    for i = #cells, 2, -1 do
      local k = math.random(i)
      cells[i], cells[k] = cells[k], cells[i]
    end
  end
  H.write(dir .. "/members.csv", table.concat(members, "\n") .. "\n")
  H.write(dir .. "/cells.csv", table.concat(cells, "\n") .. "\n")
  H.write(dir .. "/model.lua", MODEL)
end

-- The scenario script: random adds, cuts, transfers and holds; after each, the totals of every
-- 类 and 款 are what the moves asked (computed here from the totals before), the rest still.
local PROPERTY = [[
math.randomseed(...)
local s, money = model:scenario("p"), budget.money
local groups = {}  -- every 类 and 款 code
for l1 = 1, 30 do
  groups[#groups + 1] = tostring(200 + l1)
  for l2 = 1, 10 do groups[#groups + 1] = string.format("%d%02d", 200 + l1, l2) end
end
local function leaf() return string.format("%d%02d%02d", math.random(201, 230), math.random(10), math.random(10)) end
local function within(code, ref) return code:sub(1, #ref) == ref or ref:sub(1, #code) == code end
local held, grand = {}, s:total()
for step = 1, 150 do
  local before = {}
  for _, g in ipairs(groups) do before[g] = s:total(g) end
  local op, moves = math.random(4), {}  -- moves: {ref, delta}
  if op == 1 then
    local ref, amount = leaf(), money(math.random(-10 ^ 6, 10 ^ 6) .. "." .. string.format("%02d", math.random(0, 99)))
    if not held[ref] then s:add(ref, amount) moves[1] = {ref, amount} end
  elseif op == 2 then
    local ref = groups[math.random(#groups)]
    local ok_to_cut = true
    for h in pairs(held) do if within(h, ref) then ok_to_cut = false end end
    if ok_to_cut then moves[1] = {ref, s:cut(ref, "5%")} end
  elseif op == 3 then
    local from, to, amount = leaf(), leaf(), money("1000.00")
    if not held[from] and not held[to] and s:total(from) > amount then
      s:transfer(from, to, amount)
      moves[1], moves[2] = {from, -amount}, {to, amount}
    end
  else
    local ref = leaf()
    s:hold(ref)
    held[ref] = s:total(ref)
  end
  for _, g in ipairs(groups) do
    local want, shared = before[g], false  -- shared: g lies inside a moved ref, and takes a part
    for _, m in ipairs(moves) do
      if m[1]:sub(1, #g) == g then want = want + m[2] elseif g:sub(1, #m[1]) == m[1] then shared = true end
    end
    if not shared and s:total(g) ~= want then error(string.format("step %d: %s is %s, expected %s", step, g, s:total(g), want)) end
  end
  for _, m in ipairs(moves) do grand = grand + m[2] end
  if s:total() ~= grand then error(string.format("step %d: the grand total %s, expected %s", step, s:total(), grand)) end
  for ref, was in pairs(held) do
    if s:total(ref) ~= was then error(string.format("step %d: held %s moved to %s", step, ref, s:total(ref))) end
  end
end
print("ok")
]]

H.test("scenarios on 3,000 cells, in order and shuffled: every total moves by what was asked", function()
  local script = H.tmpname(".lua")
  H.write(script, "local seed = 1\n" .. PROPERTY:gsub("math.randomseed%(%.%.%.%)", "math.randomseed(seed)"))
  for _, shuffled in ipairs { false, true } do
    write_big(dir, shuffled)
    local out, status = H.budget("run", script, "--model", dir .. "/model.lua")
    if status ~= 0 or not out:find("ok") then error((shuffled and "shuffled: " or "in order: ") .. out) end
  end
end)

H.run()
