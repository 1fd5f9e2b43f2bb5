-- expect: 3 attempt to call a nil value (global 'setmetatable')
-- no metatables in a model: the engine reads its tables after the chunk, so they must run no code
local t = setmetatable({}, { __index = function() while true do end end })
