-- expect: 5 view "总表": the label of column 2 has 5000 bytes, more than 1024 (the limit)
-- a view's column label past the limit on a name or label: every row of the column is padded to it
dimension "功能分类" { {"201", "一般公共服务支出"} }
facts "支出" { dims = {"功能分类"}, {"201", "1"} }
view "总表" { facts = "支出", rows = { dimension = "功能分类" }, columns = { {"合计"}, {string.rep("x", 5000)} } }
