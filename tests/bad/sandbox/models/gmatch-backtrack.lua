-- expect: 3 the model ran past its limit of 50000000 steps (Lua instructions)
-- the same through gmatch
for m in (("a"):rep(40)):gmatch(("a-"):rep(40) .. "b") do end
