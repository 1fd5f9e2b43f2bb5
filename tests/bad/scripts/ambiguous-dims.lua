-- expect: 3 '住房公积金' is ambiguous: it names members of 功能分类 (221 02 01) 经济分类 (301 13); say which, as {["dimension"] = "住房公积金"}
local s = model:scenario("two dimensions")
s:cut("住房公积金", "5%")
