-- tests/lua/test_links.lua
-- One money, several descriptions (issue 16): a scenario's change to one fact set
-- is carried to every linked one, so the tables stay consistent; the traps that
-- gave silent wrong answers are errors; messages carry their figures; full-width
-- input reads alike; goal seek; the revised tables. Every expected amount is
-- computed here from the model's own cells (read from its text), never from the
-- engine: the carried spreads by largest remainder, as BUDGET-PRIMER.md and
-- engine/core/money.h say.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"
local S = require "sast"
local docs = require "docs"

local MODEL, yuan, under = S.MODEL, S.yuan, S.under
local values = S.values

-- The economic cells of the model file: {code, kind, fen}, in the file's order.
local ECON = {}
for code, kind, amount in S.SRC:match('facts "经济" (%b{})'):gmatch('{"([%d ]+)", "([^"]+)", "([%d,]+)"}') do
  ECON[#ECON + 1] = { code = code, kind = kind, fen = math.tointeger(tonumber((amount:gsub(",", "")))) * 100 }
end
assert(#ECON > 20, "the economic cells")

-- Largest remainder: 'amount' fen split over weights at 'grain', each part the floor of its share
-- in grains, the grains left over to the largest remainders (ties to the earlier); a negative
-- amount split as its absolute value and negated.
local function allocate(amount, weights, grain)
  local neg = amount < 0
  local grains = math.abs(amount) // grain
  local W = 0
  for _, w in ipairs(weights) do W = W + w end
  local parts, rems, given = {}, {}, 0
  for i, w in ipairs(weights) do
    parts[i] = grains * w // W  -- fits: grains < 2^40, weights < 2^40
    rems[i] = { i = i, r = grains * w % W }
    given = given + parts[i]
  end
  table.sort(rems, function(a, b) if a.r ~= b.r then return a.r > b.r end return a.i < b.i end)
  for k = 1, grains - given do parts[rems[k].i] = parts[rems[k].i] + 1 end
  for i = 1, #parts do parts[i] = (neg and -parts[i] or parts[i]) * grain end
  return parts
end

-- v rounded half away from zero to a whole number of g.
local function rounded(v, g)
  local q, r = v // g, v % g
  if 2 * r >= g then q = q + 1 end
  return q * g
end

-- What a 5% cut of 206 with 人员经费 held does, from the cells: the 一般公共预算 basic part of the
-- cut, and each 公用经费 line's share of it; the 三公 lines follow their economic lines at 100.00 元.
local function held_cut_expected()
  local cells, weights = {}, {}
  for _, c in ipairs(S.CELLS) do
    if c.code:find("^206") then cells[#cells + 1] = c; weights[#weights + 1] = c.fen end
  end
  local cut = -(under("206") * 5 // 100)
  assert(under("206") * 5 % 100 == 0, "5% of 206 is a whole number of fen")
  local shares = allocate(cut, weights, 1)
  local basic = 0
  for i, c in ipairs(cells) do
    if c.source == "一般公共预算" and c.kind == "基本支出" then basic = basic + shares[i] end
  end
  local lines, w = {}, {}
  for _, e in ipairs(ECON) do
    if e.kind == "公用经费" then lines[#lines + 1] = e; w[#w + 1] = e.fen end
  end
  local parts = allocate(basic, w, 1)
  local by = {}
  for i, e in ipairs(lines) do by[e.code] = parts[i] end
  return cut, basic, by, lines
end

-- The 经济 rows of a report's changed cells: {[code] = {base, scenario, change}} in fen.
local function changed_econ(out)
  local rows = {}
  for line in out:gmatch("[^\n]+") do
    local code, b, n, d = line:match("^经济%s+(%d+ %d+) .-%s+([%d,.-]+)%s+([%d,.-]+)%s+([%d,.-]+)$")
    if code then
      local function f(x) return math.tointeger(tonumber((x:gsub(",", ""):gsub("%.", "")))) end
      rows[code] = { f(b), f(n), f(d) }
    end
  end
  return rows
end

local function check_held_cut(out, what)
  local cut, basic, by, lines = held_cut_expected()
  H.has(out, "No rule is broken.", what)
  H.has(out, string.format("\n206     科学技术支出       %s", yuan(under("206"))), what)
  H.has(out, yuan(cut), what .. ": 206's change")
  local rows = changed_econ(out)
  local sum = 0
  for _, e in ipairs(lines) do
    local r = rows[e.code]
    if by[e.code] ~= 0 then
      assert(r, what .. ": no changed row for " .. e.code .. "\n" .. out)
      H.eq(r[3], by[e.code], what .. ": " .. e.code .. "'s share of the basic part")
      H.eq(r[2], e.fen + by[e.code], what .. ": " .. e.code .. " after")
      sum = sum + r[3]
    end
  end
  H.eq(sum, basic, what .. ": the 公用经费 lines take the whole basic part, to the fen")
  for _, e in ipairs(ECON) do
    if e.kind == "人员经费" then assert(not rows[e.code], what .. ": 人员经费 line " .. e.code .. " moved") end
  end
  -- the 三公 table follows 302 12, 302 17 and 302 31 at its grain (0.01万元 = 10,000 fen)
  local sangong = { ["302 12"] = "因公出国(境)费", ["302 17"] = "公务接待费", ["302 31"] = "运行费" }
  for code, line in pairs(sangong) do
    local e
    for _, x in ipairs(ECON) do if x.code == code then e = x end end
    local want, found = rounded(e.fen + by[code], 10000), nil
    for l in out:gmatch("[^\n]+") do
      local b, n = l:match("^三公%s+" .. line:gsub("%p", "%%%0") .. "%s+([%d,.]+)%s+([%d,.]+)")
      if b then found = { b, n } end
    end
    assert(found, what .. ": no changed 三公 row for " .. line .. "\n" .. out)
    H.eq(found[1], yuan(e.fen), what .. ": " .. line .. " before")
    H.eq(found[2], yuan(want), what .. ": " .. line .. " follows " .. code .. " at 0.01万元")
  end
end

H.test("make run's scenario: no rule broken; the economic lines took the basic part, to the fen", function()
  local out, status = H.budget("run", "scripts/cut-science-5pct.lua", "--model", MODEL)
  H.eq(status, 0, "exit\n" .. out)
  local cut, basic, by = held_cut_expected()
  assert(basic < 0 and cut < basic)
  check_held_cut(out, "cut-science-5pct")
  -- the carried moves are part of the step that caused them
  H.has(out, string.format("cut 科学技术支出 by 5%%  %s  %s", yuan(cut), yuan(basic)))
end)

H.test("hold 人员经费, cut 科学技术支出 by 5%: 人员经费 unchanged, the 公用经费 lines take it in proportion", function()
  local out, status = S.run [[
local s = model:scenario("保人员经费")
s:hold("人员经费")
s:cut("科学技术支出", "5%")
print("personnel", s:total("人员经费") == model:total("人员经费"))
print("public", (s:total("公用经费") - model:total("公用经费")):fen())
s:report()
]]
  H.eq(status, 0, "exit\n" .. out)
  local _, basic = held_cut_expected()
  local v = values(out)
  H.eq(v.personnel, "true", "every 人员经费 line as it was")
  H.eq(tonumber(v.public), basic, "公用经费 down by the basic part")
  check_held_cut(out, "hold and cut")
end)

H.test("with every line the carry could fall on held, the operation fails whole and names the holds", function()
  local out, status = S.run [[
local s = model:scenario("all held")
s:hold("人员经费")
s:hold("公用经费")
s:cut("科学技术支出", "5%")
]]
  H.eq(status, 2, "exit\n" .. out)
  H.has(out, ":4: cut 科学技术支出: the change is carried to 经济 by the link '经济分类 = 一般公共预算基本支出'")
  H.has(out, "every cell it could fall on is held or at zero (the holds on 经济: hold 人员经费 at line 2, hold 公用经费 at line 3)")
  H.has(out, "{carry = false}")
end)

H.test("{carry = false}: the change stays in its set, and the identity reports the rest with its figures", function()
  local out, status = S.run [[
local s = model:scenario("by hand")
s:cut("科学技术支出", "5%", { carry = false })
for _, v in ipairs(s:violations()) do print("v:" .. v.rule, v.message) end
s:report()
]]
  H.eq(status, 1, "exit\n" .. out)
  local basic_cut = 0
  for _, c in ipairs(S.CELLS) do
    if c.code:find("^206") and c.source == "一般公共预算" and c.kind == "基本支出" then basic_cut = basic_cut + c.fen * 5 // 100 end
  end
  local econ = 0
  for _, e in ipairs(ECON) do econ = econ + e.fen end
  local gb = under("", function(c) return c.source == "一般公共预算" and c.kind == "基本支出" end) - basic_cut
  -- the whole sentence, with the figures
  H.eq(values(out)["v:经济分类 = 一般公共预算基本支出"], string.format("经济分类合计 %s ≠ 一般公共预算基本支出 %s: %s more",
    yuan(econ), yuan(gb), yuan(econ - gb)), "the message")
  H.has(out, "error: 经济分类 = 一般公共预算基本支出")
end)

H.test("a transfer between linked descriptions keeps every total; between unlinked ones it is refused, saying why", function()
  local out, status = S.run [[
local s = model:scenario("调剂")
s:transfer("科普活动", "科技会客厅", "10万")
print("grand", s:total() == model:total())
print("projects", (s:total({facts = "项目"}) - model:total({facts = "项目"})):fen())
print("hall", (s:total("科技会客厅") - model:total("科技会客厅")):fen())
print("projspend", (s:total({["支出性质"] = "项目支出"}) - model:total({["支出性质"] = "项目支出"})):fen())
print("popular", (s:total("科普活动") - model:total("科普活动")):fen())
print("violations", #s:violations())
]]
  H.eq(status, 0, "exit\n" .. out)
  local v = values(out)
  H.eq(v.grand, "true", "the grand total as it was")
  H.eq(v.projects, "10000000", "the listed projects up by 10万")
  H.eq(v.hall, "10000000", "科技会客厅 up by 10万")
  H.eq(v.projspend, "0", "项目支出 as it was: the money moved within it")
  H.eq(v.popular, "0", "科普活动 still spends it, now as the listed project's")
  -- between the two sides of an equal link, a transfer would move the money nowhere: refused
  local eq, es = S.run 'local s = model:scenario("x")\ns:transfer("302 01", "206 07 01", "10万")\n'
  H.eq(es, 2, "exit\n" .. eq)
  H.has(eq, ":2: transfer 100,000.00 from 302 01 to 206 07 01: 302 01 (in 经济) and 206 07 01 (in 支出) describe "
    .. "the same money; move it within one of them")
  -- a gap left by hand stays when an unrelated change follows
  local gp, gs = S.run [[
local s = model:scenario("gap")
s:add("科技会客厅", "2000万", { carry = false })
local before = s:total({facts = "项目"})
s:add("302 01", "1")
print("projects", s:total({facts = "项目"}) == before)
]]
  H.eq(gs, 1, "exit: the gap left by hand is reported\n" .. gp)
  H.eq(values(gp).projects, "true", "the projects as they were left")
  H.eq(v.violations, "0", "no rule broken")
  -- a model whose two fact sets are not linked
  local m = H.tmpname(".lua")
  H.write(m, [[
model { name = "two", main = "甲" }
dimension "功能分类" { levels = {"类"}, {"201", "一般公共服务支出"}, {"206", "科学技术支出"} }
dimension "项目" { {"项目一"}, {"项目二"} }
facts "甲" { dims = {"功能分类"}, unit = "元", {"201", "100"}, {"206", "200"} }
facts "乙" { dims = {"项目"}, unit = "元", {"项目一", "50"}, {"项目二", "50"} }
]])
  local script = H.tmpname(".lua")
  H.write(script, 'local s = model:scenario("x")\ns:transfer("201", "项目一", "10")\n')
  out, status = H.budget("run", script, "--model", m)
  H.eq(status, 2, "exit\n" .. out)
  H.has(out, ":2: transfer 10.00 from 201 to 项目一: 201 is in 甲 and 项目一 in 乙, which the model does not link as "
    .. "descriptions of the same money; a transfer moves money within one description (change each with s:add)")
end)

H.test("a part finer than its whole: many small changes never take it past the whole", function()
  local m = H.tmpname(".lua")
  H.write(m, [[
model { name = "grains", main = "W" }
dimension "P" { {"p1"}, {"p2"} }
dimension "Y" { {"y1"}, {"y2"} }
facts "C" { dims = {"P"}, unit = "元", {"p1", "5000"}, {"p2", "5000"} }
facts "W" { dims = {"Y"}, unit = "万元", grain = "1万元", {"y1", "1"}, {"y2", "1"} }
part_of("C within W", total({facts = "C"}, "C"), total({facts = "W"}, "W"))
]])
  local script = H.tmpname(".lua")
  H.write(script, [[
local s = model:scenario("small steps")
for i = 1, 10 do s:add({facts = "C", P = "p1"}, "4999") end
print("C", s:total({facts = "C"}):fen())
print("W", s:total({facts = "W"}):fen())
print("broken", #s:violations())
]])
  local out, status = H.budget("run", script, "--model", m)
  H.eq(status, 0, "exit\n" .. out)
  local v = values(out)
  H.eq(tonumber(v.C), (10000 + 10 * 4999) * 100, "the part")
  -- the whole (2万) moves by the part's change, both ends rounded up to 1万元: 1万 → 6万 (59,990)
  H.eq(tonumber(v.W), (20000 + 60000 - 10000) * 100, "the whole")
  H.eq(v.broken, "0", "the part never exceeds the whole")
end)

H.test("full-width input reads as NFKC: ５％, ２０万, （境） and (境) alike", function()
  local out, status = S.run [[
local a, b = model:scenario("a"), model:scenario("b")
a:cut("２０６", "５％")
b:cut("206", "5%")
print("same", a:total() == b:total() and a:total({facts = "经济"}) == b:total({facts = "经济"}))
print("money", budget.money("２０万"):fen())
print("paren", model:total("因公出国(境)费用") == model:total("因公出国（境）费用"))
local c = model:scenario("c")
c:add("因公出国(境)费用", "－１万")
print("added", (c:total("302 12") - model:total("302 12")):fen())
print("bare", select(2, pcall(c.cut, c, "206", "５")))
]]
  H.eq(status, 0, "exit\n" .. out)
  local v = values(out)
  H.eq(v.same, "true", "a full-width cut is the same cut")
  H.eq(v.money, "20000000", "２０万 is 20万")
  H.eq(v.paren, "true", "（境） and (境) name one line")
  H.eq(v.added, "-1000000", "－１万 is -1万")
  H.has(v.bare, "5% or a factor of 5?", "a full-width bare rate is as bare as '5'")
end)

H.test("goal seek: the exact change of 206 that brings the total to 1.05亿, and the rate as a percent", function()
  local out, status = S.run [[
local s = model:scenario("goal")
local d, p, miss = s:solve("206", nil, "1.05亿")
print("d", d:fen())
print("p", p)
print("miss", miss:fen())
print("total", s:total():fen())
print("label", s:steps()[1].label)
print("links", #s:violations())
local t = model:scenario("grain")
local d2, _, miss2 = t:solve({["三公经费"] = "公务接待费"}, {facts = "三公"}, "770,750")
print("miss2", miss2:fen())
print("label2", t:steps()[1].label)
]]
  H.eq(status, 0, "exit\n" .. out)
  local v = values(out)
  local grand, science = under(""), under("206")
  local want = 10500000000 - grand
  H.eq(tonumber(v.d), want, "the change of 206")
  H.eq(v.p, string.format("%.2f%%", want / science * 100), "the rate, a percent")
  H.eq(v.miss, "0", "reached exactly")
  H.eq(v.total, "10500000000", "the grand total")
  H.has(v.label, "solve 206 so that 总计 = 105,000,000.00: " .. yuan(want))
  H.eq(v.links, "1", "only the 人员经费 warning: the cut of 206 was carried")
  -- the 三公 table is in 0.01万元: 770,750.00 is half a grain from any amount it can hold
  H.eq(math.abs(tonumber(v.miss2)), 5000, "says by how much it cannot, at the grain")
  H.has(v.label2, "off: the nearest it can reach")
end)

-- A CSV table as rows of fields.
local function csv(text)
  local rows = {}
  for line in text:gmatch("([^\r\n]+)") do
    local f, pos = {}, 1
    while pos <= #line + 1 do
      if line:sub(pos, pos) == '"' then
        local close = line:find('"', pos + 1, true)
        f[#f + 1] = line:sub(pos + 1, close - 1)
        pos = close + 2
      else
        local comma = line:find(",", pos, true) or (#line + 1)
        f[#f + 1] = line:sub(pos, comma - 1)
        pos = comma + 1
      end
    end
    rows[#rows + 1] = f
  end
  return rows
end

local function fen(x)
  if x == nil or x == "" then return 0 end
  local int, frac = x:match("^(%-?%d+)%.?(%d*)$")
  assert(int, "a figure: " .. tostring(x))
  frac = (frac .. "00"):sub(1, 2)
  local v = math.abs(math.tointeger(tonumber(int))) * 100 + math.tointeger(tonumber(frac))
  return x:sub(1, 1) == "-" and -v or v
end

local function show(tbl, ...)
  local out, status = H.budget("show", MODEL, "--scenario", "scripts/cut-science-5pct.lua", "--table", tbl,
    "--format", "csv", ...)
  H.eq(status, 0, "show --table " .. tbl .. "\n" .. out)
  return csv(out)
end

-- A table by code: {[code] = {fields...}}, and the 合计 row.
local function by_code(rows)
  local t = {}
  for i = 2, #rows do
    local r = rows[i]
    t[r[1] ~= "" and r[1] or r[2]] = r
  end
  return t
end

-- Every parent row is the sum of its child rows, column by column from 'first', and the 合计 row the
-- sum of the top rows.
local function adds_up(t, first, ncols, what)
  for code, r in pairs(t) do
    if code:match("^%d") then
      local kids = {}
      for c2, r2 in pairs(t) do
        if c2:sub(1, #code + 1) == code .. " " and not c2:sub(#code + 2):find(" ") then kids[#kids + 1] = r2 end
      end
      if #kids > 0 then
        for c = first, first + ncols - 1 do
          local sum = 0
          for _, k in ipairs(kids) do sum = sum + fen(k[c]) end
          H.eq(sum, fen(r[c]), string.format("%s: %s column %d = Σ its rows", what, code, c))
        end
      end
    end
  end
  local total = t["合计"]
  for c = first, first + ncols - 1 do
    local sum = 0
    for code, r in pairs(t) do if code:match("^%d+$") then sum = sum + fen(r[c]) end end
    H.eq(sum, fen(total[c]), string.format("%s: 合计 column %d = Σ its 类", what, c))
  end
end

H.test("show --scenario: every revised table adds up, the tables agree, and 206 moved by -3,457,490.90", function()
  local t2, t3, t5, t7 = by_code(show("2")), by_code(show("3")), by_code(show("5")), by_code(show("7"))
  adds_up(t2, 3, 5, "收入总表")
  adds_up(t3, 3, 3, "支出总表")
  adds_up(t5, 3, 3, "一般公共预算支出表")
  adds_up(t7, 3, 3, "经济分类表")
  for code, r in pairs(t3) do
    H.eq(fen(r[3]), fen(r[4]) + fen(r[5]), "支出总表 " .. code .. ": 合计 = 基本 + 项目")
    H.eq(fen(r[3]), fen(t2[code][3]), "收入总表 = 支出总表 at " .. code)
  end
  for code, r in pairs(t2) do
    local sum = 0
    for c = 4, 7 do sum = sum + fen(r[c]) end
    H.eq(fen(r[3]), sum, "收入总表 " .. code .. ": 合计 = Σ sources")
  end
  for code, r in pairs(t7) do H.eq(fen(r[3]), fen(r[4]) + fen(r[5]), "经济分类表 " .. code .. ": 合计 = 人员 + 公用") end
  H.eq(fen(t7["合计"][3]), fen(t5["合计"][4]), "经济分类合计 = 一般公共预算基本支出")
  -- the 三公 table, in 万元, against its economic lines
  local t8 = show("8")
  local row = t8[2]
  H.eq(fen(row[2]), fen(row[3]) + fen(row[4]) + fen(row[5]), "三公 合计")
  for col, code in pairs { [3] = "302 12", [4] = "302 17", [7] = "302 31" } do
    H.eq(fen(row[col]) * 10000, rounded(fen(t7[code][3]), 10000), "三公 column " .. col .. " = " .. code .. " at 0.01万元")
  end
  -- the change, on request
  local c3 = by_code(show("3", "--change"))
  H.eq(c3["206"][6], "-3457490.90", "the change of 206")
  H.eq(fen(c3["206"][3]), under("206") - 345749090, "206 after")
  H.eq(fen(c3["201"][6]), 0, "201 did not move")
  -- a row the scenario empties stays, with its change: all of it
  local zero = H.tmpname(".lua")
  H.write(zero, 'local s = model:scenario("z")\ns:set("302 04", "0")\n')
  local zout, zstatus = H.budget("show", MODEL, "--scenario", zero, "--table", "7", "--change", "--format", "csv")
  H.eq(zstatus, 0, "show of an emptied row\n" .. zout)
  local z = by_code(csv(zout))
  local fee
  for _, e in ipairs(ECON) do if e.code == "302 04" then fee = e.fen end end
  assert(z["302 04"], "the emptied row is shown\n" .. zout)
  H.eq(fen(z["302 04"][6]), -fee, "its change is all of it")
  -- every table and format
  for _, fmt in ipairs { "table", "json", "md" } do
    local out, status = H.budget("show", MODEL, "--scenario", "scripts/cut-science-5pct.lua", "--format", fmt)
    H.eq(status, 0, fmt .. "\n" .. out)
    H.has(out, fmt == "json" and "65692327.10" or "65,692,327.10", fmt)
  end
  local out, status = H.budget("show", MODEL, "--change")
  H.eq(status, 2, "--change alone\n" .. out)
  H.has(out, "--change needs --scenario SCRIPT")
end)

H.test("compare-years: two years of a department by 类 and 款; the later document's stated change agrees", function()
  local years = {}
  for _, row in ipairs(docs.expected()) do
    if row.stem:find("wanli_jiedao_202[34]_dept") then years[row.year] = row end
  end
  local models = {}
  for _, y in ipairs { "2023", "2024" } do
    local m = H.tmpname(".lua")
    local out, status = H.budget("import", docs.dir .. "/" .. years[y].stem .. ".txt", "-o", m)
    H.eq(status, 0, "import " .. y .. "\n" .. out)
    models[#models + 1] = m
  end
  local out, status = H.budget("compare-years", models[1], models[2], "--format", "csv")
  H.eq(status, 0, "exit\n" .. out)
  local rows = csv(out)
  H.eq(table.concat(rows[1], ","), "功能分类科目编码,功能分类科目名称,2023,2024,增减,增减率", "the header")
  local a, b = fen((years["2023"].expenditure_total:gsub(",", ""))), fen((years["2024"].expenditure_total:gsub(",", "")))
  H.eq(rows[2][1], "总计", "the grand total first")
  H.eq(fen(rows[2][3]), a, "2023's total, as expected.tsv has it")
  H.eq(fen(rows[2][4]), b, "2024's total")
  H.eq(fen(rows[2][5]), b - a, "the change")
  local sum = { 0, 0 }
  for i = 3, #rows do
    local r = rows[i]
    H.eq(fen(r[5]), fen(r[4]) - fen(r[3]), r[1] .. ": the change")
    if not r[1]:find(" ") then sum[1], sum[2] = sum[1] + fen(r[3]), sum[2] + fen(r[4]) end
  end
  H.eq(sum[1], a, "the 类 of 2023 add up")
  H.eq(sum[2], b, "the 类 of 2024 add up")
  out = H.budget("compare-years", models[1], models[2])
  H.has(out, "What the later document says it changed by")
  H.has(out, string.format("财政拨款支出预算: stated -876.75万元, the two models give -876.75万元\n"))
  assert(not out:find("(they differ)", 1, true), out)
end)

H.test("a scenario report shows the prior year the document states beside the base and the scenario", function()
  local out, status = H.budget("run", "scripts/cut-science-5pct.lua", "--model", MODEL)
  H.eq(status, 0, "exit")
  -- 财政拨款支出预算9,954万元, 比2020年预算减少1,028万元: 2020 was 10,982万元
  local now = S.doc:match("财政拨款支出预算([%d,]+)万元")
  local down = S.doc:match("财政拨款支出预算比2020年预算减少([%d,]+)万元") or S.doc:match("比2020年预算减少([%d,]+)万元")
  assert(now and down, "the prose")
  local prior = (tonumber((now:gsub(",", ""))) + tonumber((down:gsub(",", "")))) * 1000000
  local fiscal = under("", function(c) return c.source == "一般公共预算" end)
  local cut = 0
  for _, c in ipairs(S.CELLS) do
    if c.code:find("^206") and c.source == "一般公共预算" then cut = cut + c.fen * 5 // 100 end
  end
  H.has(out, "Against the prior year, as the document states it (元)")
  local line = out:match("\n(财政拨款支出预算 [^\n]+)")
  assert(line, out)
  H.eq(H.words(line), H.words(string.format("财政拨款支出预算 2020年 %s %s %s %s", yuan(math.tointeger(prior)),
    yuan(fiscal), yuan(fiscal - cut), yuan(fiscal - cut - math.tointeger(prior)))), "prior year, base, scenario")
end)

H.test("property: random operations and holds leave every link holding, on SAST and on imported models", function()
  local models = { MODEL }
  for _, stem in ipairs { "shanghai_putuo_sifaju_2026_unit_budget.txt", "jiangsu_province_gaoji_fayuan_2018_dept_budget.layout.txt" } do
    local path = docs.dir .. "/" .. stem
    local m = H.tmpname(".lua")
    local out, status = H.budget("import", path, "-o", m)
    H.eq(status, 0, "import " .. stem .. "\n" .. out)
    assert(H.read(m):find("\nlink%(") , stem .. ": the importer wrote no link")
    models[#models + 1] = m
  end
  for _, m in ipairs(models) do
    local out, status = H.budget("run", "tests/scripts/linked.lua", "--model", m)
    assert(status == 0 or status == 1, m .. ": exit " .. tostring(status) .. "\n" .. out)
    local n, failed, links = out:match("checked (%d+) failed (%d+) links (%d+)")
    assert(n and tonumber(n) >= 400, m .. "\n" .. out)
    assert(tonumber(links) >= 3, m .. ": " .. tostring(links) .. " links")
    assert(tonumber(failed) < tonumber(n) // 2, m .. ": most operations ran")
  end
end)

H.run()
