-- expect: 3 attempt to call a nil value (global 'require')
-- require loads Lua and C modules
local lfs = require('lfs')
