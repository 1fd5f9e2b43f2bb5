-- expect: 4 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- an xpcall message handler that never ends: Lua runs handlers with the hook off; ours runs it under the limits
-- args: --max-steps 1000000 --max-seconds 1000000000
xpcall(function() error("x") end, function() while true do end end)
