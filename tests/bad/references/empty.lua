-- expect: 3 an empty reference is not a member of any dimension: expected a code such as '206 07 01', a name such as '科学技术支出' or a path such as '科学技术支出/科学技术普及'
local s = model:scenario("empty")
s:cut("", "5%")
