-- expect: 0 the script ran past its limit of 50000000 bytes of memory; raise it with --max-memory
-- args: --max-memory 50000000 --max-seconds 1000000000
-- an allocation without end. Only the memory limit can stop it, however slow the machine: it
-- is reached in fewer than 50,000 steps (a count, the same on every machine), far below the
-- default 100,000,000, and the time limit is some thirty years.
local t = {}
while true do t[#t + 1] = string.rep('x', 10000) .. #t end
