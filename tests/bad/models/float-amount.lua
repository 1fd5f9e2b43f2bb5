-- expect: 7 an amount as a string such as '1,234.56' (got a float 0.1)
dimension "功能分类" {
  {"201", "一般公共服务支出"},
}
facts "支出" {
  dims = {"功能分类"},
  {"201", 0.1},
}
