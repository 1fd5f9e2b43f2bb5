-- expect: 8 the model has more than 250000 cells written in its Lua (the limit); facts "支出" passes it; more go in a CSV file beside the model (file = "cells.csv")
-- cells written in the model's own Lua (its tables, or made by its loops) past their limit: the
-- load stops at the declaration, before a cell is built
dimension "功能分类" { {"201", "一般公共服务支出"} }
local rows, cell = { dims = {"功能分类"} }, {"201", "1"}
for i = 1, 250001 do rows[i] = cell end

facts "支出" (rows)
