-- expect: 4 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- table.move over 10^15 elements: Lua loops in C; charged before it starts
-- args: --max-steps 1000000 --max-seconds 1000000000
table.move({ 1 }, 1, 1e15, 2)
