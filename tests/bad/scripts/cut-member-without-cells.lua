-- expect: 3 cut 政府性基金: no cell of 支出 has it; it has cells in no fact set
local s = model:scenario("nothing")
s:cut("政府性基金", "5%")
