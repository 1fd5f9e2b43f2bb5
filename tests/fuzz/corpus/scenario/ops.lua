local s = model:scenario("x")
s:cut("科学技术支出", "5%")
s:scale("住房保障支出", "2/3")
s:hold("人员经费")
s:set("206 07 02", "40万")
s:add("206 07 02", "-20,000")
s:release("人员经费")
print(s:total("科学技术支出"), s:total())
for _, v in ipairs(s:violations()) do print(v.severity, v.rule, v.found, v.expected, v.diff) end
for _, d in ipairs(s:diff()) do print(d.ref, d.base, d.value, d.delta) end
s:report()
