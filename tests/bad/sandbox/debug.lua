-- expect: 3 attempt to index a nil value (global 'debug')
-- debug reaches into the engine
debug.sethook()
