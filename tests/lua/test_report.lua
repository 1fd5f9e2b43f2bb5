-- tests/lua/test_report.lua
-- The reports of 'budget run' (engine/lua/report/init.lua) in text, csv, json
-- and md: the totals a scenario moved, its changed cells, its steps and layers,
-- its violations. Every figure expected is computed here from the model's own
-- cells (read from its source text), never from the engine's output.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"
local S = require "sast"

local MODEL, yuan = S.MODEL, S.yuan
local SRC, CELLS, NAME, under = S.SRC, S.CELLS, S.NAME, S.under

local function fen_of(text) return math.tointeger(tonumber((text:gsub(",", "")))) * 100 end

-- The 经济 cells' sum.
local ECO = 0
for amount in SRC:match('facts "经济" (%b{})'):gmatch('{"[%d ]+", "[^"]+", "([%d,]+)"}') do ECO = ECO + fen_of(amount) end
local function gb_basic(c) return c.source == "一般公共预算" and c.kind == "基本支出" end

-- 'change %' as the report writes it: hundredths of a percent, half away from zero.
local function percent(change, base)
  local q = (math.abs(change) * 10000 * 2 + base) // (2 * base)
  return string.format("%s%d.%02d%%", change < 0 and q > 0 and "-" or "", q // 100, q % 100)
end
-- '1234.50' (a CSV figure: no grouping).
local function plain(fen) return (yuan(fen):gsub(",", "")) end

-- The scenario every format reports: a 10% cut of 206 07 99, 1,000 元 added to 221 02 03.
local SCRIPT = [[
local s = model:scenario("R", {carry = false})  -- by hand: the identity reports the add
s:cut("206 07 99", "10%")
s:add("221 02 03", "1,000")
s:report()
]]
local CUT = under("206 07 99") // 10
local ADD = 100000
-- The totals rows the report must show: {code, name, base, change}.
local TOTALS = {
  { "", "总计", under(""), ADD - CUT },
  { "206", NAME["206"], under("206"), -CUT },
  { "206 07", NAME["206 07"], under("206 07"), -CUT },
  { "221", NAME["221"], under("221"), ADD },
  { "221 02", NAME["221 02"], under("221 02"), ADD },
}
local CELLROWS = {
  { "206 07 99 " .. NAME["206 07 99"] .. " / 一般公共预算 / 项目支出", under("206 07 99"), -CUT },
  { "221 02 03 " .. NAME["221 02 03"] .. " / 一般公共预算 / 基本支出", under("221 02 03"), ADD },
}
-- The identity the add breaks: 经济分类合计 (unchanged) against 一般公共预算 basic spending (+1,000).
local ECO_FOUND, ECO_EXPECTED = ECO, under("", gb_basic) + ADD

local function report(...)
  local out, status = S.run(SCRIPT, ...)
  H.eq(status, 1, "exit: a rule is broken\n" .. out)
  return out
end

H.test("the identity used here holds in the base: 经济 cells = 一般公共预算 basic cells", function()
  H.eq(ECO, under("", gb_basic), "Σ 经济 = Σ 一般公共预算 基本支出")
  assert(CUT > 0 and CUT % 1 == 0, "a cut")
end)

H.test("text: the moved totals, the changed cells, the steps, the violation", function()
  local out = report()
  local lines = {}
  for l in out:gmatch("[^\n]+") do lines[#lines + 1] = H.words(l) end
  local text = "\n" .. table.concat(lines, "\n") .. "\n"
  H.has(text, "\nScenario: R\n")
  H.has(text, "\n支出 by 功能分类 (元)\ncode name base scenario change change %\n")
  local want = {}
  for _, r in ipairs(TOTALS) do
    want[#want + 1] = H.words(string.format("%s %s %s %s %s %s", r[1], r[2], yuan(r[3]), yuan(r[3] + r[4]), yuan(r[4]),
      percent(r[4], r[3])))
  end
  -- (then the prior year the document states, test_links.lua; then the cells)
  H.has(text, "change %\n" .. table.concat(want, "\n") .. "\nAgainst the prior year", "exactly the totals that moved")
  for _, c in ipairs(CELLROWS) do
    H.has(text, H.words(string.format("\n支出 %s %s %s %s\n", c[1], yuan(c[2]), yuan(c[2] + c[3]), yuan(c[3]))))
  end
  H.has(text, string.format("\n1 2 cut 206 07 99 by 10%% %s\n", yuan(-CUT)))
  H.has(text, string.format("\n2 3 add 1,000.00 to 221 02 03 %s\n", yuan(ADD)))
  H.has(text, "\nViolations: 1 error, 0 warnings\n")
  H.has(text, string.format("error: 经济分类 = 一般公共预算基本支出: 经济分类合计 / 一般公共预算基本支出: found %s, expected %s, difference %s\n",
    yuan(ECO_FOUND), yuan(ECO_EXPECTED), yuan(ECO_FOUND - ECO_EXPECTED)))
  assert(not out:find("Layers", 1, true), "one layer: no layers table")
end)

H.test("csv: the same rows, plain figures, CRLF lines", function()
  local out = report("--format", "csv")
  H.has(out, "section,scenario,set,code,name,base,scenario_amount,change,change_percent\r\n")
  for _, r in ipairs(TOTALS) do
    H.has(out, string.format("\r\ntotal,R,支出,%s,%s,%s,%s,%s,%s\r\n", r[1], r[2], plain(r[3]), plain(r[3] + r[4]), plain(r[4]),
      percent(r[4], r[3])))
  end
  for _, c in ipairs(CELLROWS) do
    H.has(out, string.format("\r\ncell,R,支出,,%s,%s,%s,%s,\r\n", c[1], plain(c[2]), plain(c[2] + c[3]), plain(c[3])))
  end
  -- the message: a sentence with the figures, whole ('less': 经济 is short of what it must equal)
  H.has(out, string.format("\r\nviolation:error,R,经济分类 = 一般公共预算基本支出,,经济分类合计 / 一般公共预算基本支出,%s,%s,%s,\"经济分类合计 %s ≠ 一般公共预算基本支出 %s: %s less\"\r\n",
    plain(ECO_EXPECTED), plain(ECO_FOUND), plain(ECO_FOUND - ECO_EXPECTED), yuan(ECO_FOUND), yuan(ECO_EXPECTED),
    yuan(ECO_EXPECTED - ECO_FOUND)))
  H.has(out, string.format("\r\nstep:1,R,支出,,总计,,,%s,\r\n", plain(-CUT)))
  H.has(out, '\r\nstep:2,R,,,"line 3: add 1,000.00 to 221 02 03",,,,\r\n')
  local rows = 0
  for _ in out:gmatch("\r\ntotal,") do rows = rows + 1 end
  H.eq(rows, #TOTALS, "total rows")
  assert(not out:gsub("\r\n", ""):find("\n"), "every line ends CRLF")
end)

H.test("json: the counts, the cells and the steps' moves", function()
  local out = report("--format", "json")
  H.has(out, '"scenario":\t"R"')
  H.has(out, '"error":\t1')
  H.has(out, string.format('"base":\t"%s"', yuan(CELLROWS[1][2])))
  H.has(out, string.format('"change":\t"%s"', yuan(-CUT)))
  H.has(out, string.format('"total":\t"%s"', yuan(ADD - CUT)), "the layer's move")
  H.has(out, '"operation":\t"cut 206 07 99 by 10%"')
  H.has(out, string.format('"difference":\t"%s"', yuan(ECO_FOUND - ECO_EXPECTED)))
end)

H.test("md --explain: Markdown tables and the waterfall, each step a column", function()
  local out = report("--format", "md", "--explain")
  H.has(out, "### Scenario: R\n")
  H.has(out, "| code | name | base | scenario | change | change % |\n| --- | --- | ---: | ---: | ---: | ---: |\n")
  for _, r in ipairs(TOTALS) do
    H.has(out, string.format("| %s | %s | %s | %s | %s | %s |", r[1], r[2], yuan(r[3]), yuan(r[3] + r[4]), yuan(r[4]),
      percent(r[4], r[3])))
  end
  H.has(out, "Waterfall: 支出 by 功能分类 (元), what each step moved")
  for _, r in ipairs(TOTALS) do
    local s1 = r[1] == "221" or r[1] == "221 02"
    local step1, step2 = s1 and "" or yuan(-CUT), (r[1] == "" or s1) and yuan(ADD) or ""
    H.has(out, string.format("| %s | %s | %s | %s | %s | %s | %s |", r[1], r[2], yuan(r[3]), step1, step2,
      yuan(r[3] + r[4]), yuan(r[4])), "waterfall " .. r[2])
  end
  H.has(out, "- error: 经济分类 = 一般公共预算基本支出:")
end)

H.test("nothing changed: 'No amount changed.', no rule broken, exit 0", function()
  local out, status = S.run [[model:scenario("empty"):report()]]
  H.eq(status, 0, "exit\n" .. out)
  H.has(out, "No amount changed.")
  H.has(out, "No rule is broken.")
  assert(not out:find("Steps", 1, true), out)
end)

H.test("a layered scenario: a layer column in the steps and a layers table", function()
  local out, status = S.run [[
    local p = model:scenario("P")
    p:cut("206 07 99", "10%")
    local l = p:scenario("L")
    l:add("206 07 99", "1,000")
    l:report()
  ]]
  assert(status == 0 or status == 1, out)
  local text = "\n"
  for line in out:gmatch("[^\n]+") do text = text .. H.words(line) .. "\n" end
  H.has(text, "\n# line layer operation 支出 总计\n")
  H.has(text, string.format("\n1 2 P cut 206 07 99 by 10%% %s\n", yuan(-CUT)))
  H.has(text, "\nLayers (元)\nlayer steps 支出 总计\n")
  H.has(text, string.format("\nP 1 %s\nL 2 %s\n", yuan(-CUT), yuan(ADD)))
end)

H.run()
