-- expect: 5 too many results to unpack
-- utf8.char of more values than a call can take
local t = {}
for i = 1, 2000000 do t[i] = 65 end
print(#utf8.char(table.unpack(t)))
