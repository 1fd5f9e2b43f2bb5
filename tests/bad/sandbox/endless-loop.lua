-- expect: 6 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- args: --max-steps 1000000 --max-seconds 1000000000
-- an endless loop. Only the step limit can stop it, however slow the machine: the time limit
-- is some thirty years, and the loop allocates nothing, so the memory limit is never near.
-- (The steps are counted, not timed: the same count on every machine.)
while true do end
