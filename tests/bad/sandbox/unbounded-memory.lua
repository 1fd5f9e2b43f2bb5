-- expect: 0 the script ran past its limit of 50000000 bytes of memory; raise it with --max-memory
-- args: --max-memory 50000000
-- an allocation without end
local t = {}
while true do t[#t + 1] = string.rep('x', 10000) .. #t end
