-- expect: 5 rule "不停" failed: the rule ran past its limit of 100000000 steps (Lua instructions)
-- a rule that catches its own limit
dimension "功能分类" { {"201", "一般公共服务支出"} }
facts "支出" { dims = {"功能分类"}, {"201", "1.00"} }
rule "不停" { severity = "error", check = function(m, report) while true do pcall(function() while true do end end) end end }
