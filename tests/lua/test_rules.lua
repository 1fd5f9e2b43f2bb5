-- tests/lua/test_rules.lua
-- Rules (engine/lua/rules.lua): each shape a model file writes (equal, sum_of,
-- at_most, no_growth, no_fall, nonnegative), its severity and precision, and
-- each violation's found, expected and difference. Expected figures are sums
-- of the model's own cells, read from its source text here, or the totals of
-- the base model in the same script; never the engine's printed figures.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"
local S = require "sast"

local MODEL, yuan = S.MODEL, S.yuan

local SRC, CELLS, under = S.SRC, S.CELLS, S.under

-- A copy of the model (and its document) with 'extra' appended to its rules.
local function model_with(extra)
  local dir = H.tmpname(".d")
  assert(os.execute("mkdir -p '" .. dir .. "'"))
  H.defer(function() os.execute("rm -rf '" .. dir .. "'") end)
  H.write(dir .. "/sast-2021.txt", H.read(S.DOCUMENT))
  H.write(dir .. "/m.lua", SRC .. "\n" .. extra .. "\n")
  return dir .. "/m.lua"
end

H.test("the model's cells as read here: 23 cells adding up to the document's 合计", function()
  H.eq(#CELLS, 23, "cells")
  H.eq(under(""), S.spending_row("合计"), "Σ cells = 合计")
end)

H.test("equal, sum_of and at_most broken: severity, members, found, expected, difference", function()
  local path = model_with [[
equal("T1 206 = 208", total "206", total "208")
sum_of("T2 合计 = 206 + 208", total(nil), {total "206", total "208"}, {severity = "warning"})
at_most("T3 208 ≤ 210", total "208", total "210", {severity = "info"})
at_most("T3b 210 ≤ 208", total "210", total "208")
]]
  local out, status = H.budget("check", path)
  H.eq(status, 1, "exit\n" .. out)
  local a, b, c = under("206"), under("208"), under("210")
  H.has(out, string.format("error: T1 206 = 208: 206 / 208: found %s, expected %s, difference %s\n",
    yuan(a), yuan(b), yuan(a - b)))
  H.has(out, string.format("warning: T2 合计 = 206 + 208: 总计 / Σ 206 + 208: found %s, expected %s, difference %s",
    yuan(under("")), yuan(a + b), yuan(under("") - a - b)))
  H.has(out, string.format("info: T3 208 ≤ 210: 208 / 210: found %s, expected %s, difference %s (208 %s exceeds 210 %s by %s: it must not exceed it)",
    yuan(b), yuan(c), yuan(b - c), yuan(b), yuan(c), yuan(b - c)))
  assert(not out:find("T3b", 1, true), "a rule that holds is not reported\n" .. out)
end)

H.test("precision: a difference inside the grain holds, one outside it is reported exactly", function()
  local popular = under("206 07 02")
  -- 40 元 more: inside 0.01万元 (100 元); 100 元 more: outside
  local inside, outside = popular + 4000, popular + 10000
  local function wan(fen) return string.format("%d.%04d万元", fen // 1000000, fen % 1000000 // 100) end
  local path = model_with(string.format([[
equal("P1 inside", total "206 07 02", "%s", {precision = "0.01万元"})
equal("P2 outside", total "206 07 02", "%s", {precision = "0.01万元"})
equal("P3 exact", total "206 07 02", "%s")
]], wan(inside), wan(outside), wan(inside)))
  local out, status = H.budget("check", path)
  H.eq(status, 1, "exit\n" .. out)
  assert(not out:find("P1 inside", 1, true), "inside the grain\n" .. out)
  H.has(out, string.format("error: P2 outside: 206 07 02 / %s: found %s, expected %s, difference %s", wan(outside),
    yuan(popular), yuan(outside), yuan(popular - outside)))
  H.has(out, string.format("error: P3 exact: 206 07 02 / %s: found %s, expected %s, difference %s", wan(inside),
    yuan(popular), yuan(inside), yuan(popular - inside)))
end)

H.test("a severity that is not error, warning or info: the model does not load", function()
  local path = model_with [[equal("S1", total "206", total "206", {severity = "fatal"})]]
  local out, status = H.budget("check", path)
  H.eq(status, 2, "exit\n" .. out)
  H.has(out, "severity is error, warning or info, not 'fatal'")
end)

-- A scenario script's violations as 'rule<TAB>severity|members|found|expected|diff' lines, and
-- the figures the script computes from the base and the scenario to compare them with.
local VIOLATIONS = [==[
local function fen(x) return math.tointeger(tonumber(tostring(x:fen()))) end
local function show(s)
  for _, x in ipairs(s:violations()) do
    print("v:" .. x.rule, table.concat({ x.severity, table.concat(x.members, " / "), fen(x.found), fen(x.expected), fen(x.diff) }, "|"))
  end
end
]==]

local function run(body)
  local out, status = S.run(VIOLATIONS .. body, "--trusted")
  assert(status == 0 or status == 1, "exit " .. tostring(status) .. "\n" .. out)
  return S.values(out), out
end

H.test("a scenario: identity, policy and nonnegative violations with diff = found - expected", function()
  local v = run [[
    local s = model:scenario("v", { carry = false })  -- by hand: the identity reports what is left
    s:cut("206", "5%")
    s:cut("206 07 02", "150%")
    s:cut("301", "10%")
    show(s)
    local eco = s:total { facts = "经济" }
    local gb = s:total { ["资金来源"] = "一般公共预算", ["支出性质"] = "基本支出" }
    print("eco", table.concat({ "error", "经济分类合计 / 一般公共预算基本支出", fen(eco), fen(gb), fen(eco) - fen(gb) }, "|"))
    local p, pb = s:total { ["经费类型"] = "人员经费" }, model:total { ["经费类型"] = "人员经费" }
    print("pers", table.concat({ "warning", "人员经费", fen(p), fen(pb), fen(p) - fen(pb) }, "|"))
  ]]
  H.eq(v["v:经济分类 = 一般公共预算基本支出"], v.eco, "the identity")
  H.eq(v["v:人员经费不减少"], v.pers, "the policy warning")
  -- 206 07 02's one cell after a 5% then a 150% cut: 3,650,000 × 0.95 × -0.5
  local cell = -(under("206 07 02") * 95 // 100 // 2)
  H.eq(v["v:没有负数"], "error|支出 / 206 07 02 科普活动 / 一般公共预算 / 项目支出|" .. cell .. "|0|" .. cell, "nonnegative")
  local n = 0
  for k in pairs(v) do if k:find("^v:") then n = n + 1 end end
  H.eq(n, 3, "violations")
end)

H.test("no_growth: 三公 up by one grain (100 元) is reported, down is not; the base never", function()
  local v = run [[
    local up = model:scenario("up")
    up:add({ ["三公经费"] = "公务接待费" }, "100")
    show(up)
    local t, tb = up:total { facts = "三公" }, model:total { facts = "三公" }
    print("all", table.concat({ "error", "三公经费", fen(t), fen(tb), fen(t) - fen(tb) }, "|"))
    local r, rb = up:total { ["三公经费"] = "公务接待费" }, model:total { ["三公经费"] = "公务接待费" }
    print("line", table.concat({ "error", "公务接待费", fen(r), fen(rb), fen(r) - fen(rb) }, "|"))
    print("d", fen(r) - fen(rb))
    local down = model:scenario("down")
    down:cut({ facts = "三公" }, "10%")
    local grew = 0  -- (the cut breaks the ties of 三公 with 302 12 … 302 31: identities, not growth)
    for _, x in ipairs(down:violations()) do if x.rule:find("不增长$") then grew = grew + 1 end end
    print("down", grew)
    print("base", #model:scenario("base"):violations())
  ]]
  H.eq(v["v:三公经费不增长"], v.all, "三公经费不增长")
  H.eq(v["v:公务接待费不增长"], v.line, "公务接待费不增长")
  H.eq(v.d, "10000", "100 元 in fen")
  H.eq(v.down, "0", "a cut of 三公 breaks no no_growth rule")
  H.eq(v.base, "0", "an empty scenario breaks nothing")
end)

H.test("a rule that must hold in every scenario: 302 17 set alone breaks the 三公 tie", function()
  local v = run [[
    local s = model:scenario("tie", { carry = false })  -- by hand: the 三公 table is left as it was
    s:set("302 17", "100万")
    show(s)
    local a, b = s:total { ["三公经费"] = "公务接待费" }, s:total { ["经济分类"] = "302 17" }
    print("tie", fen(a) .. "|" .. fen(b) .. "|" .. (fen(a) - fen(b)))
  ]]
  local got = v["v:三公: 公务接待费 = 302 17"]
  assert(got, "the tie is broken")
  H.eq(got:match("|(%-?%d+|%-?%d+|%-?%d+)$"), v.tie, "found, expected, difference")
  H.eq(got:match("|(%-?%d+)|%-?%d+|%-?%d+$"), tostring(math.tointeger(S.wan("7.47"))), "found: 7.47万元 as the document states")
end)

H.run()
