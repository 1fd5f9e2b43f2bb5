-- expect: 3 '科普活動' is not a member of 功能分类; nearest: 206 07 02 科普活动 (科学技术支出/科学技术普及/科普活动)
local s = model:scenario("transfer")
s:transfer("科普活动", "科普活動", "10万")
