-- expect: 5 rule "占内存" failed: the rule ran past its limit of 1073741824 bytes of memory
-- a rule that would take more memory than rules may
dimension "功能分类" { {"201", "一般公共服务支出"} }
facts "支出" { dims = {"功能分类"}, {"201", "1.00"} }
rule "占内存" { severity = "error", check = function(m, report) local s = ("x"):rep(1 << 40) end }
