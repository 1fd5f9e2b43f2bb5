-- expect: 5 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- xpcall cannot catch a limit either, nor can its handler swallow it
-- args: --max-steps 1000000 --max-seconds 1000000000
for i = 1, 10 do
  xpcall(function() while true do end end, function(e) return "swallowed" end)
end
