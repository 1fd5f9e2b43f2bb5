-- expect: 4 cut 科普活动: the cells of 支出 that are not held sum to zero, so there is nothing to spread the change over (release a hold, or name cells that have an amount)
local s = model:scenario("held")
s:hold("科普活动")
s:cut("科普活动", "5%")
