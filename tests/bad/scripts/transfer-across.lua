-- expect: 3 transfer 100,000.00 from 科普活动 to 科技会客厅: 科普活动 is in 支出 and 科技会客厅 in 项目, which describe the money apart; a transfer moves money within one of them (change each with s:add)
local s = model:scenario("across")
s:transfer("科普活动", "科技会客厅", "10万")
