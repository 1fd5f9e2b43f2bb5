-- expect: 4 '科学技术指出' is not a member of 功能分类; nearest: 206 科学技术支出, 206 07 科学技术普及 (科学技术支出/科学技术普及)
local s = model:scenario("typo")
-- a typo in a name
s:cut("科学技术指出", "5%")
