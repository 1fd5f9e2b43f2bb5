-- expect: 4 attempt to call a nil value (method 'cutt')
local s = model:scenario("typo in a method")
s:cut("206", "5%")
s:cutt("206", "5%")
