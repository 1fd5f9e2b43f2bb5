-- engine/lua/steps.lua
-- Where every 分 of a scenario went: each operation's moves of the grand
-- total and of every 类 and 款 total (the top two levels of a fact set's
-- first dimension), read from the journal its overlay kept as it ran
-- (engine/core/scenario.h), never by doing the operations again. The moves of
-- the steps add up exactly to the scenario's change. A layered scenario's
-- steps start with its parent's (as they were when the layer was made); a
-- merge's with what its two sides share, then each side's own, then a step
-- that counts once what both changed the same way.
-- See LICENSE for copyright and license.

local C = require "budget.c"
local refs = require "budget.refs"

local M = {}

local ZERO = C.fen(0)
local HUNDRED = C.rate(100)

-- {==================================================================
-- The totals a move is told in
-- ===================================================================

-- A fact set's tracked totals: the grand total first, then each 类 and 款 of its first
-- dimension in the hierarchy's order, each with the selection that totals it; 'at' finds a
-- member's place. Kept by model core (one per loaded model), where no script can reach them.
local TRACKED = setmetatable({}, { __mode = "k" })

local function tracked(base, set)
  local cache = TRACKED[base.core]
  if not cache then
    cache = {}
    TRACKED[base.core] = cache
  end
  local t = cache[set.index]
  if t then return t end
  local _, all = base:selection { facts = set.name }
  t = { { code = "", name = "总计", depth = -1, sel = all } }
  local at = {}
  local dim = set.dims[1]
  for _, mem in ipairs(base:members(dim)) do
    if mem.depth <= 1 then
      local _, sel = base:selection { facts = set.name, [dim] = mem.id }
      t[#t + 1] = { id = mem.id, code = mem.spaced, name = mem.name, depth = mem.depth, sel = sel }
      at[mem.id] = #t
    end
  end
  t.at = at
  cache[set.index] = t
  return t
end
M.tracked = tracked

-- The totals a report follows: all of them (detail), or the grand total alone.
local function followed(base, set, detail)
  local t = tracked(base, set)
  return detail and t or { t[1] }
end

-- The moves of one recorded step of overlay ov (its journal's step 'mark') in each of 'sets' and
-- each other set it moved (a change carried to a linked description is part of its step):
-- {set, total, rows = {{k, code, name, depth, delta}}}, rows for the totals that moved and
-- always the grand total (with 'detail'; else the grand total alone), in the tracked order;
-- k is the row's place in the tracked list, which names it even where members have no codes.
local function recorded(base, ov, mark, sets, detail)
  local raw = mark and ov:step_moves(mark, not detail) or {}
  local moves, all = {}, {}
  for _, set in ipairs(sets) do all[#all + 1] = set end
  for _, set in ipairs(base.sets) do  -- and the sets its change was carried to, in model order
    if raw[set.index] then
      local listed = false
      for _, t in ipairs(sets) do listed = listed or t == set end
      if not listed then all[#all + 1] = set end
    end
  end
  for _, set in ipairs(all) do
    local t, r = tracked(base, set), raw[set.index] or {}
    local total = r[0] or ZERO
    local rows = { { k = 1, code = t[1].code, name = t[1].name, depth = t[1].depth, delta = total } }
    if detail then
      local ks = {}
      for id1, d in pairs(r) do
        local k = id1 > 0 and t.at[id1 - 1]
        if k and d ~= ZERO then ks[#ks + 1] = k end
      end
      table.sort(ks)
      for _, k in ipairs(ks) do
        local m = t[k]
        rows[#rows + 1] = { k = k, code = m.code, name = m.name, depth = m.depth, delta = r[m.id + 1] }
      end
    end
    moves[#moves + 1] = { set = set.name, total = total, rows = rows }
  end
  return moves
end

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
  local describe = refs.describe
  if what == "cut" then return string.format("cut %s by %s", describe(ref), percent(op.arg)) end
  if what == "scale" then return string.format("scale %s to %s", describe(ref), percent(op.arg)) end
  if what == "set" then return string.format("set %s to %s", describe(ref), tostring(op.arg)) end
  if what == "add" then return string.format("add %s to %s", tostring(op.arg), describe(ref)) end
  if what == "solve" then
    local target = op.target == nil and "总计" or describe(op.target)
    local miss = (op.miss and op.miss:fen() ~= 0)
      and string.format(", %s off: the nearest it can reach", tostring(op.miss)) or ""
    return string.format("solve %s so that %s = %s: %s (%s)%s", describe(ref), target, tostring(op.arg),
      tostring(op.delta), op.percent or "", miss)
  end
  if what == "transfer" then
    return string.format("transfer %s from %s to %s", tostring(op.arg), describe(ref.from), describe(ref.to))
  end
  return string.format("%s %s", what, describe(ref))
end

-- }==================================================================

-- {==================================================================
-- Histories
-- ===================================================================

-- The history of s up to its operation 'upto': where it starts (root: nil for the base, or the
-- merge it was made by) and the runs of operations since, oldest first: {s, from, to, state},
-- where 'state' is the overlay as it stood after the run (a layer keeps its parent's, as it
-- was when the layer was made).
local function history(s, upto)
  local runs, state = {}, s.ov
  while true do
    table.insert(runs, 1, { s = s, from = 1, to = upto, state = state })
    local origin = s.origin
    if origin == nil then return { runs = runs } end
    if origin.kind == "merge" then return { root = s, runs = runs } end
    s, upto, state = origin.parent, origin.n, origin.state
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
    common.runs[i] = { s = ra.s, from = 1, to = shared, state = shared == ra.to and ra.state or rb.state }
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

-- The amounts a merge of a and b compares theirs with: the overlay where their histories part
-- (a copy), from what each kept; nothing is done again.
function M.ancestor(a, b)
  local common = split(history(a, #a.ops), history(b, #b.ops))
  local last = common.runs[#common.runs]
  if last then return last.state:copy() end
  if common.root then return common.root.origin.state:copy() end
  return a.base.core:scenario()
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

local steps_of

-- The steps of a history, appended to 'steps', each with the moves its overlay recorded.
local function add_runs(base, h, steps, detail)
  if h.root then steps_of(h.root, steps, detail) end
  for _, run in ipairs(h.runs) do
    local s = run.s
    for i = run.from, run.to do
      local op = s.ops[i]
      local cells, move = s.ov:step_rounding(op.mark)
      steps[#steps + 1] = { op = op.op, ref = op.ref, arg = op.arg, delta = op.delta, line = op.line, source = op.source,
                            label = M.label(op), layer = s.name, scenario = s, rounded_cells = cells,
                            rounded_move = move, moves = recorded(base, s.ov, op.mark, op.sets, detail) }
    end
  end
end

-- A merge's steps: what its sides share once, each side's own, then a step for what the two
-- sides' steps count twice (cells both changed the same way): the merged change, which the
-- merge's overlay recorded as it was written, less the sum of the steps before it.
function steps_of(m, steps, detail)
  local base, origin = m.base, m.origin
  local common, rest_a, rest_b = split(history(origin.a, origin.na), history(origin.b, origin.nb))
  local first = #steps + 1
  add_runs(base, common, steps, detail)
  add_runs(base, rest_a, steps, detail)
  add_runs(base, rest_b, steps, detail)
  local acc = {}
  for i = first, #steps do add_moves(acc, steps[i].moves) end
  local sets = {}
  for _, a in ipairs(acc) do sets[#sets + 1] = base.set_by_name[a.set] end
  local merged = recorded(base, m.ov, origin.mark, sets, detail)
  local moves, any = {}, false
  for i, set in ipairs(sets) do
    local now, by, t = merged[i], acc[set.name].rows, tracked(base, set)
    local at_now = {}
    for _, r in ipairs(now.rows) do at_now[r.k] = r.delta end
    local ks = {}
    for k in pairs(by) do ks[#ks + 1] = k end
    for k in pairs(at_now) do if not by[k] then ks[#ks + 1] = k end end
    table.sort(ks)
    local rows = {}
    for _, k in ipairs(ks) do
      local d = (at_now[k] or ZERO) - (by[k] and by[k].delta or ZERO)
      if d ~= ZERO then any = true end
      if k == 1 or d ~= ZERO then
        rows[#rows + 1] = { k = k, code = t[k].code, name = t[k].name, depth = t[k].depth, delta = d }
      end
    end
    moves[#moves + 1] = { set = set.name, total = rows[1] and rows[1].k == 1 and rows[1].delta or ZERO, rows = rows }
  end
  if any then
    steps[#steps + 1] = { op = "merge", label = "cells both sides changed the same way, counted once",
                          layer = m.name, scenario = m, moves = moves }
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
  add_runs(s.base, history(s, #s.ops), steps, detail)
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
