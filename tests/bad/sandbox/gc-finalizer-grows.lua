-- expect: 4 setmetatable: a script's metatable may not have __gc (a finalizer runs outside the script's limits)
-- a finalizer that grows without end, the way one grew to 4 GB: refused before it exists
local keep = {}
for i = 1, 10 do keep[i] = setmetatable({}, { __gc = function() local t = {} while true do t[#t + 1] = {} end end }) end
