-- expect: 10 view "宽表" has 1000500 cells (2000 rows and a header × 500 columns), more than 1000000 (the limit for one view)
-- a view's cells, its rows and its header × its columns: 10,000 × 10,000 is a line of Lua;
-- one may have a million
local members, columns = {}, {}
for i = 1, 2000 do members[i] = {string.format("%04d", i), "科目" .. i} end
for j = 1, 500 do columns[j] = {"列" .. j} end
dimension "功能分类" (members)
facts "支出" { dims = {"功能分类"}, {"0001", "1"} }

view "宽表" { facts = "支出", rows = { dimension = "功能分类" }, columns = columns }
