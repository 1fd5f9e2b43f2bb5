-- expect: 3 hold {功能分类=206, 资金来源=政府性基金}: no cell of any fact set has it
local s = model:scenario("nothing held")
s:hold({ ["功能分类"] = "206", ["资金来源"] = "政府性基金" })
s:cut("206", "5%")
