-- expect: 3 the model ran past its limit of 50000000 steps (Lua instructions)
-- a model that catches its own limit with pcall and goes on
while true do pcall(function() while true do end end) end
