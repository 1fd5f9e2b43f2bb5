-- expect: 4 a name in 功能分类 has 3000 bytes, more than 1024 (the limit)
-- a name longer than the core can read as its NFKC form; 'show' pads every row of a column to its longest
local long = string.rep("名", 1000)
dimension "功能分类" { {"201", long} }
