-- expect: 2 money * 0.95: multiply by a rate
local m = budget.money("100") * 0.95
