-- expect: 6 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- a __close that runs while the limit error unwinds, and tries to go on
-- args: --max-steps 1000000 --max-seconds 1000000000
do
  local x <close> = setmetatable({}, { __close = function() for i = 1, 1e9 do end end })
  while true do end
end
