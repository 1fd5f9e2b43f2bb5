-- expect: 3 budget.load: '/etc/passwd' is outside the directories this script may read
-- a model only from the directories allowed
local m = budget.load('/etc/passwd')
