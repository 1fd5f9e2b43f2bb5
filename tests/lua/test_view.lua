-- tests/lua/test_view.lua
-- Views (engine/lua/view.lua): 'budget show MODEL --table NAME' renders a
-- model's published tables; with --from-cells every figure is a total of the
-- cells, as printed the document's stated rows. Expected figures are sums of
-- the model's own cells, read from its source text here.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"
local S = require "sast"

local MODEL = S.MODEL
local SRC, CELLS, CODES, NAME = S.SRC, S.CELLS, S.CODES, S.NAME

-- Σ, in yuan, of the cells under a code ("" all) that pass 'keep' (nil: every cell).
local function under(code, keep) return S.under(code, keep) // 100 end

local function basic(c) return c.kind == "基本支出" end
local function project(c) return c.kind == "项目支出" end

-- CSV lines of 'show' (no field here is quoted: --from-cells prints bare figures).
local function csv(out)
  local rows = {}
  for line in out:gmatch("([^\n]*)\r\n") do
    local f = {}
    for x in (line .. ","):gmatch("([^,]*),") do f[#f + 1] = x end
    rows[#rows + 1] = f
  end
  return rows
end

-- The rows a function table must show from the cells passing 'keep': every code with cells,
-- in the dimension's order, then 合计; each {code, name, 合计, 基本支出, 项目支出} as CSV writes them.
local function expected(keep)
  local rows = { { "功能分类科目编码", "功能分类科目名称", "合计", "基本支出", "项目支出" } }
  local function k2(a, b) return function(c) return (not a or a(c)) and b(c) end end
  for _, code in ipairs(CODES) do
    local all = under(code, keep)
    if all ~= 0 then
      rows[#rows + 1] = { code, NAME[code], tostring(all), tostring(under(code, k2(keep, basic))),
                          tostring(under(code, k2(keep, project))) }
    end
  end
  rows[#rows + 1] = { "合计", "", tostring(under("", keep)), tostring(under("", k2(keep, basic))),
                      tostring(under("", k2(keep, project))) }
  return rows
end

local function same_rows(got, want, what)
  for i = 1, math.max(#got, #want) do
    local g, w = table.concat(got[i] or {}, ","), table.concat(want[i] or {}, ",")
    if g ~= w then error(string.format("%s: row %d: expected %q, got %q", what, i, w, g), 2) end
  end
end

H.test("部门支出预算总表 --from-cells: every row the Σ of its cells, in the dimension's order", function()
  local out, status = H.budget("show", MODEL, "--table", "部门支出预算总表", "--from-cells", "--format", "csv")
  H.eq(status, 0, "exit\n" .. out)
  same_rows(csv(out), expected(nil), "table 3")
end)

H.test("一般公共预算支出表 --from-cells: the filter keeps 一般公共预算's cells only", function()
  local out, status = H.budget("show", MODEL, "--table", "5", "--from-cells", "--format", "csv")
  H.eq(status, 0, "exit\n" .. out)
  local want = expected(function(c) return c.source == "一般公共预算" end)
  same_rows(csv(out), want, "table 5")
  assert(want[#want][3] ~= tostring(under("")), "the filter drops some cells")
end)

H.test("政府性基金支出表: no cells, no member rows; its 合计 only", function()
  local out, status = H.budget("show", MODEL, "--table", "6", "--from-cells", "--format", "csv")
  H.eq(status, 0, "exit\n" .. out)
  local rows = csv(out)
  H.eq(#rows, 2, "the header and 合计\n" .. out)
  H.eq(rows[2][1], "合计", "合计")
  for i = 3, #rows[2] do assert(rows[2][i] == "" or rows[2][i] == "0", "a zero: " .. rows[2][i]) end
end)

H.test("the table format: the title, the unit, a row's figures grouped by thousands", function()
  local out, status = H.budget("show", MODEL, "--table", "3", "--from-cells")
  H.eq(status, 0, "exit\n" .. out)
  H.has(out, "2021年部门支出预算总表")
  H.has(out, "单位：元")
  local function group(n) return (tostring(n):reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")) end
  local found
  for line in out:gmatch("[^\n]+") do
    if H.words(line):find("^206 07 01 ") then found = H.words(line) end
  end
  H.eq(found, string.format("206 07 01 机构运行 %s %s", group(under("206 07 01")), group(under("206 07 01", basic))),
    "206 07 01's row (its empty 项目支出 blank)")
end)

H.test("as printed vs --from-cells: a misprinted stated figure shows as stated, the cells as they are", function()
  local dir = H.tmpname(".d")
  assert(os.execute("mkdir -p '" .. dir .. "'"))
  H.defer(function() os.execute("rm -rf '" .. dir .. "'") end)
  H.write(dir .. "/sast-2021.txt", H.read(S.DOCUMENT))
  local line = '{"206 07 04", "学术交流活动", "3,110,000", "", "3,110,000"},'
  local changed, n = SRC:gsub(line:gsub("%p", "%%%0"), (line:gsub("3,110,000", "3,111,000", 1)), 1)
  H.eq(n, 1, "the stated row is in the model")
  H.write(dir .. "/m.lua", changed)
  local printed = H.budget("show", dir .. "/m.lua", "--table", "3", "--format", "csv")
  local cells = H.budget("show", dir .. "/m.lua", "--table", "3", "--format", "csv", "--from-cells")
  H.has(printed, '206 07 04,学术交流活动,"3,111,000",,"3,110,000"', "as printed")
  H.has(cells, "206 07 04,学术交流活动," .. under("206 07 04") .. ",0," .. under("206 07 04", project), "from the cells")
end)

H.test("budget.view.render with a scenario: the rows of the scenario's amounts; the base's unchanged", function()
  local out, status = S.run([==[
    local view = require "budget.view"
    local v = model.view_by_name["部门支出预算总表"]
    local s = model:scenario("cut")
    s:cut("206 07 99", "10%")
    local function row(grid, key)
      for _, blk in ipairs(grid.blocks) do
        for _, r in ipairs(blk.rows) do
          if r.key == key then
            local t = {}
            for i, x in ipairs(r.values) do t[i] = tostring(x:fen()) end
            return table.concat(t, ",")
          end
        end
      end
    end
    local gs, gb = view.render(model, v, s), view.render(model, v)
    for _, k in ipairs { "206 07 99", "206", "合计", "201" } do
      print("s:" .. k, row(gs, k))
      print("b:" .. k, row(gb, k))
    end
  ]==], "--trusted")
  assert(status == 0 or status == 1, "exit\n" .. out)
  local v = S.values(out)
  local cut = under("206 07 99") * 100 // 10  -- in fen
  local function fen3(code, d)
    return string.format("%d,%d,%d", under(code) * 100 - d, under(code, basic) * 100, under(code, project) * 100 - d)
  end
  for _, k in ipairs { "206 07 99", "206", "201" } do
    H.eq(v["s:" .. k], fen3(k, k == "201" and 0 or cut), "scenario " .. k)
    H.eq(v["b:" .. k], fen3(k, 0), "base " .. k)
  end
  H.eq(v["s:合计"], fen3("", cut), "scenario 合计")
end)

H.run()
