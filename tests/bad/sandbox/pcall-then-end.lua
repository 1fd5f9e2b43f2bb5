-- expect: 4 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- a script that catches the limit and then ends normally still ran past its limit
-- args: --max-steps 1000000 --max-seconds 1000000000
local ok = pcall(function() while true do end end)
print("caught it:", ok)
