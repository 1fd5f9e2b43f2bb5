-- scripts/freeze-sangong.lua
-- 三公经费冻结，商品和服务支出压减5%: cut 302 商品和服务支出 by 5% and leave
-- the 三公 lines (出国、接待、公务用车) untouched.
--
-- Run it:  build/budget run scripts/freeze-sangong.lua --model models/sast-2021.lua
--
-- The 三公 lines are economic lines of table 7 (302 12, 302 17, 302 31) and
-- also the 三公 table (table 8); holding them makes the 5% cut fall on the
-- other 302 lines only (office costs, utilities, rent, ...). The engine carries
-- the same amount to the function side (一般公共预算 basic spending), as in
-- hold-personnel-cut-3pct.lua.

local base = model or budget.load("models/sast-2021.lua")

local s = base:scenario("三公经费冻结，商品和服务支出压减5%")
s:hold({facts = "三公"})        -- every cell of the 三公 table
s:hold("302 12")                -- and their economic lines
s:hold("302 17")
s:hold("302 31")

s:cut("302", "5%")  -- 5% of 8,051,695 元, spread over the 302 lines not held

s:report()
