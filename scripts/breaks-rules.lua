-- scripts/breaks-rules.lua
-- A scenario that breaks rules on purpose, to show what the engine reports.
--
-- Run it:  build/budget run scripts/breaks-rules.lua --model models/sast-2021.lua
-- It exits with status 1: there are violations of severity error.

local base = model or budget.load("models/sast-2021.lua")

local s = base:scenario("违反规则的示例")

-- 1. 公务接待费 in the 三公 table grows by 2万元. Two rules object:
--    "三公经费不增长" and "公务接待费不增长" (三公经费 must not grow). The 2万 is
--    carried to table 7's line 302 17 and on to 一般公共预算 basic spending, so
--    the tables still agree with each other.
s:add({["三公经费"] = "公务接待费"}, "2万")

-- 2. 人员经费 is cut by 1%: "人员经费不减少" warns (the cut is carried to the
--    function side of basic spending, as any change is).
s:cut("人员经费", "1%")

-- 3. 科普活动 is cut by 120%: allowed, but its cell goes below zero, and
--    "没有负数" reports it.
s:cut("科普活动", "120%")

s:report()
