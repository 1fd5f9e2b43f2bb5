-- expect: 3 cut 科学技术支出 by '5': 5% or a factor of 5? Write '5%' for a percent, or the rate as a fraction or a decimal ('1/20', 0.05)
local s = model:scenario("bare")
s:cut("科学技术支出", "5")
