-- expect: 6 the script ran past its limit of 1000000 steps (Lua instructions); raise it with --max-steps
-- 2^60 nodes from 60 small tables: each shared twice a level; the work is charged node by node
-- args: --max-steps 1000000 --max-seconds 1000000000
local t = {}
for i = 1, 60 do t = { t, t } end
print(budget.json(t))
