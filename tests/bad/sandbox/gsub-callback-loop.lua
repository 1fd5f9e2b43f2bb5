-- expect: 4 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- a gsub callback that never ends: Lua code, under the hook
-- args: --max-steps 1000000 --max-seconds 1000000000
local s = ("a"):rep(10):gsub(".", function() while true do end end)
