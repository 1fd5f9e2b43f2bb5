-- expect: 0 the script ran past its limit of 1073741824 bytes of memory; raise it with --max-memory
-- a string past what memory can hold
local s = ("x"):rep(math.maxinteger)
