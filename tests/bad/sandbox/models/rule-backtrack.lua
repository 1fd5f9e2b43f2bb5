-- expect: 5 rule "回溯" failed: the rule ran past its limit of 100000000 steps (Lua instructions)
-- a rule whose pattern backtracks
dimension "功能分类" { {"201", "一般公共服务支出"} }
facts "支出" { dims = {"功能分类"}, {"201", "1.00"} }
rule "回溯" { severity = "error", check = function(m, report) (("a"):rep(40)):find(("a*"):rep(40) .. "b") end }
