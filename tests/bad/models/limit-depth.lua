-- expect: 7 dimension "资金来源" is more than 32 levels deep (the limit) at '第32层'
-- a dimension nested deeper than a code can go (32 characters, a level each): 'show' indents
-- a row two columns a level
local top = {"第0层"}
local at = top
for i = 1, 40 do local child = {"第" .. i .. "层"}; at[2] = child; at = child end
dimension "资金来源" { top }
