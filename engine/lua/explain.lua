-- engine/lua/explain.lua
-- Where every 分 of a scenario went: its operations replayed in order on a
-- fresh overlay, with each one's move of the grand total and of every 类 and
-- 款 total (the top two levels of a fact set's first dimension). The moves of
-- the steps telescope, so they add up exactly to the scenario's change. A
-- layered scenario replays its parent's operations first (as they were when
-- the layer was made); a merge replays each side on its own and then counts
-- once what both sides changed the same way.
-- See LICENSE for copyright and license.

local C = require "budget.c"
local rules = require "budget.rules"

local M = {}

local ZERO = C.fen(0)
local HUNDRED = C.rate(100)

-- {==================================================================
-- The totals a move is told in
-- ===================================================================

-- A fact set's tracked totals: the grand total first, then each 类 and 款 of its first
-- dimension in the hierarchy's order, each with the selection that totals it.
local function tracked(base, set)
  local cache = base.explain_tracked
  if not cache then
    cache = {}
    base.explain_tracked = cache
  end
  local t = cache[set.index]
  if t then return t end
  local _, all = base:selection { facts = set.name }
  t = { { code = "", name = "总计", depth = -1, sel = all } }
  local dim = set.dims[1]
  for _, mem in ipairs(base:members(dim)) do
    if mem.depth <= 1 then
      local _, sel = base:selection { facts = set.name, [dim] = mem.id }
      t[#t + 1] = { code = mem.spaced, name = mem.name, depth = mem.depth, sel = sel }
    end
  end
  cache[set.index] = t
  return t
end
M.tracked = tracked

local function totals(ov, base, set)
  local out = {}
  for i, m in ipairs(tracked(base, set)) do out[i] = ov:total(set.index, m.sel) end
  return out
end

-- The moves between two lists of totals: {set, total, rows = {{k, code, name, depth, delta}}},
-- rows only for the totals that moved (and always the grand total); k is the row's place in
-- the tracked list, which names it even where members have no codes (projects).
local function moves_between(base, set, before, after)
  local rows = {}
  for k, m in ipairs(tracked(base, set)) do
    local d = after[k] - before[k]
    if k == 1 or d ~= ZERO then rows[#rows + 1] = { k = k, code = m.code, name = m.name, depth = m.depth, delta = d } end
  end
  return { set = set.name, total = after[1] - before[1], rows = rows }
end

-- }==================================================================

-- {==================================================================
-- Steps in words
-- ===================================================================

local function percent(r)
  local p = tostring(r * HUNDRED)
  if p:find("/", 1, true) then return tostring(r) end
  return p .. "%"
end

-- An operation as a reader would say it: 'cut 科学技术支出 by 5%'.
function M.label(op)
  local ref = op.ref
  local what = op.op
  if what == "cut" then return string.format("cut %s by %s", rules.describe(ref), percent(op.arg)) end
  if what == "scale" then return string.format("scale %s to %s", rules.describe(ref), percent(op.arg)) end
  if what == "set" then return string.format("set %s to %s", rules.describe(ref), tostring(op.arg)) end
  if what == "add" then return string.format("add %s to %s", tostring(op.arg), rules.describe(ref)) end
  if what == "transfer" then
    return string.format("transfer %s from %s to %s", tostring(op.arg), rules.describe(ref.from), rules.describe(ref.to))
  end
  return string.format("%s %s", what, rules.describe(ref))
end

-- }==================================================================

-- {==================================================================
-- Replaying
-- ===================================================================

-- Replays the first 'upto' operations of s, after whatever it started from, appending a
-- step to 'steps' for each. Returns the overlay after them and 'track': the tracked totals
-- of every fact set a step touched, as they stand on that overlay.
local function replay(s, upto, steps)
  local base = s.base
  local ov, track
  local origin = s.origin
  if origin == nil then
    ov, track = base.core:scenario(), {}
  elseif origin.kind == "layer" then
    ov, track = replay(origin.parent, origin.n, steps)
  else  -- a merge: each side on its own, then what both changed the same way, counted once
    local _, ta = replay(origin.a, origin.na, steps)
    local _, tb = replay(origin.b, origin.nb, steps)
    ov, track = origin.state:copy(), {}
    local fresh = base.core:scenario()
    local moves, any = {}, false
    for _, set in ipairs(base.sets) do
      local a, b = ta[set.index], tb[set.index]
      if a or b then
        local now, was = totals(ov, base, set), totals(fresh, base, set)
        a, b = a or was, b or was
        local sum = {}  -- where the two sides' steps add up to
        for k = 1, #now do sum[k] = a[k] + b[k] - was[k] end
        local m = moves_between(base, set, sum, now)
        if m.total ~= ZERO or #m.rows > 1 then any = true end
        moves[#moves + 1] = m
        track[set.index] = now
      end
    end
    if any then
      steps[#steps + 1] = { op = "merge", label = "cells both sides changed the same way, counted once",
                            layer = s.name, scenario = s, moves = moves }
    end
  end
  for i = 1, upto do
    local op = s.ops[i]
    for _, set in ipairs(op.sets) do
      if not track[set.index] then track[set.index] = totals(ov, base, set) end
    end
    local done, status = op.redo(ov)
    if done == nil then
      error(string.format("explain: step %d of '%s' (%s) did not replay: %s", i, s.name, M.label(op), tostring(status)))
    end
    local moves = {}
    for _, set in ipairs(op.sets) do
      local after = totals(ov, base, set)
      moves[#moves + 1] = moves_between(base, set, track[set.index], after)
      track[set.index] = after
    end
    steps[#steps + 1] = { op = op.op, ref = op.ref, arg = op.arg, delta = op.delta, line = op.line,
                          source = op.source, label = M.label(op), layer = s.name, scenario = s, moves = moves }
  end
  return ov, track
end

-- Sums moves into acc[set].rows[k] = {k, code, name, depth, delta}, sets in the order they came.
local function add_moves(acc, moves)
  for _, m in ipairs(moves) do
    local set = acc[m.set]
    if not set then
      set = { set = m.set, rows = {} }
      acc[m.set] = set
      acc[#acc + 1] = set
    end
    for _, r in ipairs(m.rows) do
      local x = set.rows[r.k]
      if not x then
        x = { k = r.k, code = r.code, name = r.name, depth = r.depth, delta = ZERO }
        set.rows[r.k] = x
      end
      x.delta = x.delta + r.delta
    end
  end
end

-- Sums as moves, rows in the tracked order.
local function as_moves(base, acc)
  local out = {}
  for _, set in ipairs(acc) do
    local rows = {}
    for k, m in ipairs(tracked(base, base.set_by_name[set.set])) do
      local x = set.rows[k]
      if x and (m.depth == -1 or x.delta ~= ZERO) then rows[#rows + 1] = x end
    end
    out[#out + 1] = { set = set.set, total = set.rows[1] and set.rows[1].delta or ZERO, rows = rows }
  end
  return out
end

-- }==================================================================

-- The explanation of s: {steps = {...}, layers = {{name, scenario, moves}}}. Each step is
-- {op, ref, arg, delta, line, source, label, layer, moves = {{set, total, rows}}}; the
-- steps' moves add up to the scenario's change in every tracked total. Cached until s changes.
function M.explain(s)
  local cached = s.explained
  if cached and cached.version == s.version then return cached.value end
  local steps = {}
  local _, track = replay(s, #s.ops, steps)
  for _, set in ipairs(s.base.sets) do  -- the replay must reach the scenario's amounts
    if track[set.index] then
      local mine, replayed = totals(s.ov, s.base, set), track[set.index]
      for k = 1, #mine do
        if mine[k] ~= replayed[k] then
          error(string.format("explain: replaying '%s' gives %s for %s %s, not %s", s.name, tostring(replayed[k]),
            set.name, tracked(s.base, set)[k].name, tostring(mine[k])))
        end
      end
    end
  end
  local layers, by_scenario = {}, {}
  for i, st in ipairs(steps) do
    st.n = i
    local layer = by_scenario[st.scenario]
    if not layer then
      layer = { name = st.layer, scenario = st.scenario, acc = {}, first = i }
      by_scenario[st.scenario] = layer
      layers[#layers + 1] = layer
    end
    layer.last = i
    add_moves(layer.acc, st.moves)
  end
  for _, layer in ipairs(layers) do
    layer.moves = as_moves(s.base, layer.acc)
    layer.acc = nil
  end
  local value = { steps = steps, layers = layers }
  s.explained = { version = s.version, value = value }
  return value
end

return M
