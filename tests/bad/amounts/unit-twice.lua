-- expect: 3 malformed amount '10万万' at character 4: expected the end of the amount after its unit
local s = model:scenario("unit twice")
s:set("206 07 02", "10万万")
