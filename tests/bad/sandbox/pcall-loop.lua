-- expect: 5 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- a pcall loop that catches the limit error and goes on: the limit is not an error a script can catch
-- args: --max-steps 1000000 --max-seconds 1000000000
while true do
  pcall(function() while true do end end)
end
