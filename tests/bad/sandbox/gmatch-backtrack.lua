-- expect: 4 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- the same through gmatch
-- args: --max-steps 1000000 --max-seconds 1000000000
for m in (("a"):rep(40)):gmatch(("a-"):rep(40) .. "b") do print(m) end
