-- tests/scripts/dump-model.lua
-- Run by tests/lua/test_import.lua: prints a model's content, one line per
-- fact (every cell, by member names), scalar and rule, sorted, so two models
-- can be compared line by line. 'budget run tests/scripts/dump-model.lua --model M [facts]'.

local lines = {}
local base = model
for _, set in ipairs(base.sets) do
  for _, cell in ipairs(base:cells(set.name)) do
    local names = {}
    for i, dn in ipairs(set.dims) do
      local info = base.core:info(base.dim_by_name[dn].index, cell[i])
      names[i] = (info.spaced ~= "" and info.spaced .. " " or "") .. info.name
    end
    lines[#lines + 1] = string.format("fact %s | %s | %s", set.name, table.concat(names, " | "), tostring(cell[#set.dims + 1]))
  end
end
if not (params and params.facts_only) then
  for _, s in ipairs(base.scalar_list) do
    lines[#lines + 1] = string.format("scalar %s | %s", s.name, tostring(s.value or s.count))
  end
  for _, r in ipairs(base.rules) do
    lines[#lines + 1] = string.format("rule %s | %s | %s", r.name, r.kind, r.severity)
  end
end
table.sort(lines)
for _, l in ipairs(lines) do print(l) end
