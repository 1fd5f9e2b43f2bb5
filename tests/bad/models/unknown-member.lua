-- expect: 8 '科学技术指出' is not a member of 功能分类; nearest: 206 科学技术支出
dimension "功能分类" {
  {"206", "科学技术支出"},
}
facts "支出" {
  dims = {"功能分类"},
  {"206", "100"},
  {"科学技术指出", "100"},
}
