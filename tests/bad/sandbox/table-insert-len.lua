-- expect: 5 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- table.insert shifting 10^15 elements a __len claims
-- args: --max-steps 1000000 --max-seconds 1000000000
local t = setmetatable({}, { __len = function() return 1e15 end })
table.insert(t, 1, "x")
