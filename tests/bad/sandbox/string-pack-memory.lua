-- expect: 0 the script ran past its limit of 50000000 bytes of memory; raise it with --max-memory
-- string.pack of a string past the memory limit
-- args: --max-memory 50000000 --max-seconds 1000000000
local s = ("z"):rep(30000000)
local p = string.pack("s4s4", s, s)
