-- expect: 2 the model ran past its limit of 50000000 steps (Lua instructions)
while true do end
