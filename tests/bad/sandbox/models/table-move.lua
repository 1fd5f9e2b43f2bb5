-- expect: 3 the model ran past its limit of 50000000 steps (Lua instructions)
-- table.move over 10^15 elements
table.move({1}, 1, 1e15, 2)
