-- expect: 3 no dimension '无此维度' in the model
local s = model:scenario("unknown dimension")
s:cut({["无此维度"] = "206"}, "5%")
