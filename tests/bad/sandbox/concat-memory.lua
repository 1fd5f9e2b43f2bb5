-- expect: 0 the script ran past its limit of 50000000 bytes of memory; raise it with --max-memory
-- one string built by concatenation past the memory limit
-- args: --max-memory 50000000 --max-seconds 1000000000
local t = {}
for i = 1, 100000 do t[i] = ("y"):rep(1000) end
local s = table.concat(t)
