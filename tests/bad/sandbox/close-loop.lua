-- expect: 5 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- a to-be-closed variable whose __close never ends
-- args: --max-steps 1000000 --max-seconds 1000000000
do
  local x <close> = setmetatable({}, { __close = function() while true do end end })
end
