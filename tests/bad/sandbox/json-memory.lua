-- expect: 0 the script ran past its limit of 50000000 bytes of memory; raise it with --max-memory
-- a document bigger than the memory limit: cJSON allocates outside Lua, so it is counted as it is made
-- args: --max-memory 50000000 --max-seconds 1000000000
local big = ("x"):rep(1000000)
local t = {}
for i = 1, 40 do t[i] = big end
print(#budget.json(t))
