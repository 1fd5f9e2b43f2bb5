-- expect: 3 attempt to call a nil value (global 'load')
-- load compiles code, binary chunks too
local f = load(string.dump(function() end))
