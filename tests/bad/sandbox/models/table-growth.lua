-- expect: 4 the model ran past its limit of 50000000 steps (Lua instructions)
-- a table that grows without end while the model loads
local t = {}
for i = 1, math.maxinteger do t[i] = i end
