-- expect: 3 no fact set '无此' in the model
local s = model:scenario("unknown facts")
s:cut({facts = "无此", ["功能分类"] = "206"}, "5%")
