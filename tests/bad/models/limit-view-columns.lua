-- expect: 7 view "宽表" has 1001 columns, more than 1000 (the limit for one view)
-- a view's columns: a published table has at most 9; a 合计 sums all the others
dimension "功能分类" { {"201", "一般公共服务支出"} }
facts "支出" { dims = {"功能分类"}, {"201", "1"} }
local columns = {}
for j = 1, 1001 do columns[j] = {"列" .. j} end
view "宽表" { facts = "支出", rows = { dimension = "功能分类" }, columns = columns }
