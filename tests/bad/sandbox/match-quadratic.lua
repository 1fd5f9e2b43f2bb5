-- expect: 5 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- a quadratic match over a long string, a single pattern item: still charged
-- args: --max-steps 1000000 --max-seconds 1000000000
local s = ("a"):rep(200000)
print(s:match(".-b"))
