-- expect: 3 malformed amount '1,23,456' at character 5: expected 3 digits between separators
local s = model:scenario("grouping")
s:set("206 07 02", "1,23,456")
