-- expect: 3 the model ran past its limit of 50000000 steps (Lua instructions)
-- a model that catches its limit once and then declares itself
pcall(function() while true do end end)
dimension "功能分类" { {"201", "一般公共服务支出"} }
facts "支出" { dims = {"功能分类"}, {"201", "1.00"} }
