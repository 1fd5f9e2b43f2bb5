-- expect: 9 rule "总额不超过" failed: tests/bad/models/rule-errors.lua:11: '不存在的科目' is not a member of any dimension of the model
dimension "功能分类" {
  {"201", "一般公共服务支出"},
}
facts "支出" {
  dims = {"功能分类"},
  {"201", "100"},
}
rule "总额不超过" {
  check = function(m, report)
    local t = m:total("不存在的科目")
  end,
}
