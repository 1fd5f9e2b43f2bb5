-- expect: 6 facts "支出": unknown dimension '资金来源'
dimension "功能分类" {
  {"201", "一般公共服务支出"},
}
facts "支出" {
  dims = {"功能分类", "资金来源"},
  {"201", "一般公共预算", "100"},
}
