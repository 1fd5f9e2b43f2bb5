-- scripts/cut-science-5pct.lua
-- 科学技术支出压减5%，人员经费不动: cut the whole of 科学技术支出 (功能分类 206)
-- by 5%, with 人员经费 (salaries, social insurance, pensions) held.
--
-- Run it:  build/budget run scripts/cut-science-5pct.lua --model models/sast-2021.lua
--
-- The cut is spread over every cell under 206 (each 项, each funding source,
-- basic and project spending) in proportion to its amount, and 206 falls by
-- exactly 5% of 69,149,818 元 = 3,457,490.90 元.
--
-- Part of it falls on 一般公共预算 basic spending (206 07 01 机构运行:
-- 1,341,363.35 元). The economic breakdown of that spending (table 7) is the
-- same money described by line, so the engine carries the 1,341,363.35 there
-- too: with 人员经费 held, onto the 公用经费 lines, in proportion; and the 三公
-- lines among them carry on to the 三公 table. Every table still agrees.

local base = model or budget.load("models/sast-2021.lua")   -- the base model is never changed

local s = base:scenario("科学技术支出压减5%")
s:hold("人员经费")                -- 经济分类 301 and 303 keep their amounts
s:cut("科学技术支出", "5%")      -- the same as s:scale("206", "95%")

s:report()                        -- totals, changed cells, broken rules
