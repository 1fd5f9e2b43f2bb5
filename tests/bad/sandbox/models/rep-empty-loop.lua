-- expect: 0 the model ran past its limit of 2147483648 bytes of memory
-- string.rep of nothing, a maxinteger times (Lua's own loops that many times), then a real one
local s = string.rep("", math.maxinteger) .. string.rep("ab", math.maxinteger // 4)
