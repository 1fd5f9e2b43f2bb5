-- expect: 4 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- the same through gsub, with the string method syntax (the strings metatable leads to the same bounded functions)
-- args: --max-steps 1000000 --max-seconds 1000000000
local s = ("x"):rep(30):gsub(("x?"):rep(30) .. ("x"):rep(30) .. "y", "z")
