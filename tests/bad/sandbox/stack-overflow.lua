-- expect: 3 stack overflow
-- recursion without end: Lua's own stack limit, with the line
local function f(n) return 1 + f(n + 1) end
f(1)
