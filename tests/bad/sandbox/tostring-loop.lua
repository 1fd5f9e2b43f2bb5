-- expect: 4 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- a __tostring that never ends, called by the script itself
-- args: --max-steps 1000000 --max-seconds 1000000000
print(tostring(setmetatable({}, { __tostring = function() while true do end end })))
