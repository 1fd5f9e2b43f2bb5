-- expect: 4 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- a sort comparator that never ends
-- args: --max-steps 1000000 --max-seconds 1000000000
table.sort({ 3, 2, 1 }, function() while true do end end)
