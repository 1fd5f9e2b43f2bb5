-- tests/scripts/linked.lua
-- Run by tests/lua/test_links.lua on the SAST model and on imported ones: random
-- operations (cut, scale, set, add, transfer) on random members of random fact
-- sets, with random holds and releases. After every operation that runs, every
-- link of the model holds exactly: the two sides of an equal link agree at the
-- link's grain (as far apart as the document had them), a part stays within its
-- whole. An operation that fails (a carry every cell of which is held, a spread
-- over nothing) changes nothing at all. Prints 'checked N failed M links L';
-- any breach raises.

math.randomseed(20261202)
local base = model
assert(#base.links > 0, "the model states no link")

local function side_ref(side)
  local ref = { facts = side.set.name }
  for k, dn in ipairs(side.set.dims) do
    if side.sel[k] ~= nil then ref[dn] = side.sel[k] end
  end
  return ref
end

local function coarse(link)
  local ga, gb = link.a.set.grain, link.b.set.grain
  return ga > gb and ga or gb
end

local ZERO = budget.fen(0)

local function check_links(s, what)
  for _, l in ipairs(base.links) do
    local ra, rb = side_ref(l.a), side_ref(l.b)
    local a, b = s:total(ra), s:total(rb)
    local a0, b0 = base:total(ra), base:total(rb)
    if l.kind == "equal" then
      local g = coarse(l)
      local gap, gap0 = a:round(g) - b:round(g), a0:round(g) - b0:round(g)
      if gap ~= gap0 then
        error(string.format("%s: link '%s' broken: %s vs %s at %s (the base: %s vs %s)", what, l.name, tostring(a),
          tostring(b), tostring(g), tostring(a0), tostring(b0)))
      end
    else
      local floor = b0 - a0
      if floor > ZERO then floor = ZERO end
      if b - a < floor then
        error(string.format("%s: part '%s' exceeds its whole: %s > %s", what, l.name, tostring(a), tostring(b)))
      end
    end
  end
end

-- Every member of every dimension of every set, as a reference to a selection of that set.
local refs = {}
for _, set in ipairs(base.sets) do
  refs[#refs + 1] = { set = set, ref = { facts = set.name } }
  for _, dn in ipairs(set.dims) do
    for _, m in ipairs(base:members(dn)) do
      local ref = { facts = set.name, [dn] = m.id }
      if base:total(ref) ~= ZERO then refs[#refs + 1] = { set = set, ref = ref } end
    end
  end
end

local function pick() return refs[math.random(#refs)] end

local function amount(set, scale)
  local g = set.grain:fen()
  local total = base:total({ facts = set.name }):fen()
  local span = math.max(total // scale // g, 1)
  return budget.fen(math.random(-span, span) * g)
end

local function state(s)
  local t = {}
  for i, set in ipairs(base.sets) do t[i] = s:total({ facts = set.name }) end
  return t
end

local rates = { "5%", "-3%", "1/3", "12.5%", "0.01%", "2/7", "50%", "-10%", "0.5%" }
local checked, failed = 0, 0
for round = 1, 12 do
  local s = base:scenario("linked " .. round)
  for step = 1, 40 do
    local r = pick()
    local op = math.random(8)
    local before = state(s)
    local ok, err
    if op == 1 then
      ok, err = pcall(s.cut, s, r.ref, rates[math.random(#rates)])
    elseif op == 2 then
      ok, err = pcall(s.scale, s, r.ref, "9/10")
    elseif op == 3 then
      ok, err = pcall(s.add, s, r.ref, amount(r.set, 50))
    elseif op == 4 then
      local now = s:total(r.ref)
      local g = r.set.grain:fen()
      ok, err = pcall(s.set, s, r.ref, budget.fen((now:fen() * 9 // 10) // g * g))
    elseif op == 5 then
      local to = pick()
      ok, err = pcall(s.transfer, s, r.ref, to.ref, budget.fen(math.abs(amount(r.set, 200):fen())))
    elseif op == 6 then
      ok, err = pcall(s.hold, s, r.ref)
    elseif op == 7 then
      ok, err = pcall(s.release, s, r.ref)
    else
      local to = pick()
      if to.set == r.set then ok, err = pcall(s.transfer, s, r.ref, to.ref, amount(r.set, 500)) else ok = true end
    end
    local what = string.format("round %d step %d (op %d in %s)", round, step, op, r.set.name)
    if not ok then
      failed = failed + 1
      local after = state(s)
      for i = 1, #before do
        if after[i] ~= before[i] then error(what .. ": a failed operation changed " .. base.sets[i].name .. ": " .. err) end
      end
    end
    check_links(s, what)
    checked = checked + 1
  end
end
print(string.format("checked %d failed %d links %d", checked, failed, #base.links))
