-- expect: 3 attempt to call a nil value (field 'dump')
-- no string.dump in a model either
local b = string.dump(function() end)
