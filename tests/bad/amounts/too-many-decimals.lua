-- expect: 3 malformed amount '1,234.567' at character 9: expected at most 2 decimals (fen) for an amount in 元
local s = model:scenario("decimals")
s:set("206 07 02", "1,234.567")
