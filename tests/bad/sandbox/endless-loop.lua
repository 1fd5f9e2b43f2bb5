-- expect: 4 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- args: --max-steps 1000000
-- an endless loop
while true do end
