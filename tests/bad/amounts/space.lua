-- expect: 3 malformed amount '12 345' at character 3: expected a digit or the end of the amount, or a unit: 元, 万, 万元, 亿, 亿元
local s = model:scenario("space")
s:add("206 07 02", "12 345")
