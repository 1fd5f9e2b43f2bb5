-- expect: 6 '__index' chain too long; possible loop
-- an __index chain that loops
local a, b = {}, {}
setmetatable(a, { __index = b })
setmetatable(b, { __index = a })
print(a.x)
