-- engine/lua/scenario.lua
-- Scenarios: what-if overlays on an immutable base model. Operations take a
-- reference (a code, a name, a path, or a table across dimensions) and move
-- its total by exactly the amount asked, spread over the cells beneath it
-- that are not held (engine/scenario.h). Errors name the script's line.
-- Each operation records what it moved as it runs (engine/lua/steps.lua reads
-- it); a scenario made from a run's view of a model (engine/lua/run.lua)
-- belongs to that run. This module adds base:scenario(name) to the model.
-- See LICENSE for copyright and license.

local C = require "budget.c"
local model = require "budget.model"
local refs = require "budget.refs"
local rules = require "budget.rules"
local run = require "budget.run"
local steps = require "budget.steps"

local M = {}

local Scenario = {}
Scenario.__index = Scenario
Scenario.__metatable = false  -- scripts may not reach the class through getmetatable
M.Scenario = Scenario

local ZERO = C.fen(0)
local ONE = C.rate(1)

-- The kinds of rule that judge a scenario: the document's stated figures describe the base.
M.SCENARIO_KINDS = { identity = true, policy = true }

-- {==================================================================
-- Making and reading
-- ===================================================================

-- base:scenario(name): a new scenario on the model; costs nothing in proportion to its size.
-- A scenario keeps its operations in order (ops), each with the step of its overlay's journal
-- that recorded its moves, and where it started (origin: nil for the base, a layer on a
-- parent with the parent's overlay as it was then, or a merge). If the base is a run's view
-- of the model (engine/lua/run.lua), the scenario is that run's.
function M.new(base, name, parent, opts)
  if opts ~= nil and (type(opts) ~= "table" or (opts.carry ~= nil and type(opts.carry) ~= "boolean")) then
    error("scenario(name [, {carry = false}]): the options are a table, carry true or false", 3)
  end
  if math.type(name) then name = tostring(name) end
  if name ~= nil and type(name) ~= "string" then  -- a table's __tostring would run later, in the report
    error("scenario(name [, {carry = false}]): the name is a string", 3)
  end
  local carry = true
  if parent then carry = parent.carry end
  if opts and opts.carry ~= nil then carry = opts.carry end
  local s = setmetatable({
    base = base, name = name or "scenario", ov = parent and parent.ov:copy() or base.core:scenario(), ops = {},
    origin = parent and { kind = "layer", parent = parent, n = #parent.ops, state = parent.ov:copy() } or nil,
    carry = carry,  -- whether operations carry changes to linked descriptions unless they say otherwise
  }, Scenario)
  local ctx = run.of(base)
  if ctx then ctx:add(s) end
  return s
end

-- base:scenario(name [, {carry = false}]): with carry = false, no operation carries its change to
-- linked descriptions unless it says {carry = true}: the analyst keeps them by hand.
function model.Model:scenario(name, opts)
  return M.new(self, name, nil, opts)
end

-- s:scenario(name [, opts]): a scenario on top of this one (its changes and holds, then more).
function Scenario:scenario(name, opts)
  return M.new(self.base, name, self, opts)
end

-- The fact set and selection a reference names; raises at the caller's caller's line.
local function resolve(s, ref, level)
  local hit = s.base.selcache[ref == nil and s.base or ref]
  if hit then return hit[1], hit[2] end
  local ok, set, sel = pcall(s.base.selection, s.base, ref)
  if not ok then error(set, level + 1) end
  return set, sel
end

function Scenario:total(ref)
  local set, sel = resolve(self, ref, 2)
  return self.ov:total(set.index, sel)
end

function Scenario:scalar(name) return self.base:scalar(name) end
function Scenario:members(dim) return self.base:members(dim) end

-- The scenario's cells of a fact set (by name): {ids..., amount, base=, held=, cell=}.
function Scenario:cells(setname, changed_only)
  local set = self.base.set_by_name[setname] or error(string.format("no fact set '%s'", tostring(setname)), 2)
  return self.ov:cells(set.index, changed_only)
end

-- The scenario's cells of a fact set (by name) below zero: {ids..., amount}.
function Scenario:negatives(setname)
  local set = self.base.set_by_name[setname] or error(string.format("no fact set '%s'", tostring(setname)), 2)
  return self.ov:negatives(set.index)
end

-- }==================================================================

-- {==================================================================
-- Operations
-- ===================================================================

local describe = refs.describe

-- The status of a failed operation in words, raised at the script's line.
local function refuse(s, status, what, ref, set, level)
  local msg
  if status == "nothing" then
    msg = string.format("%s %s: the cells of %s that are not held sum to zero, so there is nothing to spread the "
      .. "change over (release a hold, or name cells that have an amount)", what, describe(ref), set.name)
  elseif status == "grain" then
    msg = string.format("%s %s: the change is not a whole number of %s's grain (%s)", what, describe(ref), set.name,
      tostring(set.grain))
  elseif status == "overflow" then
    msg = string.format("%s %s: an amount out of range (more than 92,233,720,368,547,758.07 元)", what, describe(ref))
  else
    msg = string.format("%s %s: %s", what, describe(ref), status)
  end
  error(msg, level + 1)
end

local function checked(level, f, ...)
  local ok, v = pcall(f, ...)
  if not ok then error(v, level + 1) end
  return v
end

-- The script line that called an operation, for its step: the first Lua frame from 'level'
-- up (a script may call through pcall).
local function caller_line(level)
  for l = level + 1, level + 8 do
    local info = debug.getinfo(l, "Sl")
    if not info then break end
    if info.what ~= "C" then return info.currentline, info.short_src end
  end
  return nil, nil
end

-- A reference as it was when the operation ran, kept from what the script does to its table later.
local function frozen(ref)
  if type(ref) ~= "table" then return ref end
  local c = {}
  for k, v in pairs(ref) do c[k] = frozen(v) end
  return c
end

-- An operation's record, made before the overlay changes: what it is and the script line that
-- asked for it (what a script's reference table does when read happens here, before any cell moves).
local function record(op, ref, arg, level)
  local line, src = caller_line(level + 1)
  return { op = op, ref = frozen(ref), arg = arg, line = line, source = src }
end

-- Keeps an operation that ran: what it moved, the fact sets it touched, and 'mark', the step of
-- the overlay's journal that holds its moves.
local function step(s, rec, delta, sets)
  rec.delta, rec.sets, rec.mark = delta, sets, s.ov:mark()
  s.version = (s.version or 0) + 1
  s.ops[#s.ops + 1] = rec
end

-- One change to one reference: resolves it, applies 'apply' to the overlay, records the step.
-- Called from the public methods, so its errors point three levels up: at the script.
-- Where a reference that names no cell of its fact set does have cells: ' (it has cells in
-- 经济, 12)', or '' when it has none anywhere.
local function elsewhere(s, ref)
  if type(ref) ~= "string" then return "" end
  local base = s.base
  local info = base:lookup(ref)
  if not info then return "" end
  local found = {}
  for _, set in ipairs(base.sets) do
    for i, dn in ipairs(set.dims) do
      if dn == info.dim then
        local n = s.ov:count(set.index, { [i] = info.id })
        if n > 0 then found[#found + 1] = string.format("%s (%d cell%s)", set.name, n, n == 1 and "" or "s") end
      end
    end
  end
  if #found == 0 then return "; it has cells in no fact set" end
  return "; it has cells in " .. table.concat(found, ", ")
end

-- An operation on a reference that names no cell changes nothing: an error, never a silent 0.
local function require_cells(s, what, ref, set, sel, level)
  if s.ov:count(set.index, sel, 1) > 0 then return end  -- the first cell is enough: no pass over the rest
  error(string.format("%s %s: no cell of %s has it%s", what, describe(ref), set.name, elsewhere(s, ref)), level + 1)
end

-- The holds a scenario has (its layers' first), each {ref =, line =}, in order.
local function holds_of(s, out)
  out = out or {}
  local origin = s.origin
  if origin and origin.kind == "layer" then holds_of(origin.parent, out) end
  for _, o in ipairs(s.ops) do
    if o.op == "hold" then out[#out + 1] = o end
  end
  return out
end

-- Why a change could not be carried to a linked description: the link, and the holds that leave
-- it no cell to fall on (or that its cells are all at zero).
local hold_sets  -- the fact sets a hold applies to (below, with the holds)
local part_between  -- whether a transfer between two sets has a meaning (below, with transfer)

local function carry_refusal(s, what, ref, link, side)
  local target = side == 1 and link.a or link.b
  local held = {}
  for _, h in ipairs(holds_of(s)) do  -- the holds on the set the carry could not land on
    local ok, sets = pcall(hold_sets, s, h.ref, 1)
    local here = false
    for _, x in ipairs(ok and sets or {}) do here = here or x.set == target.set end
    if here then held[#held + 1] = string.format("hold %s%s", describe(h.ref), h.line and (" at line " .. h.line) or "") end
  end
  local why = #held > 0 and ("every cell it could fall on is held or at zero (the holds on " .. target.set.name .. ": "
    .. table.concat(held, ", ") .. ")") or "its cells that are not held are all at zero"
  return string.format("%s %s: the change is carried to %s by the link '%s' (%s and %s describe the same money), "
    .. "but %s; %s", what, describe(ref), target.set.name, link.name, link.a.set.name, link.b.set.name, why,
    (type(ref) == "table" and ref.from) and "release a hold, or change each side with s:add"
      or string.format("release a hold, or pass {carry = false} to change only %s and let the rules report what no "
        .. "longer matches", describe(ref)))
end

-- Whether an operation carries: its own {carry = }, else its scenario's.
local function carries(s, opts)
  if opts and opts.carry ~= nil then return opts.carry end
  return s.carry
end

-- Runs 'apply' on the overlay with carrying off when the operation does not carry.
local function with_carry(ov, carry, apply, ...)
  if not carry then
    ov:carry(false)
    local ok, a, b, c = pcall(apply, ...)
    ov:carry(true)  -- whatever happened: a later operation must not lose its carry in silence
    if not ok then error(a, 0) end
    return a, b, c
  end
  return apply(...)
end

-- The option table every operation takes: {carry = false} (and round = for scale and cut).
local function check_opts(opts, level)
  if opts ~= nil and type(opts) ~= "table" then
    error("the options are a table, such as {carry = false}", level + 1)
  end
  if opts and opts.carry ~= nil and type(opts.carry) ~= "boolean" then
    error("carry is true or false: {carry = false} leaves linked descriptions as they are", level + 1)
  end
end

-- A failed operation in words, at the script's line: a carry that could not land names its link.
local function refused(s, status, what, ref, set, level, ov)
  local li, side = (ov or s.ov):failed_link()
  if li and status == "nothing" then error(carry_refusal(s, what, ref, s.base.links[li + 1], side), level + 1) end
  refuse(s, status, what, ref, set, level + 1)
end

local function change(s, op, ref, arg, apply, opts)
  check_opts(opts, 3)
  local set, sel = resolve(s, ref, 3)
  require_cells(s, op == "add" and "add to" or op, ref, set, sel, 3)
  local rec = record(op, ref, arg, 3)
  rec.carry = carries(s, opts)
  local delta, status = with_carry(s.ov, rec.carry, apply, s.ov, set.index, sel)
  if not delta then refused(s, status, op == "add" and "add to" or op, ref, set, 3) end
  if delta == true then delta = arg end  -- add answers true: it moved by the amount asked
  step(s, rec, delta, { set })
  return delta
end

-- A rate given bare ('5', or the Lua integer 5) says neither percent nor factor: a cut by '5' was
-- a cut of 500%. Only 0, and for a scale 1, cannot be misread. Raises at the script's line.
local function plain_rate(op, ref, r, level)
  if type(r) == "string" then r = C.nfkc(r) end  -- a full-width '５' is as bare as '5'
  local n = (type(r) == "string" and r:match("^%s*([+-]?%d+)%s*$")) or (math.type(r) == "integer" and tostring(r))
  if not n or tonumber(n) == 0 or (op == "scale" and tonumber(n) == 1) then return end
  local as_factor = op == "cut" and "the rate as a fraction or a decimal ('1/20', 0.05)"
    or string.format("the factor with a point or as a fraction ('%s.0', '%s/1')", n, n)
  error(string.format("%s %s %s '%s': %s%% or a factor of %s? Write '%s%%' for a percent, or %s", op, describe(ref),
    op == "scale" and "to" or "by",
    tostring(r), n, n, n, as_factor), level + 1)
end

-- The argument an operation's method reads, for a batch plan (engine/lua/plan.lua) to read a
-- parameter's values once: a scale's factor, a cut's (1 − its rate), an amount for set, add and
-- transfer. Raises where the method would, with its message.
function M.argument(op, ref, value)
  if op == "scale" or op == "cut" then
    plain_rate(op, ref, value, 1)
    local r = C.rate(value)
    return op == "cut" and ONE - r or r
  end
  return C.money(value)
end

-- s:scale(ref, factor): the total of ref times factor ('95%', '2/3', 0.95); returns the move.
function Scenario:scale(ref, factor, opts)
  plain_rate("scale", ref, factor, 2)
  local f, round = checked(2, C.rate, factor), opts and opts.round
  local moved = change(self, "scale", ref, f, function(ov, set, sel) return ov:scale(set, sel, f, round) end, opts)
  return moved  -- not a tail call: change() counts this frame to find the script's line
end

-- s:cut(ref, rate): the same as s:scale(ref, 1 - rate); a cut beyond 100% is allowed (and then
-- reported by the rule that no cell may be negative).
function Scenario:cut(ref, by, opts)
  plain_rate("cut", ref, by, 2)
  local r, round = checked(2, C.rate, by), opts and opts.round
  local moved = change(self, "cut", ref, r, function(ov, set, sel) return ov:scale(set, sel, ONE - r, round) end, opts)
  return moved  -- not a tail call: change() counts this frame to find the script's line
end

-- s:set(ref, amount): the total of ref becomes amount; returns the move.
function Scenario:set(ref, amount, opts)
  local a = checked(2, C.money, amount)
  local moved = change(self, "set", ref, a, function(ov, set, sel) return ov:set(set, sel, a) end, opts)
  return moved  -- not a tail call: change() counts this frame to find the script's line
end

-- s:add(ref, amount): the total of ref moves by amount (negative to take away).
function Scenario:add(ref, amount, opts)
  local a = checked(2, C.money, amount)
  local moved = change(self, "add", ref, a, function(ov, set, sel) return ov:add(set, sel, a) end, opts)
  return moved  -- not a tail call: change() counts this frame to find the script's line
end

-- Every cell of sel lies in the side's selection.
local function inside(s, set, sel, side)
  local n = s.base.core:intersect(set.index, sel, side)  -- the cells both select (facts_intersect)
  return n ~= nil and s.ov:count(set.index, n) == s.ov:count(set.index, sel)
end

-- Whether a transfer between two fact sets has a meaning: one end within a part link's part (a
-- listed project) and the other within its whole (项目支出): the money becomes, or stops being,
-- that of a listed project, and the whole keeps it where it was.
function part_between(s, fs, fsel, ts, tsel)
  for _, l in ipairs(s.base.links) do
    if l.kind == "part" then
      for _, p in ipairs { { l.a, l.b }, { l.b, l.a } } do
        if p[1].set == fs and p[2].set == ts and inside(s, fs, fsel, p[1].sel) and inside(s, ts, tsel, p[2].sel) then
          return true
        end
      end
    end
  end
  return false
end

-- s:transfer(from, to, amount [, opts]): moves amount from one reference to another, both or
-- neither. Between two descriptions of the same money (linked fact sets), each side's move is
-- carried to the other, so both stay whole; between descriptions that are not linked it is an error.
function Scenario:transfer(from, to, amount, opts)
  check_opts(opts, 2)
  local a = checked(2, C.money, amount)
  local fs, fsel = resolve(self, from, 2)
  local ts, tsel = resolve(self, to, 2)
  local carry = carries(self, opts)
  if fs ~= ts and not (carry and self.base.core:linked(fs.index, ts.index)) then
    error(string.format("transfer %s from %s to %s: %s is in %s and %s in %s, %s; a transfer moves money within "
      .. "one description (change each with s:add)", tostring(a), describe(from), describe(to), describe(from),
      fs.name, describe(to), ts.name, carry and "which the model does not link as descriptions of the same money"
        or "and with {carry = false} the move out of one would not reach the other"), 2)
  end
  if fs ~= ts and not part_between(self, fs, fsel, ts, tsel) then
    -- two descriptions of the same money: a move between them goes nowhere, or somewhere else
    error(string.format("transfer %s from %s to %s: %s (in %s) and %s (in %s) describe the same money; move it "
      .. "within one of them (s:transfer within %s, or within %s) and the change is carried to the other", tostring(a),
      describe(from), describe(to), describe(from), fs.name, describe(to), ts.name, fs.name, ts.name), 2)
  end
  require_cells(self, "transfer from", from, fs, fsel, 2)
  require_cells(self, "transfer to", to, ts, tsel, 2)
  for _, side in ipairs { { fs, from }, { ts, to } } do  -- named here: the core's EGRAIN says not which side
    local g = side[1].grain
    if a:fen() % g:fen() ~= 0 then
      error(string.format("transfer %s from %s to %s: the amount is not a whole number of %s's grain (%s), where %s is",
        tostring(a), describe(from), describe(to), side[1].name, tostring(g), describe(side[2])), 2)
    end
  end
  local rec = record("transfer", { from = from, to = to }, a, 2)
  rec.carry = carry
  local ok, status = with_carry(self.ov, carry, self.ov.transfer, self.ov, fs.index, fsel, ts.index, tsel, a)
  if not ok then
    refused(self, status, "transfer", { from = describe(from), to = describe(to) }, fs, 2)
  end
  step(self, rec, ZERO, fs == ts and { fs } or { fs, ts })
  return a
end

-- {==================================================================
-- Goal seek
-- ===================================================================

local SOLVE_STEPS = 200  -- bisection steps at most: 2^64 fen is far past any budget

-- A percent with two decimals for a reader, from fen: '-8.18%'.
local function percent_of(part, whole)
  if whole == 0 then return part == 0 and "0.00%" or "—" end
  return string.format("%.2f%%", part / whole * 100)
end

-- s:solve(ref, target, amount [, opts]): the change to ref that brings the total of target (a
-- reference: nil for the main set's grand total) to amount, found exactly and applied as one step
-- (carried to linked descriptions as any change is). Returns the change, its rate of ref's total
-- as a percent ('-8.18%'), and what the result misses amount by: 0, unless no whole number of
-- ref's grain reaches it exactly (the spread rounds), and then the nearest is applied.
function Scenario:solve(ref, target, amount, opts)
  check_opts(opts, 2)
  local want = checked(2, C.money, amount)
  local set, sel = resolve(self, ref, 2)
  local tset, tsel = resolve(self, target, 2)
  require_cells(self, "solve for", ref, set, sel, 2)
  local carry = carries(self, opts)
  local ov = self.ov
  local grain = set.grain:fen()
  local before = ov:total(tset.index, tsel)
  -- the target's total after ref moves by d grains (on a copy), or nil and the reason
  local failed_on  -- the copy an operation failed on: its failed link says why
  local function at(d)
    local c = ov:copy()
    c:carry(carry)
    local ok, why = c:add(set.index, sel, C.fen(d * grain))
    if not ok then failed_on = c; return nil, why end
    local got, t = pcall(c.total, c, tset.index, tsel)
    if not got then return nil, "overflow" end  -- a total out of range: out of reach
    return t:fen()
  end
  local function fail(why) refused(self, why, "solve for", ref, set, 3, failed_on) end
  local goal, now = want:fen(), before:fen()
  if (goal > 0 and now < 0 and goal - now < 0) or (goal < 0 and now > 0 and goal - now > 0) then
    error(string.format("solve %s so that %s = %s: the change is out of range (more than 92,233,720,368,547,758.07 元)",
      describe(ref), describe(target or "总计"), tostring(want)), 2)
  end
  local probe = (goal - now) // grain
  if probe == 0 then probe = goal > now and 1 or -1 end
  local t1, why = at(probe)
  for _ = 1, 62 do  -- a part moves only once its whole falls below it: probe further before giving up
    if not t1 or t1 ~= now or math.abs(probe) > math.maxinteger // 4 // grain then break end
    probe = probe * 2
    t1, why = at(probe)
  end
  if not t1 then fail(why) end
  if t1 == now then
    error(string.format("solve %s so that %s = %s: %s does not move with %s", describe(ref), describe(target or "总计"),
      tostring(want), describe(target or "总计"), describe(ref)), 2)
  end
  local slope = (t1 - now) / probe  -- fen of the target a grain of ref
  local guess = math.floor((goal - now) / slope + 0.5)
  -- a bracket [lo, hi] with at(lo) <= goal <= at(hi) in the direction the target moves, then halves
  local function key(d)
    local t, w = at(d)
    if not t then return nil, w end
    return slope > 0 and t or -t
  end
  local g = slope > 0 and goal or -goal
  local lo, hi, stride = guess, guess, 1
  local klo, w = key(lo)
  if not klo then fail(w) end
  local khi = klo
  for _ = 1, 64 do
    if klo <= g then break end
    lo, stride = lo - stride, stride * 2
    klo, w = key(lo)
    if not klo then fail(w) end
  end
  stride = 1
  for _ = 1, 64 do
    if khi >= g then break end
    hi, stride = hi + stride, stride * 2
    khi, w = key(hi)
    if not khi then fail(w) end
  end
  for _ = 1, SOLVE_STEPS do
    if klo == g or khi == g or hi - lo <= 1 then break end
    local mid = lo + (hi - lo) // 2  -- no overflow: lo and hi are near each other's sign
    local km, mw = key(mid)
    if not km then fail(mw) end
    if km <= g then lo, klo = mid, km else hi, khi = mid, km end
  end
  local d = (khi == g and hi) or lo
  if klo ~= g and khi ~= g and math.abs(khi - g) < math.abs(klo - g) then d = hi end
  local rec = record("solve", ref, want, 2)
  rec.target, rec.carry = target, carry
  local total_before = ov:total(set.index, sel):fen()
  local delta = C.fen(d * grain)
  local ok, status = with_carry(ov, carry, ov.add, ov, set.index, sel, delta)
  if not ok then refused(self, status, "solve for", ref, set, 2) end
  local miss = ov:total(tset.index, tsel) - want
  rec.percent, rec.miss = percent_of(d * grain, total_before), miss
  step(self, rec, delta, { set })
  return delta, rec.percent, miss
end

-- }==================================================================

-- The fact sets a hold applies to: every set that has the reference's dimensions.
function hold_sets(s, ref, level)
  local base = s.base
  if type(ref) == "table" and ref.facts then
    local set, sel = resolve(s, ref, level + 1)
    return { { set = set, sel = sel } }
  end
  local dims = {}
  if type(ref) == "string" then
    local ok, info = pcall(base.find, base, ref)
    if not ok then error(info, level + 1) end
    dims[info.dim] = info.id
  elseif type(ref) == "table" then
    for k, v in pairs(ref) do
      local id, why = base:member_in(k, v)
      if not id then error(why, level + 1) end
      dims[k] = id
    end
  else
    error("a reference is a string such as '206' or a table {[\"功能分类\"] = \"206\"}", level + 1)
  end
  local out = {}
  for _, set in ipairs(base.sets) do
    local sel, all = {}, true
    for dn in pairs(dims) do
      local pos
      for i, sd in ipairs(set.dims) do if sd == dn then pos = i end end
      if pos then sel[pos] = dims[dn] else all = false end
    end
    if all then out[#out + 1] = { set = set, sel = sel } end
  end
  return out
end

-- The fact sets and selections a hold of ref applies to, for a batch plan: {{set =, sel =}, ...}.
function M.hold_targets(s, ref)
  return hold_sets(s, ref, 1)
end

local function hold_all(ov, holds, held)
  local n = 0
  for _, h in ipairs(holds) do n = n + ov:hold(h.set.index, h.sel, held) end
  return n
end

-- Holds or releases ref's cells and records the step; called from the two methods below, so
-- its errors and the step's line are the script's, three levels up.
local function set_held(s, ref, held)
  local holds = hold_sets(s, ref, 3)
  local rec = record(held and "hold" or "release", ref, nil, 3)
  local cells = 0
  for _, h in ipairs(holds) do cells = cells + s.ov:count(h.set.index, h.sel, 1) end
  if cells == 0 then  -- holding no cell would change nothing: a mistake, never a silent no-op
    error(string.format("%s %s: no cell of any fact set has it", held and "hold" or "release", describe(ref)), 3)
  end
  local n = hold_all(s.ov, holds, held)
  step(s, rec, ZERO, {})
  return n
end

-- s:hold(ref): later changes leave the cells of ref as they are; returns how many cells.
function Scenario:hold(ref)
  local n = set_held(self, ref, true)
  return n  -- not a tail call: set_held counts this frame to find the script's line
end

-- s:release(ref): the cells of ref take changes again.
function Scenario:release(ref)
  local n = set_held(self, ref, false)
  return n  -- not a tail call, as above
end

-- }==================================================================

-- {==================================================================
-- Merging two scenarios
-- ===================================================================

local function is_scenario(x)
  return type(x) == "table" and debug.getmetatable(x) == Scenario
end

-- Did s, or a scenario beneath it, hold anything? Then a merge must carry holds too.
local function holds_anything(s)
  for _, o in ipairs(s.ops) do if o.op == "hold" then return true end end
  local origin = s.origin
  if origin == nil then return false end
  if origin.kind == "layer" then return holds_anything(origin.parent) end
  return holds_anything(origin.a) or holds_anything(origin.b)
end

local MAX_CONFLICTS_SHOWN = 10

-- budget.merge(a, b [, name]): one scenario with the changes of both a and b, which share a
-- model. Each side's changes are what it did beyond what the two share (the base, or the
-- scenario both are layers on). A cell both change must come out the same in both, and a cell
-- one side holds the other may not change: else the merge fails and names every such cell
-- with its values. Nothing is overwritten in silence. Holds are the union of both. The merge
-- takes a and b as they are now.
function M.merge(a, b, name)
  if not is_scenario(a) or not is_scenario(b) then
    error("budget.merge(a, b [, name]): a and b are scenarios", 2)
  end
  if a.base.core ~= b.base.core then
    error(string.format("budget.merge: '%s' and '%s' are scenarios of different models", a.name, b.name), 2)
  end
  if name ~= nil and type(name) ~= "string" then error("budget.merge(a, b [, name]): name is a string", 2) end
  local base = a.base
  local shared = steps.ancestor(a, b)
  local all = holds_anything(a) or holds_anything(b)  -- then every cell, for its hold; else the changed ones
  local ov = base.core:scenario()
  local conflicts, count = {}, 0
  local function conflict(text)
    count = count + 1
    if count <= MAX_CONFLICTS_SHOWN then conflicts[#conflicts + 1] = text end
  end
  for _, set in ipairs(base.sets) do
    local nd = #set.dims
    local sides, cells, seen = { a.ov, b.ov, shared }, {}, {}
    for k, side in ipairs(sides) do
      local by = {}
      for _, c in ipairs(side:cells(set.index, not all)) do
        by[c.cell] = c
        if not seen[c.cell] then seen[c.cell] = true; cells[#cells + 1] = c.cell end
      end
      sides[k] = by
    end
    table.sort(cells)
    for _, cell in ipairs(cells) do
      local any = sides[1][cell] or sides[2][cell] or sides[3][cell]
      local function amount(k) local c = sides[k][cell]; return c and c[nd + 1] or any.base end
      local function held(k) local c = sides[k][cell]; return c ~= nil and c.held end
      local va, vb, was = amount(1), amount(2), amount(3)
      local ca, cb = va ~= was, vb ~= was
      local label = function() return set.name .. " " .. refs.cell_label(base, set, any) end
      if ca and cb and va ~= vb then
        conflict(string.format("%s: base %s, '%s' %s, '%s' %s", label(), tostring(any.base), a.name, tostring(va), b.name,
          tostring(vb)))
      elseif held(1) and not held(3) and cb then
        conflict(string.format("%s: held in '%s', changed by '%s' from %s to %s", label(), a.name, b.name, tostring(was),
          tostring(vb)))
      elseif held(2) and not held(3) and ca then
        conflict(string.format("%s: held in '%s', changed by '%s' from %s to %s", label(), b.name, a.name, tostring(was),
          tostring(va)))
      end
      local value = ca and va or (cb and vb or was)
      local h = held(1) or held(2)
      if value ~= any.base or h then
        local ok, status = ov:put(set.index, cell, value, h)
        if not ok then error(string.format("budget.merge: %s: %s", label(), status), 2) end
      end
    end
  end
  if count > 0 then
    error(string.format("budget.merge: '%s' and '%s' cannot both stand: %d cell%s:\n  %s%s", a.name, b.name, count,
      count == 1 and "" or "s", table.concat(conflicts, "\n  "),
      count > MAX_CONFLICTS_SHOWN and string.format("\n  and %d more", count - MAX_CONFLICTS_SHOWN) or ""), 2)
  end
  local m = M.new(base, name or (a.name .. " + " .. b.name))
  m.ov = ov
  m.origin = { kind = "merge", a = a, na = #a.ops, b = b, nb = #b.ops, state = ov:copy(), mark = ov:mark() }
  m.version = 1
  return m
end

-- }==================================================================

-- {==================================================================
-- What changed, and what it breaks
-- ===================================================================

M.cell_label = refs.cell_label

-- s:diff(): every changed cell, {set, ref, base, value, delta}, fact sets in model order.
function Scenario:diff()
  local out = {}
  for _, set in ipairs(self.base.sets) do
    for _, c in ipairs(self.ov:cells(set.index, true)) do
      local value = c[#set.dims + 1]
      out[#out + 1] = { set = set.name, ref = refs.cell_label(self.base, set, c), base = c.base, value = value,
                        delta = value - c.base, held = c.held }
    end
  end
  return out
end

-- s:violations(): the identity and policy rules this scenario breaks, in rule order.
function Scenario:violations()
  local version = self.version or 0
  if not self.judged or self.judged.version ~= version then
    self.judged = { version = version, list = rules.run_scenario(self.base.rules, self, M.SCENARIO_KINDS) }
  end
  local copy = {}
  for i, v in ipairs(self.judged.list) do copy[i] = v end
  return copy
end

-- s:steps(): the operations in order, its layers' first, each {op, ref, arg, delta, line, layer,
-- moves}: how much it moved each 类 and 款 total and the grand total (engine/lua/steps.lua).
function Scenario:steps()
  local out = {}
  for i, st in ipairs(steps.explain(self, true).steps) do out[i] = steps.step_copy(st) end
  return out
end

-- s:layers(): the scenario's layers (itself, the scenarios beneath it, the sides of a merge),
-- each {name, moves}: its share of the scenario's change.
function Scenario:layers()
  local out = {}
  for i, l in ipairs(steps.explain(self, true).layers) do
    local moves = {}
    for k, m in ipairs(l.moves) do
      local rows = {}
      for j, r in ipairs(m.rows) do rows[j] = { code = r.code, name = r.name, depth = r.depth, delta = r.delta } end
      moves[k] = { set = m.set, total = m.total, rows = rows }
    end
    out[i] = { name = l.name, first = l.first, last = l.last, moves = moves }
  end
  return out
end

-- s:report([format]): hands the scenario to its run's reporter, which the command chose (print
-- it, gather it for one page, or nothing: a batch's output is its rows). The domain writes
-- nothing itself. A scenario of no run has nowhere to report to.
function Scenario:report(fmt)
  local ctx = run.of(self.base)
  if not ctx then error("s:report(): this scenario belongs to no run that prints (load the model with budget.load)", 2) end
  if ctx.report then ctx.report(self, fmt) end
end

-- }==================================================================

return M
