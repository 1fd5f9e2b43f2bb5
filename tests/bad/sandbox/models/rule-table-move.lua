-- expect: 5 rule "搬运" failed: the rule ran past its limit of 100000000 steps (Lua instructions)
-- a rule moving 10^15 elements
dimension "功能分类" { {"201", "一般公共服务支出"} }
facts "支出" { dims = {"功能分类"}, {"201", "1.00"} }
rule "搬运" { severity = "error", check = function(m, report) table.move({1}, 1, 1e15, 2) end }
