-- expect: 0 the script ran past its limit of 1073741824 bytes of memory; raise it with --max-memory
-- string.rep of an empty string a maxinteger times is empty at once (Lua loops that many times); a long one cannot be made
assert(string.rep("", math.maxinteger) == "")
assert(string.rep("", math.maxinteger, "") == "")
local s = string.rep("ab", math.maxinteger // 4)
