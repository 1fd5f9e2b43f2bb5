-- expect: 4 attempt to index a boolean value (local 'mt')
-- The script's budget table has no metatable to follow back to the whole module.
local mt = getmetatable(budget)
local C = mt.__index
