-- expect: 3 '行政运行' is ambiguous in 功能分类: it matches 201 29 01 行政运行 (一般公共服务支出/群众团体事务/行政运行), 206 01 01 行政运行 (科学技术支出/科学技术管理事务/行政运行); give the code or a path
local s = model:scenario("ambiguous")
s:cut("行政运行", "5%")
