-- expect: 3 malformed rate '5 %' at character 2: expected a digit, '.', '%' or '/', or the end of the rate
local s = model:scenario("bad rate")
s:cut("206", "5 %")
