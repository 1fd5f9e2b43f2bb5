-- expect: 5 the script ran past its limit of 1 seconds; raise it with --max-seconds
-- the time limit, tested where only it can fire: blocked in one C call (a pattern that backtracks
-- for years) with a step limit no count can reach; the clock is read as the matcher charges its work
-- args: --max-seconds 1 --max-steps 9223372036854775807
print(string.find(("a"):rep(60), ("a*"):rep(60) .. "b"))
