-- tests/lua/test_explain.lua
-- Explaining scenarios: each step's move of every 类 and 款 total, layers,
-- merges, 'budget compare' and the HTML reports. Expected figures come from
-- the document's amounts (tests/lua/sast.lua), never from the engine.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"
local S = require "sast"

local MODEL, spending_row, yuan, run, values = S.MODEL, S.spending_row, S.yuan, S.run, S.values

-- The codes of the 类 and 款 of 功能分类 in the spending table, each with its amount (fen).
local function classes_and_kuan()
  local section = S.doc:match("2021年部门支出预算总表(.-)2021年部门财政拨款收支预算总表")
  local out = {}
  for code, name, figure in section:gmatch("\n(%d%d%d[ %d]*) (%S+) ([%d,]+)") do
    if #code <= 6 then out[#out + 1] = { code = code, name = name, fen = math.tointeger(tonumber((figure:gsub(",", "")))) * 100 } end
  end
  return out
end

-- Prints what a script's scenario 's' moved: 'stepN CODE<TAB>fen' for the 支出 set, 'lineN',
-- and 'change CODE' for every 类 and 款 and the grand total ('总计').
local PRINT_STEPS = [[
for _, st in ipairs(s:steps()) do
  print("line" .. st.n, st.line)
  for _, m in ipairs(st.moves) do
    for _, r in ipairs(m.rows) do
      print(string.format("step%d %s %s", st.n, m.set, r.code ~= "" and r.code or (r.name)), r.delta:fen())
    end
  end
end
for _, mem in ipairs(model:members("功能分类")) do
  if mem.depth <= 1 then print("change " .. mem.spaced, (s:total(mem.spaced) - model:total(mem.spaced)):fen()) end
end
print("change 总计", (s:total() - model:total()):fen())
]]

H.test("a 3-step scenario: each step's moves, and the steps add up to the change in every 类 and 款", function()
  local out, status = run([[
local s = model:scenario("three steps", {carry = false})
s:set("206 07 02", "3,000,000")
s:cut("206", "5%")
s:transfer("208 05", "210 11", "5万")
]] .. PRINT_STEPS)
  H.eq(status, 1, "exit (the cut breaks the economic breakdown of basic spending)")
  local v = values(out)
  -- The figures, from the document.
  local popular = spending_row("206 07 02 科普活动")
  local d1 = 300000000 - popular                          -- step 1: 科普活动 set to 3,000,000
  local science = spending_row("206 科学技术支出") + d1
  local d2 = -(science * 5 // 100)                        -- step 2: 5% of 206 as step 1 left it
  assert(science * 5 % 100 == 0, "the figures give an exact 5%")
  local d2_0601 = -(spending_row("206 01 科学技术管理事务") * 5 // 100)
  local d2_0607 = d2 - d2_0601
  local expected = {
    [1] = { ["总计"] = d1, ["206"] = d1, ["206 07"] = d1 },
    [2] = { ["总计"] = d2, ["206"] = d2, ["206 01"] = d2_0601, ["206 07"] = d2_0607 },
    [3] = { ["总计"] = 0, ["208"] = -5000000, ["208 05"] = -5000000, ["210"] = 5000000, ["210 11"] = 5000000 },
  }
  for n, moves in pairs(expected) do
    H.eq(v["line" .. n], tostring(n + 1), "step " .. n .. "'s script line")
    for code, fen in pairs(moves) do
      H.eq(v[string.format("step%d 支出 %s", n, code)], tostring(fen), string.format("step %d's move of %s", n, code))
    end
  end
  -- Every 类 and 款, and the grand total: the steps add up to the change, and the change is as computed.
  local members = classes_and_kuan()
  members[#members + 1] = { code = "总计" }
  for _, m in ipairs(members) do
    local sum, want = 0, 0
    for n = 1, 3 do
      sum = sum + math.tointeger(tonumber(v[string.format("step%d 支出 %s", n, m.code)] or "0"))
      want = want + (expected[n][m.code] or 0)
    end
    H.eq(v["change " .. m.code], tostring(want), "the change of " .. m.code)
    H.eq(sum, want, "the steps' sum for " .. m.code)
  end
  assert(#members > 10, "the document's 类 and 款 were read")
end)

H.test("--explain prints the waterfall: base, each step's move, the scenario, per 类 and 款", function()
  local out = run([[
local s = model:scenario("three steps", {carry = false})
s:set("206 07 02", "3,000,000")
s:cut("206", "5%")
s:report()
]], "--explain")
  local popular = spending_row("206 07 02 科普活动")
  local d1 = 300000000 - popular
  local science = spending_row("206 科学技术支出")
  local d2 = -((science + d1) * 5 // 100)
  H.has(out, "Waterfall: 支出 by 功能分类 (元), what each step moved")
  H.has(H.words(out), H.words(string.format("206 科学技术支出 %s %s %s %s %s", yuan(science), yuan(d1), yuan(d2),
    yuan(science + d1 + d2), yuan(d1 + d2))), "206's waterfall row")
  H.has(H.words(out), H.words(string.format("1 2 set 206 07 02 to 3,000,000.00 %s", yuan(d1))), "the steps table")
end)

H.test("the CSV report has a row a step and a row a total it moved", function()
  local out = run([[
local s = model:scenario("two", {carry = false})
s:set("206 07 02", "3,000,000")
s:cut("206", "5%")
s:report()
]], "--format", "csv", "--explain")
  local popular, science = spending_row("206 07 02 科普活动"), spending_row("206 科学技术支出")
  local d1 = 300000000 - popular
  local d2 = -((science + d1) * 5 // 100)
  local function plain(fen) return string.format("%s%d.%02d", fen < 0 and "-" or "", math.abs(fen) // 100, math.abs(fen) % 100) end
  H.has(out, 'step:1,two,,,"line 2: set 206 07 02 to 3,000,000.00",,,,\r\n', "step 1's row")
  H.has(out, "step:1,two,支出,206 07,科学技术普及,,," .. plain(d1) .. ",\r\n", "step 1's move of 206 07")
  H.has(out, "step:2,two,支出,,总计,,," .. plain(d2) .. ",\r\n", "step 2's move of the grand total")
  H.has(out, "step:2,two,支出,206 01,科学技术管理事务,,," .. plain(-(spending_row("206 01 科学技术管理事务") * 5 // 100))
    .. ",\r\n", "step 2's move of 206 01")
end)

H.test("a layer on a scenario: each layer's share, and the shares add up to the change", function()
  local out = run [[
local s = model:scenario("first", {carry = false})
s:cut("206", "5%")
local t = s:scenario("second")
t:cut("201", "10%")
s:cut("208", "50%")   -- after t was made: not part of t
for _, l in ipairs(t:layers()) do print("layer " .. l.name, l.moves[1].total:fen()) end
print("change", (t:total() - model:total()):fen())
t:report()
]]
  local v = values(out)
  local first = -(spending_row("206 科学技术支出") * 5 // 100)
  local second = -(spending_row("201 一般公共服务支出") * 10 // 100)
  H.eq(v["layer first"], tostring(first), "the first layer's share")
  H.eq(v["layer second"], tostring(second), "the second layer's share")
  H.eq(v.change, tostring(first + second), "the change")
  H.has(H.words(out), H.words(string.format("first 1 %s", yuan(first))), "the report's layers")
  H.has(H.words(out), H.words(string.format("second 2 %s", yuan(second))), "the report's layers")
end)

H.test("merging two scenarios that change different cells equals applying both", function()
  local out = run([==[
local a = model:scenario("a", {carry = false}); a:cut("206", "5%"); a:hold("201")
local b = model:scenario("b", {carry = false}); b:cut("208", "10%"); b:transfer("科普资源平台建设费", "基层科普服务费", "10万")
local m = budget.merge(a, b)
local both = model:scenario("both", {carry = false})
both:cut("206", "5%"); both:cut("208", "10%"); both:transfer("科普资源平台建设费", "基层科普服务费", "10万")
local same, cells = true, 0
for _, set in ipairs { "支出", "经济", "三公", "项目" } do
  local x, y = m:cells(set), both:cells(set)
  for i, c in ipairs(x) do
    cells = cells + 1
    if c[#c] ~= y[i][#y[i]] then same = false; print("differs", set, i) end
  end
end
print("same", tostring(same))
print("cells", cells)
print("name", m.name)
local ok, why = pcall(function() m:cut("201", "10%") end)
print("201 held", tostring(not ok))
local s = m
]==] .. PRINT_STEPS)
  local v = values(out)
  H.eq(v.same, "true", "every cell of the merge equals applying both")
  assert(tonumber(v.cells) > 50, "the comparison saw the cells")
  H.eq(v.name, "a + b", "a merge's name")
  H.eq(v["201 held"], "true", "the merge keeps a's hold on 201")
  local d206 = -(spending_row("206 科学技术支出") * 5 // 100)
  local d208 = -(spending_row("208 社会保障和就业支出") * 10 // 100)
  H.eq(v["step1 支出 206"], tostring(d206), "a's step, replayed")
  H.eq(v["step3 支出 208"], tostring(d208), "b's step, replayed")
  H.eq(v["change 总计"], tostring(d206 + d208), "the merge's change")
end)

H.test("merging two scenarios that change a cell the same way counts it once", function()
  local out = run([[
local a = model:scenario("a", {carry = false}); a:set("206 07 02", "3,000,000")
local b = model:scenario("b", {carry = false}); b:set("206 07 02", "3,000,000"); b:cut("201", "10%")
local s = budget.merge(a, b)
]] .. PRINT_STEPS)
  local v = values(out)
  local d1 = 300000000 - spending_row("206 07 02 科普活动")
  local d201 = -(spending_row("201 一般公共服务支出") * 10 // 100)
  H.eq(v["change 206"], tostring(d1), "206 changed once")
  H.eq(v["step4 支出 206"], tostring(-d1), "the merge's own step takes back the second count")
  local sum = 0
  for n = 1, 4 do sum = sum + math.tointeger(tonumber(v[string.format("step%d 支出 总计", n)] or "0")) end
  H.eq(sum, d1 + d201, "the steps add up to the change")
end)

H.test("merging two scenarios that change a cell differently fails and names the cells with both values", function()
  local out, status = run [[
local a = model:scenario("a", {carry = false}); a:cut("206 07", "5%")
local c = model:scenario("c", {carry = false}); c:cut("206 07", "3%")
local m = budget.merge(a, c)
]]
  H.eq(status, 2, "exit")
  local popular, exchange = spending_row("206 07 02 科普活动"), spending_row("206 07 04 学术交流活动")
  H.has(out, "budget: " .. "", "message")
  H.has(out, ":3: budget.merge: 'a' and 'c' cannot both stand: ", "the script's line")
  H.has(out, string.format("支出 206 07 02 科普活动 / 一般公共预算 / 项目支出: base %s, 'a' %s, 'c' %s", yuan(popular),
    yuan(popular * 95 // 100), yuan(popular * 97 // 100)), "the 科普活动 cell")
  H.has(out, string.format("支出 206 07 04 学术交流活动 / 一般公共预算 / 项目支出: base %s, 'a' %s, 'c' %s", yuan(exchange),
    yuan(exchange * 95 // 100), yuan(exchange * 97 // 100)), "the 学术交流活动 cell")
  local out2, status2 = run [[
local a = model:scenario("a", {carry = false})
budget.merge(a, "b")
]]
  H.eq(status2, 2, "exit for a merge of a non-scenario")
  H.has(out2, ":2: budget.merge(a, b [, name]): a and b are scenarios", "message")
end)

H.test("merging two layers on one scenario: what they share counts once, each side's own changes are theirs", function()
  local out = run([[
local p = model:scenario("P", {carry = false}); p:cut("206", "10%")
local a = p:scenario("A"); a:add("206 07 02", "1万")   -- a cell P changed too: A's change is beyond P's
local b = p:scenario("B"); b:add("210 11", "2万")
local s = budget.merge(a, b)
for _, l in ipairs(s:layers()) do print("layer " .. l.name, l.moves[1].total:fen()) end
print("popular", s:total("206 07 02"):fen())
print("steps", #s:steps())
]] .. PRINT_STEPS)
  local v = values(out)
  local cut = -(spending_row("206 科学技术支出") * 10 // 100)
  H.eq(v.steps, "3", "P's step once, then A's and B's")
  H.eq(v["layer P"], tostring(cut), "P's share, once")
  H.eq(v["layer A"], "1000000", "A's share")
  H.eq(v["layer B"], "2000000", "B's share")
  H.eq(v["change 总计"], tostring(cut + 3000000), "the change")
  local popular = spending_row("206 07 02 科普活动")
  H.eq(v.popular, tostring(popular - popular * 10 // 100 + 1000000), "科普活动: P's cut, then A's 1万")
end)

H.test("a merge where one side holds a cell the other changes fails and says so", function()
  local out, status = run [[
local a = model:scenario("A", {carry = false}); a:hold("206 07 02")
local b = model:scenario("B", {carry = false}); b:cut("206 07", "10%")
budget.merge(a, b)
]]
  H.eq(status, 2, "exit")
  local popular = spending_row("206 07 02 科普活动")
  H.has(out, string.format(":3: budget.merge: 'A' and 'B' cannot both stand: 1 cell:\n  支出 206 07 02 科普活动 / 一般公共预算 / "
    .. "项目支出: held in 'A', changed by 'B' from %s to %s", yuan(popular), yuan(popular - popular // 10)), "message")
end)

H.test("s:steps() hands out copies: changing them changes no report", function()
  local out = run [[
local s = model:scenario("x", {carry = false}); s:cut("206", "5%")
local st = s:steps()
st[1].moves[1].total = budget.fen(12345); st[1].label = "nothing to see"
print("again", s:steps()[1].label, s:steps()[1].moves[1].total:fen())
s:report()
]]
  local cut = -(spending_row("206 科学技术支出") * 5 // 100)
  H.has(out, "again\tcut 206 by 5%\t" .. cut, "a fresh copy")
  H.has(H.words(out), H.words("1 1 cut 206 by 5% " .. yuan(cut)), "the report")
end)

-- {==================================================================
-- budget compare
-- ===================================================================

local function script(text)
  local path = H.tmpname(".lua")
  H.write(path, text)
  return path
end

H.test("compare: each scenario against the base, the difference between them, their violations", function()
  local a = script 'local s = model:scenario("五厘", {carry = false}) s:cut("206", "5%")'
  local b = script 'local s = model:scenario("一成", {carry = false}) s:cut("201", "10%") s:report()'
  local out, status = H.budget("compare", MODEL, a, b)
  H.eq(status, 1, "exit: A breaks an error rule")
  local science, general = spending_row("206 科学技术支出"), spending_row("201 一般公共服务支出")
  local ca, cb = -(science * 5 // 100), -(general * 10 // 100)
  H.has(out, "A = 五厘 (" .. a .. ")")
  H.has(out, "B = 一成 (" .. b .. ")")
  H.has(H.words(out), H.words(string.format("206 科学技术支出 %s %s %s %s 0.00 %s", yuan(science), yuan(science + ca),
    yuan(ca), yuan(science), yuan(-ca))), "206's row")
  H.has(H.words(out), H.words(string.format("201 一般公共服务支出 %s %s 0.00 %s %s %s", yuan(general), yuan(general),
    yuan(general + cb), yuan(cb), yuan(cb))), "201's row")
  H.has(out, "A (五厘): Violations: 1 error")
  H.has(out, "B (一成): Violations: 1 error")
  assert(not out:find("Scenario: 一成", 1, true), "what a script reports of itself stays out of the comparison")
  local csv = H.budget("compare", MODEL, a, b, "--format", "csv")
  H.has(csv, string.format("total,支出,206,科学技术支出,%d.00,%d.%02d", science // 100, (science + ca) // 100,
    (science + ca) % 100), "the CSV row of 206")
end)

H.test("compare: bad input says what was expected and exits 2", function()
  local none = script 'local x = 1'
  local cases = {
    { { "compare", MODEL }, "budget: compare: expected a model and one or more scripts" },
    { { "compare", MODEL, "no-such.lua" }, "budget: no-such.lua: cannot read the script" },
    { { "compare", MODEL, none }, "budget: " .. none .. ": the script made no scenario to compare" },
    { { "compare", MODEL, none, "--format", "xml" }, "budget: compare: unknown format 'xml'" },
    { { "compare", "no-such-model.lua", none }, "no-such-model.lua" },
  }
  for _, c in ipairs(cases) do
    local out, status = H.budget(table.unpack(c[1]))
    H.eq(status, 2, table.concat(c[1], " "))
    H.has(out, c[2], table.concat(c[1], " "))
  end
end)

H.test("compare: each script has its own model, so one cannot change what another's figures say", function()
  local poison = script [[
local s = model:scenario("poison", {carry = false})
s:add("206", "1")
model.selcache["201"] = model.selcache["206"]   -- "201" now means 206: in its own model, and no other's
]]
  local b = script 'local s = model:scenario("一成", {carry = false}) s:cut("201", "10%")'
  local out = H.budget("compare", MODEL, poison, b)
  local general = spending_row("201 一般公共服务支出")
  local cb = -(general * 10 // 100)
  H.has(H.words(out), H.words(string.format("201 一般公共服务支出 %s %s 0.00 %s %s %s", yuan(general), yuan(general),
    yuan(general + cb), yuan(cb), yuan(cb))), "B's row of 201, as computed")
end)

-- }==================================================================

-- {==================================================================
-- HTML
-- ===================================================================

-- An HTML report stands alone: no script, nothing fetched, one <svg> at least.
local function self_contained(html, what)
  H.has(html, "<!DOCTYPE html>", what)
  assert(html:find("</html>\n$"), what .. ": the page is whole")
  for _, bad in ipairs { "<script", " src=", "href=", "@import", "url(" } do
    assert(not html:find(bad, 1, true), what .. ": has " .. bad)
  end
  for link in html:gmatch("https?://[^\"' ]+") do
    H.eq(link, "http://www.w3.org/2000/svg", what .. ": the only address is SVG's namespace")
  end
end

local function count(text, needle)
  local n, i = 0, 1
  while true do
    local j = text:find(needle, i, true)
    if not j then return n end
    n, i = n + 1, j + 1
  end
end

H.test("run --format html -o: one page, the waterfall a bar a step, the exact amounts in the chart", function()
  local out_file = H.tmpname(".html")
  local _, status = run([[
local s = model:scenario("three steps", {carry = false})
s:set("206 07 02", "3,000,000")
s:cut("206", "5%")
s:transfer("208 05", "210 11", "5万")
s:report()
]], "--format", "html", "-o", out_file)
  H.eq(status, 1, "exit")
  local html = H.read(out_file)
  self_contained(html, "run")
  local d1 = 300000000 - spending_row("206 07 02 科普活动")
  local d2 = -((spending_row("206 科学技术支出") + d1) * 5 // 100)
  -- the waterfall of 支出: base, 3 steps, scenario; the bars of 类 (base and scenario each)
  local waterfall = html:match('<svg[^>]-aria%-label="Waterfall of 支出.-</svg>')
  assert(waterfall, "a waterfall of 支出")
  H.eq(count(waterfall, '<rect class="bar'), 5, "the waterfall's bars")
  H.has(waterfall, string.format('data-amount="%s"', yuan(d1)), "step 1's exact amount")
  H.has(waterfall, string.format('data-amount="%s"', yuan(d2)), "step 2's exact amount")
  local classes = 0
  for _, m in ipairs(classes_and_kuan()) do if #m.code == 3 then classes = classes + 1 end end
  local bars = html:match('<svg[^>]-aria%-label="支出 by 功能分类: base and scenario.-</svg>')
  assert(bars, "bars of 支出 by 类")
  H.eq(count(bars, '<rect class="bar'), 2 * classes, "two bars a 类")
  H.has(html, '<tr class="violation error">', "the violation highlighted")
end)

H.test("batch --format html: the sweep a point a bar, every row, the same figures as the CSV", function()
  local out_file = H.tmpname(".html")
  local _, status = H.budget("batch", "scripts/sweep-science.lua", "--model", MODEL, "--param", "rate=0%:3%:0.5%",
    "--format", "html", "-o", out_file, "--jobs", "2")
  H.eq(status, 0, "exit: the cuts are carried to the economic lines, so no error rule breaks")
  local html = H.read(out_file)
  self_contained(html, "batch")
  H.eq(count(html, '<rect class="bar'), 7, "a bar a point")
  local science = spending_row("206 科学技术支出")
  H.has(html, string.format('data-amount="%s"', yuan(science - science * 3 // 100)), "the 3% point's exact amount")
  local csv = H.budget("batch", "scripts/sweep-science.lua", "--model", MODEL, "--param", "rate=0%:3%:0.5%")
  local rows = 0
  for _ in csv:gmatch("\r\n") do rows = rows + 1 end
  H.eq(count(html, "<tr") - 1, rows - 1, "a table row a CSV row")
end)

H.test("batch --format html: failed points (the first among them) are rows and bars of their own", function()
  local sweep = script [[
if params.rate == "3%" then error("no cut of 3% here") end
local s = model:scenario("cut " .. params.rate, {carry = false})
s:cut("206", params.rate)
budget.emit(s, { science = s:total("206") })
]]
  local out_file = H.tmpname(".html")
  local out, status = H.budget("batch", sweep, "--model", MODEL, "--param", "rate=3%,2%,1%", "--format", "html", "-o",
    out_file, "--jobs", "1")
  H.eq(status, 2, "exit: a point failed")
  H.has(out, "1 of 3 points failed", "the message")
  local html = H.read(out_file)
  self_contained(html, "batch with a failed point")
  H.eq(count(html, '<rect class="bar failed'), 1, "the failed point's bar")
  H.eq(count(html, '<rect class="bar'), 3, "a bar a point")
  H.has(html, "no cut of 3% here", "the failed point's error")
  local science = spending_row("206 科学技术支出")
  H.has(html, string.format('data-amount="%s"', yuan(science - science * 2 // 100)), "the 2% point's exact amount")
end)

H.test("compare --format html: bars a scenario and the base a 类, the violations of each", function()
  local a = script 'local s = model:scenario("五厘", {carry = false}) s:cut("206", "5%")'
  local b = script 'local s = model:scenario("一成", {carry = false}) s:cut("201", "10%")'
  local out_file = H.tmpname(".html")
  local _, status = H.budget("compare", MODEL, a, b, "--format", "html", "-o", out_file)
  H.eq(status, 1, "exit")
  local html = H.read(out_file)
  self_contained(html, "compare")
  local classes = 0
  for _, m in ipairs(classes_and_kuan()) do if #m.code == 3 then classes = classes + 1 end end
  local bars = html:match('<svg[^>]-aria%-label="支出 by 功能分类: base and .-</svg>')
  H.eq(count(bars, '<rect class="bar'), 3 * classes, "three bars a 类")
  H.has(html, "<h3>A 五厘</h3>")
  H.has(html, "<h3>B 一成</h3>")
end)

H.test("a report written with -o is as readable as the umask lets a new file be, not 0600", function()
  local out_file = H.tmpname(".html")
  local _, status = H.sh(string.format("umask 022 && %s run scripts/three-steps.lua --model %s --format html -o %s",
    H.bin, MODEL, out_file))
  H.eq(status, 0, "exit")
  H.eq((H.sh("stat -c %a " .. out_file)):gsub("%s+$", ""), "644", "the file's mode")
end)

H.test("an -o that cannot be written leaves nothing and exits 2", function()
  local out, status = run('local s = model:scenario("x", {carry = false}) s:cut("206", "5%")', "--format", "html", "-o",
    "/nonexistent-dir/r.html")
  H.eq(status, 2, "exit")
  H.has(out, "/nonexistent-dir/r.html", "the message names the file")
end)

-- }==================================================================

H.run()
