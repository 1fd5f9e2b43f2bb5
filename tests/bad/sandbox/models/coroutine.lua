-- expect: 3 attempt to index a nil value (global 'coroutine')
-- no coroutines in a model
local co = coroutine.wrap(function() end)
