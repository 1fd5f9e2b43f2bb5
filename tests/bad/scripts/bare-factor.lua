-- expect: 3 scale 206 to '95': 95% or a factor of 95? Write '95%' for a percent, or the factor with a point or as a fraction ('95.0', '95/1')
local s = model:scenario("bare")
s:scale("206", 95)
