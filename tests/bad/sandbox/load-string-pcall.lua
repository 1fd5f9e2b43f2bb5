-- expect: 4 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- a model from text that catches its own limit with pcall
-- args: --max-steps 1000000 --max-seconds 1000000000
budget.load_string("while true do pcall(function() while true do end end) end", "catch.lua")
