-- expect: 3 malformed amount '1.0000001万' at character 9: expected at most 6 decimals for an amount in 万元
local s = model:scenario("wan decimals")
s:set("206 07 02", "1.0000001万")
