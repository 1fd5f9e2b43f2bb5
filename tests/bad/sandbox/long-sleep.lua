-- expect: 8 the script ran past its limit of 1 seconds; raise it with --max-seconds
-- args: --max-seconds 1 --max-steps 9223372036854775807
-- a long sleep, as a sandboxed script can have one: waiting on the clock. Only the time
-- limit can stop it: the step limit is the largest integer, which the step count (an integer
-- that the hook raises by 1000) can never pass, however fast the machine; the loop itself
-- would run for an hour.
local t0 = budget.clock()
while budget.clock() - t0 < 3600 do end
