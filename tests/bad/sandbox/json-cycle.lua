-- expect: 5 json: nested too deep (or a cycle)
-- a table that holds itself
local t = {}
t[1] = t
print(budget.json(t))
