-- expect: 3 malformed amount '' at character 1: expected a digit
local s = model:scenario("empty")
s:set("206 07 02", "")
