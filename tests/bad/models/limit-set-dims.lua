-- expect: 5 facts "支出" has 9 dimensions, more than 8 (the limit for a fact set)
-- a cell's key is one member of each of its set's dimensions, at most 8 (FACTS_MAX_DIMS, engine/core/facts.h)
local dims = {}
for i = 1, 9 do dims[i] = "维度" .. i; dimension ("维度" .. i) { {"成员"} } end
facts "支出" { dims = dims }
