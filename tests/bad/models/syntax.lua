-- expect: 5 '}' expected (to close '{' at line 4) near '{'
dimension "功能分类" {
  {"201", "一般公共服务支出"},
  {"201 29", "群众团体事务"
  {"201 29 01", "行政运行"},
}
