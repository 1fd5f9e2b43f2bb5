-- expect: 3 malformed amount '10万元5' at character 3: expected a digit or the end of the amount, or a unit
local s = model:scenario("bad amount")
s:add("206 07 02", "10万元5")
