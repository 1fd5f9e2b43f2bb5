-- expect: 3 C stack overflow
-- recursion through pcall, which nests C calls until Lua refuses: the message names the script's line
local function f() local ok, e = pcall(f) if not ok then error(e, 0) end end
f()
