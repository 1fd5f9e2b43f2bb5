-- expect: 4 transfer 100,000.00 from 科普活动 to 科技会客厅: 科普活动 is in 支出 and 科技会客厅 in 项目, and with {carry = false} the move out of one would not reach the other; a transfer moves money within one description (change each with s:add)
local s = model:scenario("across")
-- by hand, a move between two descriptions would change the total of each: refused
s:transfer("科普活动", "科技会客厅", "10万", { carry = false })
