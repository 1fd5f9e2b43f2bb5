-- expect: 5 json: nested too deep (or a cycle)
-- budget.json of a table nested far deeper than JSON needs (once it corrupted the Lua stack at 20)
local t = {}
for i = 1, 1000 do t = { t } end
print(budget.json(t))
