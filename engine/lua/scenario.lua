-- engine/lua/scenario.lua
-- Scenarios: what-if overlays on an immutable base model. Operations take a
-- reference (a code, a name, a path, or a table across dimensions) and move
-- its total by exactly the amount asked, spread over the cells beneath it
-- that are not held (engine/scenario.h). Errors name the script's line.
-- See LICENSE for copyright and license.

local C = require "budget.c"
local rules = require "budget.rules"

local M = {}

local Scenario = {}
Scenario.__index = Scenario
Scenario.__metatable = false  -- scripts may not reach the class through getmetatable
M.Scenario = Scenario

local ZERO = C.fen(0)
local ONE = C.rate(1)

-- The kinds of rule that judge a scenario: the document's stated figures describe the base.
M.SCENARIO_KINDS = { identity = true, policy = true }

-- Every scenario made, so 'budget run' can judge them all.
M.made = setmetatable({}, { __mode = "k" })
M.order = {}

-- {==================================================================
-- Making and reading
-- ===================================================================

-- base:scenario(name): a new scenario on the model; costs nothing in proportion to its size.
function M.new(base, name, parent)
  local s = setmetatable({
    base = base, name = name or "scenario", parent = parent,
    ov = parent and parent.ov:copy() or base.core:scenario(), steps = {},
  }, Scenario)
  M.order[#M.order + 1] = s
  return s
end

-- s:scenario(name): a scenario on top of this one (its changes and holds, then more).
function Scenario:scenario(name)
  return M.new(self.base, name, self)
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

local describe = rules.describe

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

-- The script line that called an operation, for its step.
local function caller_line(level)
  local info = debug.getinfo(level + 1, "Sl")
  return info and info.currentline or nil, info and info.short_src or nil
end

local function step(s, op, ref, arg, delta, level)
  local line, src = caller_line(level + 1)
  s.version = (s.version or 0) + 1
  s.steps[#s.steps + 1] = { op = op, ref = ref, arg = arg, delta = delta, line = line, source = src }
end

-- One change to one reference: resolves it, applies 'apply' to the overlay, records the step.
-- Called from the public methods, so its errors point three levels up: at the script.
local function change(s, op, ref, arg, apply)
  local set, sel = resolve(s, ref, 3)
  local delta, status = apply(s.ov, set.index, sel)
  if not delta then refuse(s, status, op == "add" and "add to" or op, ref, set, 3) end
  if delta == true then delta = arg end  -- add answers true: it moved by the amount asked
  step(s, op, ref, arg, delta, 3)
  return delta
end

-- s:scale(ref, factor): the total of ref times factor ('95%', '2/3', 0.95); returns the move.
function Scenario:scale(ref, factor, opts)
  local f = checked(2, C.rate, factor)
  local moved = change(self, "scale", ref, f, function(ov, set, sel) return ov:scale(set, sel, f, opts and opts.round) end)
  return moved  -- not a tail call: change() counts this frame to find the script's line
end

-- s:cut(ref, rate): the same as s:scale(ref, 1 - rate); a cut beyond 100% is allowed (and then
-- reported by the rule that no cell may be negative).
function Scenario:cut(ref, by, opts)
  local r = checked(2, C.rate, by)
  local moved = change(self, "cut", ref, r, function(ov, set, sel) return ov:scale(set, sel, ONE - r, opts and opts.round) end)
  return moved  -- not a tail call: change() counts this frame to find the script's line
end

-- s:set(ref, amount): the total of ref becomes amount; returns the move.
function Scenario:set(ref, amount)
  local a = checked(2, C.money, amount)
  local moved = change(self, "set", ref, a, function(ov, set, sel) return ov:set(set, sel, a) end)
  return moved  -- not a tail call: change() counts this frame to find the script's line
end

-- s:add(ref, amount): the total of ref moves by amount (negative to take away).
function Scenario:add(ref, amount)
  local a = checked(2, C.money, amount)
  local moved = change(self, "add", ref, a, function(ov, set, sel) return ov:add(set, sel, a) end)
  return moved  -- not a tail call: change() counts this frame to find the script's line
end

-- s:transfer(from, to, amount): moves amount from one reference to another, both or neither.
function Scenario:transfer(from, to, amount)
  local a = checked(2, C.money, amount)
  local fs, fsel = resolve(self, from, 2)
  local ts, tsel = resolve(self, to, 2)
  local ok, status = self.ov:transfer(fs.index, fsel, ts.index, tsel, a)
  if not ok then
    refuse(self, status, "transfer", { from = describe(from), to = describe(to) }, fs, 2)
  end
  step(self, "transfer", { from = from, to = to }, a, ZERO, 2)
  return a
end

-- The fact sets a hold applies to: every set that has the reference's dimensions.
local function hold_sets(s, ref, level)
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

-- s:hold(ref): later changes leave the cells of ref as they are.
function Scenario:hold(ref)
  local n = 0
  for _, h in ipairs(hold_sets(self, ref, 2)) do n = n + self.ov:hold(h.set.index, h.sel, true) end
  step(self, "hold", ref, nil, ZERO, 2)
  return n
end

-- s:release(ref): the cells of ref take changes again.
function Scenario:release(ref)
  local n = 0
  for _, h in ipairs(hold_sets(self, ref, 2)) do n = n + self.ov:hold(h.set.index, h.sel, false) end
  step(self, "release", ref, nil, ZERO, 2)
  return n
end

-- }==================================================================

-- {==================================================================
-- What changed, and what it breaks
-- ===================================================================

-- A cell's members, by the names a reader knows: '206 07 01 机构运行 / 一般公共预算 / 基本支出'.
function M.cell_label(base, set, cell)
  local parts = {}
  for i, dn in ipairs(set.dims) do
    local info = base.core:info(base.dim_by_name[dn].index, cell[i])
    parts[i] = info.spaced ~= "" and (info.spaced .. " " .. info.name) or info.name
  end
  return table.concat(parts, " / ")
end

-- s:diff(): every changed cell, {set, ref, base, value, delta}, fact sets in model order.
function Scenario:diff()
  local out = {}
  for _, set in ipairs(self.base.sets) do
    for _, c in ipairs(self.ov:cells(set.index, true)) do
      local value = c[#set.dims + 1]
      out[#out + 1] = { set = set.name, ref = M.cell_label(self.base, set, c), base = c.base, value = value,
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

-- s:steps(): the operations in order, each {op, ref, arg, delta, line}.
function Scenario:steps()
  return self.steps
end

-- Where reports go: io.write, or what 'budget run' sets so a failed run prints nothing.
M.write = function(text) io.write(text) end

-- s:report([format]): prints the scenario's totals, changes and violations.
function Scenario:report(fmt)
  local report = require "budget.report"
  M.write(report.scenario(self, fmt or M.format or "table"))
end

-- }==================================================================

return M
