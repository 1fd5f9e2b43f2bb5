-- expect: 5 the script ran past its limit of 1 seconds; raise it with --max-seconds
-- args: --max-seconds 1
-- a long sleep, as a sandboxed script can have one: waiting on the clock
local t0 = budget.clock()
while budget.clock() - t0 < 3600 do end
