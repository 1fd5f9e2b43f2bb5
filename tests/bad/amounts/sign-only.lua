-- expect: 3 malformed amount '-' at character 2: expected a digit
local s = model:scenario("sign")
s:add("206 07 02", "-")
