-- expect: 0 the script ran past its limit of 100000000 bytes of memory; raise it with --max-memory
-- only separators, many of them: the memory it would take is checked before any is written
-- args: --max-memory 100000000 --max-seconds 1000000000
local s = string.rep("", 1000000000000, ",")
