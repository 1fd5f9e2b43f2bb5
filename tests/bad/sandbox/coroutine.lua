-- expect: 3 attempt to index a nil value (global 'coroutine')
-- no coroutines: a script cannot yield past its limits or run a thread the hook does not watch
local co = coroutine.create(function() end)
