-- expect: 3 add to 206 07 02: an amount out of range (more than 92,233,720,368,547,758.07 元)
local s = model:scenario("too much")
s:add("206 07 02", "92,233,720,368,547,758.07")
