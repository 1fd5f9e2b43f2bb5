-- expect: 3 malformed amount '1e5' at character 2: expected a digit or the end of the amount, or a unit: 元, 万, 万元, 亿, 亿元
local s = model:scenario("exponent")
s:set("206 07 02", "1e5")
