-- expect: 0 the model ran past its limit of 2147483648 bytes of memory
-- string.rep past the memory a model may take
local s = string.rep("x", 1 << 40)
