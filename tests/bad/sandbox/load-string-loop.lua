-- expect: 4 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- a model from text that never ends: it runs under the limits of the script that loads it
-- args: --max-steps 1000000 --max-seconds 1000000000
budget.load_string("while true do end", "loop.lua")
