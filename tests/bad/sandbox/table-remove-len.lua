-- expect: 5 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- table.remove the same way
-- args: --max-steps 1000000 --max-seconds 1000000000
local t = setmetatable({}, { __len = function() return 1e15 end })
table.remove(t, 1)
