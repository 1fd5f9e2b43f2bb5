-- expect: 6 rule "永不结束" failed: the rule ran past its limit of 100000000 steps (Lua instructions)
-- a rule of the model's own that never ends: 'budget check' stops it, as the loader stops a model that runs too long
dimension "功能分类" {
  {"201", "一般公共服务支出"},
}
rule "永不结束" { severity = "error", check = function(m, report) while true do end end }
