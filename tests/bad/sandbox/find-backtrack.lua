-- expect: 4 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- pattern backtracking inside string.find, which never reaches the hook: charged step by step
-- args: --max-steps 1000000 --max-seconds 1000000000
print(string.find(("a"):rep(40), ("a*"):rep(40) .. "b"))
