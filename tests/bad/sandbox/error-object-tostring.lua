-- expect: 0 the script raised an error object that is a table, not a message
-- an error object whose __tostring never ends: the engine never calls it, it says what the object is
-- args: --max-steps 1000000 --max-seconds 1000000000
error(setmetatable({}, { __tostring = function() while true do end end }))
