-- expect: 9 '201' in 功能分类 has members beneath it: a cell goes on a leaf
dimension "功能分类" {
  {"201", "一般公共服务支出"},
  {"201 29", "群众团体事务"},
}
facts "支出" {
  dims = {"功能分类"},
  {"201 29", "100"},
  {"201", "100"},
}
