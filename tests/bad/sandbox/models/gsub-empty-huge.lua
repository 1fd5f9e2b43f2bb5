-- expect: 4 the model ran past its limit of 50000000 steps (Lua instructions)
-- an empty pattern over a long string: a replacement at every byte, past the memory a model may take
local s = ("x"):rep(1 << 24)
s = s:gsub("", "yy")
