-- expect: 3 attempt to index a nil value (global 'io')
-- io.popen runs commands
local p = io.popen('id')
