-- expect: 8 view "宽表": its columns sum 1198 columns in all, more than 1000 (the limit for one view)
-- the columns a view's columns sum, together: each 合计 sums all the others, and each stated row
-- is summed again for each; within the limit on columns
dimension "功能分类" { {"201", "一般公共服务支出"} }
facts "支出" { dims = {"功能分类"}, {"201", "1"} }
local columns = { {"合计"}, {"合计"} }
for j = 3, 600 do columns[j] = {"列" .. j} end
view "宽表" { facts = "支出", rows = { dimension = "功能分类" }, columns = columns }
