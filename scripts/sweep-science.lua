-- scripts/sweep-science.lua
-- A sweep: cut 科学技术支出 by every rate from 0% to 10% in steps of 0.5%, one
-- scenario a point, and a row for each with 206's total.
--
-- Run it:
--   build/budget batch scripts/sweep-science.lua --model models/sast-2021.lua --param rate=0%:10%:0.5%
--
-- 'params.rate' is the point's rate as text ('0.5%'); budget.emit records the
-- scenario as a row: the parameters, the columns named here, the grand total
-- and the number of violations of each severity.

local s = model:scenario("科学技术支出压减" .. params.rate)
s:cut("科学技术支出", params.rate)
budget.emit(s, { science = s:total("科学技术支出") })
