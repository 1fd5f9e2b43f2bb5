-- expect: 5 the model cannot change once a scenario is made from it
-- changing the base's cells while a scenario reads them (its overlay holds pages of them)
local s = model:scenario("x")
s:cut("科学技术支出", "5%")
model.core:put(1, {0, 0, 0}, "1")
