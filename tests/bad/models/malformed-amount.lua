-- expect: 8 malformed amount '1,23,4' at character 5: expected 3 digits between separators
dimension "功能分类" {
  {"201", "一般公共服务支出"}, {"206", "科学技术支出"},
}
facts "支出" {
  dims = {"功能分类"},
  {"201", "1,234"},
  {"206", "1,23,4"},
}
