-- expect: 3 cut {功能分类=206, 资金来源=政府性基金}: no cell of 支出 has it
local s = model:scenario("nothing")
s:cut({ ["功能分类"] = "206", ["资金来源"] = "政府性基金" }, "5%")
