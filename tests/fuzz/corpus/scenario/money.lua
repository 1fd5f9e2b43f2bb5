local a = budget.money("10万") + budget.money("1.2亿") - budget.money("-3,457,490.90")
print(a, a:fen(), a:format("万元"), a:round("0.01万元"), a * budget.rate("1/3"), a <= a, a == a)
local t = model:total({["功能分类"] = "206", ["支出性质"] = "项目支出"})
print(t, model:total({facts = "三公"}))
