-- expect: 8 view "总表" has 100001 rows, more than 100000 (the limit for one view)
-- 'show' prints every row of a view: one may have 100,000 (here its stated rows, one row
-- stated again and again)
dimension "功能分类" { {"201", "一般公共服务支出"} }
facts "支出" { dims = {"功能分类"}, {"201", "1"} }
local stated, row = {}, {"201", "一般公共服务支出", "1"}
for i = 1, 100001 do stated[i] = row end
view "总表" { facts = "支出", rows = { dimension = "功能分类" }, columns = { {"合计"} }, stated = stated }
