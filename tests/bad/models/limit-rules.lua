-- expect: 6 the model has more than 10000 rules (the limit); rule "r10001" passes it
-- 'check' runs every rule: a model may have 10,000, a published budget has 30 to 60
dimension "功能分类" { {"201", "一般公共服务支出"} }
facts "支出" { dims = {"功能分类"}, {"201", "1"} }
for i = 1, 10001 do
  nonnegative("r" .. i)
end
