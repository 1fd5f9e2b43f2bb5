-- expect: 4 the model ran past its limit of 50000000 steps (Lua instructions)
-- pattern backtracking in a model's chunk, which never reaches the hook
local s = ("a"):rep(40)
s:find(("a*"):rep(40) .. "b")
