-- expect: 8 the model has more than 250000 members written in its Lua (the limit); dimension "功能分类" passes it; more go in a CSV file beside the model (file = "members.csv")
-- a few lines of Lua can declare millions of members: past a limit of engine/lua/model.lua's
-- LIMITS the load stops at the declaration, before the core holds any of them. Here a table
-- that names the same eight children at every level: more than two million members.
local level = { "项" }
for depth = 1, 6 do level = { "款" .. depth, level, level, level, level, level, level, level, level } end
local top = { level, level, level, level, level, level, level, level }
dimension "功能分类" (top)
