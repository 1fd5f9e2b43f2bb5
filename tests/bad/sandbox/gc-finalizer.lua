-- expect: 3 setmetatable: a script's metatable may not have __gc (a finalizer runs outside the script's limits)
-- a finalizer would run with the hook off, at any moment, even while the engine closes: refused
setmetatable({}, { __gc = function() while true do end end })
