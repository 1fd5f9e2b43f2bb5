-- tests/scripts/property.lua
-- Run by tests/lua/test_scenario.lua: random references, rates and holds on the
-- SAST model. After every operation: the selection moved by exactly its share
-- (total × (factor − 1), rounded once at the fen), held cells did not move,
-- cells outside the selection did not move, and each fact set's sum changed by
-- exactly what the operations asked. Prints 'checked N'; any failure raises.

math.randomseed(20211231)
local base = model
local ZERO = budget.fen(0)

-- Every member of every dimension of every fact set, as references (codes where there are codes).
local refs = {}
for _, set in ipairs(base.sets) do
  for _, dn in ipairs(set.dims) do
    for _, m in ipairs(base:members(dn)) do
      refs[#refs + 1] = { set = set, ref = { facts = set.name, [dn] = m.id }, label = dn .. ":" .. m.name }
    end
  end
end

local rates = { "5%", "-3.5%", "1/3", "12.5%", "0.01%", "100%", "2/7", "99.99%", "-50%" }
local checked = 0

local function amounts(s, set)
  local t = {}
  for i, c in ipairs(s:cells(set.name)) do t[i] = c[#set.dims + 1] end
  return t
end

local function inside(set, cell, ref)
  for i, dn in ipairs(set.dims) do
    local want = ref[dn]
    if want ~= nil then
      local m = cell[i]
      local ok = false
      while m ~= nil do
        if m == want then ok = true break end
        m = base.core:info(base.dim_by_name[dn].index, m).parent
      end
      if not ok then return false end
    end
  end
  return true
end

-- How many cells of a fact set a reference names.
local function cells_of(s, set, ref)
  local n = 0
  for _, c in ipairs(s:cells(set.name)) do if inside(set, c, ref) then n = n + 1 end end
  return n
end

for round = 1, 40 do
  local s = base:scenario("property " .. round, { carry = false })  -- one set at a time: tests/scripts/linked.lua checks the carries
  local asked = {}
  for _, set in ipairs(base.sets) do asked[set.name] = ZERO end
  for op = 1, 12 do
    local pick = refs[math.random(#refs)]
    local set, ref = pick.set, pick.ref
    if math.random(5) == 1 then
      local ok, e = pcall(s.hold, s, refs[math.random(#refs)].ref)
      if not ok and not tostring(e):find("no cell of any fact set has it", 1, true) then error(e) end
    else
      local before = amounts(s, set)
      local cells = s:cells(set.name)
      local total = s:total(ref)
      local r = budget.rate(rates[math.random(#rates)])
      local ok, delta = pcall(s.cut, s, ref, r)
      if ok then
        -- the share, computed apart from the scenario code: total × −r in whole grains, rounded
        -- once, half away from zero (the totals of a set are whole grains, so k is exact)
        local g = set.grain:fen()
        local k = total:fen() // g
        local want = (budget.fen(k) * (budget.rate(0) - r)) * g
        if delta ~= want then error(string.format("%s cut %s: moved %s, not %s", pick.label, tostring(r), tostring(delta), tostring(want))) end
        if s:total(ref) ~= total + want then error(pick.label .. ": the selection did not move by its share") end
        local after = amounts(s, set)
        for i, c in ipairs(cells) do
          if (c.held or not inside(set, c, ref)) and after[i] ~= before[i] then
            error(string.format("%s: cell %d moved though %s", pick.label, i, c.held and "held" or "outside"))
          end
        end
        asked[set.name] = asked[set.name] + delta
        checked = checked + 1
      elseif not tostring(delta):find("nothing to spread", 1, true) and cells_of(s, set, ref) > 0 then
        error(delta)  -- the two refusals: all its cells held or at zero, or no cell at all (an error, never a 0)
      end
    end
  end
  for _, set in ipairs(base.sets) do
    local change = s:total { facts = set.name } - base:total { facts = set.name }
    if change ~= asked[set.name] then
      error(string.format("%s: the sum moved by %s, the operations asked %s", set.name, tostring(change), tostring(asked[set.name])))
    end
  end
end
print("checked " .. checked)
