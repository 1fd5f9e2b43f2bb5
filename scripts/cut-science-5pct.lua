-- scripts/cut-science-5pct.lua
-- 科学技术支出压减5%: cut the whole of 科学技术支出 (功能分类 206) by 5%.
--
-- Run it:  build/budget run scripts/cut-science-5pct.lua --model models/sast-2021.lua
--
-- The cut is spread over every cell under 206 (each 项, each funding source,
-- basic and project spending) in proportion to its amount, and 206 falls by
-- exactly 5% of 69,149,818 元 = 3,457,490.90 元.
--
-- The report also shows a rule this breaks on purpose: part of the cut falls
-- on 一般公共预算 basic spending (206 07 01 机构运行), but the economic breakdown
-- of that spending (table 7: salaries, office costs, ...) is not told which
-- lines give the money up, so the two no longer agree. The script
-- hold-personnel-cut-3pct.lua shows how to cut both sides together.

local base = model or budget.load("models/sast-2021.lua")   -- the base model is never changed

local s = base:scenario("科学技术支出压减5%")
s:cut("科学技术支出", "5%")      -- the same as s:scale("206", "95%")

s:report()                        -- totals, changed cells, broken rules
