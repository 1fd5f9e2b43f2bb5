-- expect: 3 scenario(name [, {carry = false}]): the name is a string
-- a scenario name whose __tostring would run while the report is built, after the script: refused
local s = model:scenario(setmetatable({}, { __tostring = function() while true do end end }))
