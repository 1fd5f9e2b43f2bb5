-- expect: 2 bad argument #1 to 'money' (amount (a budget.money or a string such as '10万') expected, got number)
local m = budget.money(0.1)
