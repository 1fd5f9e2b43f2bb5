-- scripts/three-steps.lua
-- 三步：压减、调剂、转移. A scenario of three steps, to explain step by step:
-- where each 分 of the change came from.
--
-- Run it:
--   build/budget run scripts/three-steps.lua --model models/sast-2021.lua --explain
--   build/budget run scripts/three-steps.lua --model models/sast-2021.lua --format html -o report.html
--
-- --explain adds the steps' waterfall to the report: a column a step, a row for
-- each 类 and 款 a step moved, and the columns add up to the change. The HTML
-- report draws it: the base, a bar a step, the scenario.

local s = model:scenario("三步：压减、调剂、转移")

s:set("206 07 02", "3,000,000")       -- 科普活动 becomes 300万 (from 365万)
s:cut("206", "5%")                     -- then 科学技术支出 falls by 5% of what step 1 left
s:transfer("208 05", "210 11", "5万")  -- and 5万 moves from 养老 to 医疗: the grand total stays

s:report()
