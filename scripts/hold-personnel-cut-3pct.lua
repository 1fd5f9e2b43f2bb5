-- scripts/hold-personnel-cut-3pct.lua
-- 基本支出压减3%，人员经费不动: cut 一般公共预算 basic spending by 3% while
-- salaries and pensions (人员经费) and the 三公 lines stay as they are.
--
-- Run it:  build/budget run scripts/hold-personnel-cut-3pct.lua --model models/sast-2021.lua
--
-- Basic spending is described twice in the document: by economic line (table 7)
-- and by function (table 5). The script cuts the economic side; the model links
-- the two, so the engine takes exactly the same amount from the function side,
-- spread over its 一般公共预算 basic cells, and no rule is broken.

local base = model or budget.load("models/sast-2021.lua")

local s = base:scenario("基本支出压减3%，人员经费不动")

-- Held cells keep their amounts; later cuts are spread over the others.
s:hold("人员经费")                         -- 301 工资福利支出 and 303 对个人和家庭的补助
s:hold("302 12")                           -- 因公出国（境）费用 \
s:hold("302 17")                           -- 公务接待费           > the 三公 table states these
s:hold("302 31")                           -- 公务用车运行维护费   /

-- 3% of all basic spending (64,728,976 元), taken from the 公用经费 lines not held.
-- 'cut' returns how much the total moved (a negative amount).
s:cut({facts = "经济"}, "3%")              -- 3% of all basic spending, from the lines not held

s:report()
