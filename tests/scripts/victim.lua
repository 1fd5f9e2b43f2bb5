-- tests/scripts/victim.lua
-- Run by tests/lua/test_compare.lua after tests/scripts/tamper.lua: its scenario must be its own,
-- whatever the script before it did.

local s = model:scenario(string.format("victim %s", params and params.p or ""))
s:cut("206", string.format("%d%%", 5))
