-- expect: 3 malformed amount '10万元5' at character 5: expected the end of the amount after its unit
local s = model:scenario("bad amount")
s:add("206 07 02", "10万元5")
