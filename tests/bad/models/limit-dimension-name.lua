-- expect: 4 a dimension's name has 2100 bytes, more than 1024 (the limit)
-- a dimension's name heads a view's code and name columns ('功能分类科目编码'), which every row
-- is padded to: it is within the limit on a name or label
dimension (string.rep("名", 700)) { {"201", "一般公共服务支出"} }
