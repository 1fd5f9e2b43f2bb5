-- engine/lua/explain.lua
-- Where every 分 of a scenario went: its operations replayed in order on a
-- fresh overlay, with each one's move of the grand total and of every 类 and
-- 款 total (the top two levels of a fact set's first dimension). The moves of
-- the steps telescope, so they add up exactly to the scenario's change. A
-- layered scenario replays its parent's operations first (as they were when
-- the layer was made); a merge replays what its two sides share once, then
-- each side's own operations, then counts once what both changed the same way.
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
-- dimension in the hierarchy's order, each with the selection that totals it. Kept here, by
-- model, where no script can reach them.
local TRACKED = setmetatable({}, { __mode = "k" })

local function tracked(base, set)
  local cache = TRACKED[base]
  if not cache then
    cache = {}
    TRACKED[base] = cache
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

-- The totals a replay follows: all of them (detail), or the grand total alone (a report's
-- steps table needs no more, and a big model has thousands of 类 and 款).
local function followed(base, set, detail)
  local t = tracked(base, set)
  return detail and t or { t[1] }
end

local function totals(ov, base, set, detail)
  local out = {}
  for i, m in ipairs(followed(base, set, detail)) do out[i] = ov:total(set.index, m.sel) end
  return out
end

-- The moves between two lists of totals: {set, total, rows = {{k, code, name, depth, delta}}},
-- rows only for the totals that moved (and always the grand total); k is the row's place in
-- the tracked list, which names it even where members have no codes (projects).
local function moves_between(base, set, before, after, detail)
  local rows = {}
  for k, m in ipairs(followed(base, set, detail)) do
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

-- The history of s up to its operation 'upto': where it starts (root: nil for the base, or
-- the merge it was made by) and the runs of operations since, oldest first: {s, from, to}.
local function history(s, upto)
  local runs = {}
  while true do
    table.insert(runs, 1, { s = s, from = 1, to = upto })
    local origin = s.origin
    if origin == nil then return { runs = runs } end
    if origin.kind == "merge" then return { root = s, runs = runs } end
    s, upto = origin.parent, origin.n
  end
end

-- What two histories share, and what each has beyond it: (common, rest of a, rest of b).
local function split(ha, hb)
  if ha.root ~= hb.root then return { runs = {} }, ha, hb end
  local common = { root = ha.root, runs = {} }
  local i = 1
  while ha.runs[i] and hb.runs[i] and ha.runs[i].s == hb.runs[i].s do
    local ra, rb = ha.runs[i], hb.runs[i]
    local shared = math.min(ra.to, rb.to)
    common.runs[i] = { s = ra.s, from = 1, to = shared }
    if ra.to ~= rb.to then  -- they part within this scenario's operations
      local rest_a, rest_b = { runs = { { s = ra.s, from = shared + 1, to = ra.to } } },
                             { runs = { { s = rb.s, from = shared + 1, to = rb.to } } }
      table.move(ha.runs, i + 1, #ha.runs, 2, rest_a.runs)
      table.move(hb.runs, i + 1, #hb.runs, 2, rest_b.runs)
      return common, rest_a, rest_b
    end
    i = i + 1
  end
  return common, { runs = table.move(ha.runs, i, #ha.runs, 1, {}) }, { runs = table.move(hb.runs, i, #hb.runs, 1, {}) }
end

local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

local replay

-- Operations from..to of s on ov, a step each appended to 'steps' (nil: no steps kept);
-- 'track' holds the followed totals of each fact set touched, as they stand on ov.
local function run_ops(s, from, to, ov, track, steps, detail)
  local base = s.base
  for i = from, to do
    local op = s.ops[i]
    for _, set in ipairs(op.sets) do
      if not track[set.index] then track[set.index] = totals(ov, base, set, detail) end
    end
    local done, status = op.redo(ov)
    if done == nil then
      error(string.format("explain: step %d of '%s' (%s) did not replay: %s", i, s.name, M.label(op), tostring(status)))
    end
    local moves = {}
    for _, set in ipairs(op.sets) do
      local after = totals(ov, base, set, detail)
      moves[#moves + 1] = moves_between(base, set, track[set.index], after, detail)
      track[set.index] = after
    end
    if steps then
      steps[#steps + 1] = { op = op.op, ref = op.ref, arg = op.arg, delta = op.delta, line = op.line,
                            source = op.source, label = M.label(op), layer = s.name, scenario = s, moves = moves }
    end
  end
end

-- A merge's starting point: what its sides share, replayed once; each side's own operations
-- on a copy of that; then the merged amounts, and a step that takes back what the two sides'
-- steps count twice (cells both changed the same way).
local function replay_merge(m, steps, detail)
  local base, origin = m.base, m.origin
  local common, rest_a, rest_b = split(history(origin.a, origin.na), history(origin.b, origin.nb))
  local shared, tc = replay(base, common, steps, detail)
  local _, ta = replay(base, rest_a, steps, detail, shared:copy(), copy(tc))
  local _, tb = replay(base, rest_b, steps, detail, shared:copy(), copy(tc))
  local ov, track = origin.state:copy(), {}
  local moves, any = {}, false
  for _, set in ipairs(base.sets) do
    if ta[set.index] or tb[set.index] then
      local now, was = totals(ov, base, set, detail), tc[set.index] or totals(shared, base, set, detail)
      local a, b = ta[set.index] or was, tb[set.index] or was
      local sum = {}  -- where the two sides' steps add up to
      for k = 1, #now do sum[k] = a[k] + b[k] - was[k] end
      local mv = moves_between(base, set, sum, now, detail)
      for _, r in ipairs(mv.rows) do if r.delta ~= ZERO then any = true end end
      moves[#moves + 1] = mv
      track[set.index] = now
    end
  end
  if any and steps then
    steps[#steps + 1] = { op = "merge", label = "cells both sides changed the same way, counted once",
                          layer = m.name, scenario = m, moves = moves }
  end
  return ov, track
end

-- Replays a history on ov (a fresh overlay of the base when nil; a merge's own when it starts
-- at one). Returns the overlay after it and the followed totals of every fact set touched.
function replay(base, h, steps, detail, ov, track)
  if h.root then
    ov, track = replay_merge(h.root, steps, detail)
  elseif not ov then
    ov, track = base.core:scenario(), {}
  end
  for _, run in ipairs(h.runs) do run_ops(run.s, run.from, run.to, ov, track, steps, detail) end
  return ov, track
end

-- The amounts a merge of a and b compares theirs with: what the two share, replayed.
function M.ancestor(a, b)
  local common = split(history(a, #a.ops), history(b, #b.ops))
  return (replay(a.base, common, nil, false))
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
local function as_moves(base, acc, detail)
  local out = {}
  for _, set in ipairs(acc) do
    local rows = {}
    for k, m in ipairs(followed(base, base.set_by_name[set.set], detail)) do
      local x = set.rows[k]
      if x and (m.depth == -1 or x.delta ~= ZERO) then rows[#rows + 1] = x end
    end
    out[#out + 1] = { set = set.set, total = set.rows[1] and set.rows[1].delta or ZERO, rows = rows }
  end
  return out
end

-- }==================================================================

-- A step as s:steps() gives it out: a copy, so what a caller changes is not the cache's.
local function step_copy(st)
  local moves = {}
  for i, m in ipairs(st.moves) do
    local rows = {}
    for k, r in ipairs(m.rows) do rows[k] = copy(r) end
    moves[i] = { set = m.set, total = m.total, rows = rows }
  end
  local c = copy(st)
  c.scenario, c.moves = nil, moves
  return c
end
M.step_copy = step_copy

-- The explanation of s: {steps = {...}, layers = {{name, scenario, first, last, moves}}}. Each
-- step is {n, op, ref, arg, delta, line, source, label, layer, moves = {{set, total, rows}}};
-- the steps' moves add up to the scenario's change in every total followed: with 'detail',
-- every 类 and 款, else the grand totals alone. Cached until s changes; callers must not
-- change what it returns (s:steps() hands out copies).
function M.explain(s, detail)
  detail = detail and true or false
  local cache = s.explained
  if not cache or cache.version ~= s.version then
    cache = { version = s.version }
    s.explained = cache
  end
  if cache[detail] then return cache[detail] end
  local steps = {}
  local _, track = replay(s.base, history(s, #s.ops), steps, detail)
  for _, set in ipairs(s.base.sets) do  -- the replay must reach the scenario's amounts
    if track[set.index] then
      local mine, replayed = totals(s.ov, s.base, set, detail), track[set.index]
      for k = 1, #mine do
        if mine[k] ~= replayed[k] then
          error(string.format("explain: replaying '%s' gives %s for %s %s, not %s (was its overlay changed "
            .. "outside its operations?)", s.name, tostring(replayed[k]), set.name, tracked(s.base, set)[k].name,
            tostring(mine[k])))
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
    layer.moves = as_moves(s.base, layer.acc, detail)
    layer.acc = nil
  end
  cache[detail] = { steps = steps, layers = layers }
  return cache[detail]
end

return M
