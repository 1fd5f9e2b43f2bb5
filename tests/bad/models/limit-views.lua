-- expect: 7 the model has more than 10000 views (the limit); view "表10001" passes it
-- 'show' prints every view: a model may have 10,000, a published budget has 8 to 12
dimension "功能分类" { {"201", "一般公共服务支出"} }
facts "支出" { dims = {"功能分类"}, {"201", "1"} }
local rows, columns = { dimension = "功能分类" }, { {"合计"} }
for i = 1, 10001 do
  view ("表" .. i) { facts = "支出", rows = rows, columns = columns }
end
