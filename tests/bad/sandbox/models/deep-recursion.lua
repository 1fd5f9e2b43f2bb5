-- expect: 3 stack overflow
-- recursion without end
local function f() return 1 + f() end
f()
