-- expect: 3 attempt to call a nil value (global 'load')
-- load compiles code, binary chunks too (and string.dump, which would make one, is gone as well)
local f = load("return 1", "=x", "b")
