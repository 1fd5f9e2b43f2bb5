-- expect: 2 money * 0.95: multiply by a rate (budget.rate('5%') or a string), not a float
local m = budget.money("100") * 0.95
