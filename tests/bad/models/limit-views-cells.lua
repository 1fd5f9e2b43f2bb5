-- expect: 10 the model has more than 2000000 cells in its views (the limit); view "表3" passes it
-- the views' cells together: each may have a million (here 999 rows and a header × 1000
-- columns), all of them two million
local members, columns = {}, {}
for i = 1, 999 do members[i] = {string.format("%04d", i), "科目" .. i} end
for j = 1, 1000 do columns[j] = {"列" .. j} end
dimension "功能分类" (members)
facts "支出" { dims = {"功能分类"}, {"0001", "1"} }
for k = 1, 3 do
  view ("表" .. k) { facts = "支出", rows = { dimension = "功能分类" }, columns = columns }
end
