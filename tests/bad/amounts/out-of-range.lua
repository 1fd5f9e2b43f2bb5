-- expect: 2 amount '999,999,999,999,999,999' is out of range: expected an amount within ±92,233,720,368,547,758.07 元
local m = budget.money("999,999,999,999,999,999")
