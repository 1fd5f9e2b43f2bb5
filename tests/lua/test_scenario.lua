-- tests/lua/test_scenario.lua
-- Scenarios on the SAST model through 'budget run'. Every expected figure is
-- computed here from the document's amounts (read from models/sast-2021.txt),
-- never taken from the engine's output.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"

local S = require "sast"
local MODEL = S.MODEL
local doc, spending_row, wan, yuan, run, values = S.doc, S.spending_row, S.wan, S.yuan, S.run, S.values

H.test("cut 科学技术支出 by 5%: 206 and the grand total move by exactly 5% of 206", function()
  local sci = spending_row("206 科学技术支出")
  local out = run [[
    local s = model:scenario("cut")
    s:cut("科学技术支出", "5%")
    print("206", s:total("206"))
    print("grand", s:total() - model:total())
    print("scale", model:scenario("scale"):scale("206", "95%"))
  ]]
  local v = values(out)
  H.eq(v["206"], yuan(sci * 95 // 100), "206 after the cut")          -- 69,149,818 × 0.95: exact in fen
  H.eq(v.grand, yuan(-(sci * 5 // 100)), "the grand total's move")
  H.eq(v.scale, yuan(-(sci * 5 // 100)), "scale by 95% is the same move")
  H.eq(v["206"], "65,692,327.10", "DESIGN.md's figure")
end)

H.test("with 科普活动 held, the same cut leaves it and still moves 206 by exactly 5%", function()
  local sci, popular = spending_row("206 科学技术支出"), spending_row("206 07 02 科普活动")
  local v = values(run [[
    local s = model:scenario("held")
    s:hold("科普活动")
    local moved = s:cut("科学技术支出", "5%")
    print("popular", s:total("科普活动"))
    print("moved", moved)
    print("206", s:total("206") - model:total("206"))
  ]])
  H.eq(v.popular, yuan(popular), "科普活动 held")
  H.eq(v.moved, yuan(-(sci * 5 // 100)), "the move")
  H.eq(v["206"], yuan(-(sci * 5 // 100)), "206's move")
end)

H.test("the 10万 transfer: projects' total unchanged, each project = Σ its sub-items", function()
  -- each project's sum as its section of 项目经费情况说明 states it, in 万元: the first line of
  -- 六、年度预算安排 ('本项目总金额69.91万元，…', or just '科技创新峰会30万元')
  local totals, all = {}, 0
  local text = doc:sub((doc:find("项目经费情况说明", 1, true)))
  local starts = {}
  for pos in text:gmatch("()\n\n一、项目概述") do starts[#starts + 1] = pos end
  for i, pos in ipairs(starts) do
    local name = text:sub(1, pos - 1):match("([^\n]+)$"):gsub("项目经费情况说明$", "")
    local section = text:sub(pos, (starts[i + 1] or #text + 1) - 1)
    local plan = section:match("六、年度预算安排%s*\n%s*([^\n]+)")
    local amount = plan:match("本项目总金额([%d.]+)万元") or plan:match("([%d.]+)万元")
    totals[name] = wan(amount)
    all = all + totals[name]
  end
  H.eq(#starts, 8, "projects in the document")
  local out = run [[
    local s = model:scenario("transfer")
    s:transfer("科普资源平台建设费", "基层科普服务费", "10万")
    print("all", s:total { facts = "项目" })
    for _, m in ipairs(model:members("项目")) do
      print(m.name, s:total { ["项目"] = m.id })
      print("parent:" .. m.name, m.parent and model.core:info(model.dim_by_name["项目"].index, m.parent).name or "")
    end
  ]]
  local v = values(out)
  H.eq(v.all, yuan(all), "the projects' total")
  H.eq(v["科普资源平台建设费"], yuan(totals["科普资源平台建设费"] - wan("10")), "the giving project")
  H.eq(v["基层科普服务费"], yuan(totals["基层科普服务费"] + wan("10")), "the receiving project")
  local sums = {}
  for key, parent in pairs(v) do
    local name = key:match("^parent:(.+)$")
    if name and parent ~= "" then
      sums[parent] = (sums[parent] or 0) + math.tointeger(tonumber((v[name]:gsub(",", ""):gsub("%.", ""))))
    end
  end
  local projects = 0
  for parent, sum in pairs(sums) do
    H.eq(yuan(sum), v[parent], parent .. " = Σ its sub-items")
    projects = projects + 1
  end
  H.eq(projects, 8, "projects")
end)

H.test("the base model's totals are the same after any scenario", function()
  local grand = spending_row("合计")
  local out = run [[
    local before = { model:total(), model:total("206"), model:total { facts = "经济" }, model:total { facts = "项目" } }
    for i, rate in ipairs { "5%", "50%", "120%", "-10%" } do
      local s = model:scenario("s" .. i)
      s:transfer("科普资源平台建设费", "基层科普服务费", "10万")
      s:cut("科学技术支出", rate)
      s:cut("302", rate)
    end
    local after = { model:total(), model:total("206"), model:total { facts = "经济" }, model:total { facts = "项目" } }
    for i = 1, 4 do print("same" .. i, tostring(before[i] == after[i])) end
    print("grand", model:total())
  ]]
  local v = values(out)
  for i = 1, 4 do H.eq(v["same" .. i], "true", "total " .. i) end
  H.eq(v.grand, yuan(grand), "the grand total")
end)

H.test("property: random references and rates; shares exact, held cells still, sums as asked", function()
  local out, status = H.budget("run", "tests/scripts/property.lua", "--model", MODEL)
  assert(status == 0 or status == 1, "exit " .. tostring(status) .. "\n" .. out)
  local n = tonumber(out:match("checked (%d+)"))
  assert(n and n >= 200, out)
end)

H.test("DESIGN.md's API: set, add, diff, violations, money", function()
  local v = values(run [[
    local s = model:scenario("api", { carry = false })  -- by hand: the identity rules report the rest
    s:set("302 12", "40万")
    s:add("206 07 02", "-20,000")
    print("30212", s:total("302 12"))
    print("20607", s:total("206 07 02"))
    local d = s:diff()
    print("diff", #d)
    print("diff1", d[1].ref .. "|" .. tostring(d[1].base) .. "|" .. tostring(d[1].value) .. "|" .. tostring(d[1].delta))
    local rules = {}
    for _, x in ipairs(s:violations()) do rules[#rules + 1] = x.severity .. ":" .. x.rule end
    print("violations", table.concat(rules, ","))
    print("money", budget.money("10万") + budget.money("1,234.56"))
    print("format", budget.money("525,000"):format("万元"))
    print("fen", budget.money("1.23"):fen())
  ]])
  H.eq(v["30212"], "400,000.00", "set")
  H.eq(v["20607"], yuan(spending_row("206 07 02 科普活动") - 2000000), "add")
  H.eq(v.diff, "2", "changed cells")
  H.eq(v.diff1, "206 07 02 科普活动 / 一般公共预算 / 项目支出|3,650,000.00|3,630,000.00|-20,000.00", "diff row")
  H.has(v.violations, "error:经济分类 = 一般公共预算基本支出")
  H.has(v.violations, "error:三公: 因公出国(境)费 = 因公出国（境）费用")
  H.eq(v.money, "101,234.56", "money +")
  H.eq(v.format, "52.50万元", "format")
  H.eq(v.fen, "123", "fen")
end)

H.test("the scripts: exit 0 when clean, 1 with errors; the report says which rules", function()
  for _, case in ipairs {
    { "scripts/cut-science-5pct.lua", 0, "No rule is broken." },
    { "scripts/reallocate-projects.lua", 0, "No rule is broken." },
    { "scripts/hold-personnel-cut-3pct.lua", 0, "No rule is broken." },
    { "scripts/freeze-sangong.lua", 0, "No rule is broken." },
    { "scripts/breaks-rules.lua", 1, "warning: 人员经费不减少" },
  } do
    local out, status = H.budget("run", case[1], "--model", MODEL)
    H.eq(status, case[2], case[1] .. "\n" .. out)
    H.has(out, case[3], case[1])
    H.has(out, "Scenario: ", case[1])
  end
  local out = H.budget("run", "scripts/breaks-rules.lua", "--model", MODEL)
  for _, rule in ipairs { "三公经费不增长", "公务接待费不增长", "没有负数", "人员经费不减少" } do
    H.has(out, rule, "breaks-rules")
  end
  -- the 三公 line grew, and the growth was carried to 302 17 and to 支出: the ties still hold
  assert(not out:find("三公: 公务接待费 = 302 17", 1, true), out)
  H.has(out, "Violations: 3 errors, 1 warning")
end)

H.test("the report in csv, json and md has the same content", function()
  local out, status = H.budget("run", "scripts/cut-science-5pct.lua", "--model", MODEL, "--format", "csv")
  H.eq(status, 0, "csv exit")
  H.has(out, "section,scenario,set,code,name,base,scenario_amount,change,change_percent\r\n")
  H.has(out, "total,科学技术支出压减5%,支出,206,科学技术支出,69149818.00,65692327.10,-3457490.90,-5.00%\r\n")
  out, status = H.budget("run", "scripts/breaks-rules.lua", "--model", MODEL, "--format", "csv")
  H.eq(status, 1, "csv exit, a rule broken")
  H.has(out, "violation:error,违反规则的示例,三公经费不增长")
  out = H.budget("run", "scripts/cut-science-5pct.lua", "--model", MODEL, "--format", "json")
  H.has(out, '"change":\t"-3,457,490.90"')
  out = H.budget("run", "scripts/breaks-rules.lua", "--model", MODEL, "--format", "json")
  H.has(out, '"rule":\t"三公经费不增长"')
  out = H.budget("run", "scripts/cut-science-5pct.lua", "--model", MODEL, "--format", "md")
  H.has(out, "| 206 | 科学技术支出 | 69,149,818.00 | 65,692,327.10 | -3,457,490.90 | -5.00% |")
end)

H.test("a failing script prints no report, only the error", function()
  local out, status = run [[
    local s = model:scenario("first")
    s:cut("206", "5%")
    s:report()
    s:cut("无此科目", "5%")
  ]]
  H.eq(status, 2, "exit")
  assert(not out:find("Scenario:", 1, true), "a report was printed:\n" .. out)
  H.has(out, ":4: '无此科目' is not a member")
end)


H.test("a trusted script may do what the sandbox forbids; an allowed directory may be read", function()
  local script = H.tmpname(".lua")
  H.write(script, [[
    local f = io.open("models/sast-2021.txt")
    print("read", #f:read("a") > 1000)
    f:close()
    print("total", budget.load("models/sast-2021.lua"):total())
  ]])
  local out, status = H.budget("run", script, "--trusted")
  H.eq(status, 0, "exit\n" .. out)
  H.has(out, "read\ttrue")
  local sandboxed, s2 = H.budget("run", script)
  H.eq(s2, 2, "sandboxed")
  H.has(sandboxed, "(global 'io')")
  H.write(script, 'print("total", budget.load("models/sast-2021.lua"):total())')
  local allowed, s3 = H.budget("run", script, "--allow", "models")
  H.eq(s3, 0, "allowed\n" .. allowed)
  H.has(allowed, "total\t110,654,121.00")
end)

H.run()
