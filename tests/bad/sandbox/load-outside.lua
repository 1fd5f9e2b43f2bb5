-- expect: 3 budget.load: '/etc/passwd' is outside the directories this script may read ({cwd}, {cwd}/tests/bad/sandbox); allow its directory with --allow DIR, or run a script you trust with --trusted
-- a model only from the directories allowed
local m = budget.load('/etc/passwd')
