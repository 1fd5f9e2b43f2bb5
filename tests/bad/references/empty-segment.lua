-- expect: 3 '科学技术支出//科学技术普及' is not a member of any dimension: a path has a name or a code between each pair of '/'
local s = model:scenario("empty segment")
s:cut("科学技术支出//科学技术普及", "5%")
