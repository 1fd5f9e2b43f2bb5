-- engine/lua/plan.lua
-- Batch plans: a batch script of the common sweep shape, recognised from its
-- text and compiled once a worker into core operations that engine/host/plan.c
-- runs point after point with no Lua. The shape is a fixed sequence:
--
--   local s = model:scenario(NAME [, {carry = BOOL}])
--   s:cut(REF, ARG [, {carry = BOOL}])     -- and scale, set, add; s:transfer(REF, REF, ARG [, opts])
--   s:hold(REF)                            -- and release
--   budget.emit(s [, {key = s:total(REF), ...}])
--
-- where REF is a string literal, ARG a literal or params.NAME, NAME any concatenation of those.
-- Anything else (a branch, a loop, a local, a second scenario, a call the list does not name) is not
-- a plan, and the batch runs the script as it is. A plan never changes an output byte: what it cannot
-- answer alone it leaves to the script, point by point (engine/host/plan.h).
-- See LICENSE for copyright and license.

local lpeg = require "lpeg"
local C = require "budget.c"
local rules = require "budget.rules"
local scenario = require "budget.scenario"

local P, R, S, V = lpeg.P, lpeg.R, lpeg.S, lpeg.V
local Cc, Cg, Cb, Cmt, Ct, Cp = lpeg.Cc, lpeg.Cg, lpeg.Cb, lpeg.Cmt, lpeg.Ct, lpeg.Cp

local M = {}

-- {==================================================================
-- The shape, as a grammar over the script's text
-- ===================================================================

local KEYWORDS = {}
for k in ([[and break do else elseif end false for function goto if in local nil not or repeat return then
            true until while]]):gmatch("%a+") do KEYWORDS[k] = true end

local equals = P"="^0
local long_open = "[" * Cg(equals, "init") * "["
local long_close = "]" * lpeg.C(equals) * "]"
local long_end = Cmt(long_close * Cb("init"), function(_, _, a, b) return a == b end)
local long_bracket = long_open * (P(1) - long_end)^0 * long_end
local comment = "--" * (long_bracket + (1 - P"\n")^0)
local sp = (S" \t\r\n\f\v" + comment)^0

local word_char = R("az", "AZ", "09", "__")
local name = Cmt(lpeg.C(R("az", "AZ", "__") * word_char^0), function(_, _, n) return not KEYWORDS[n], n end)
local function kw(w) return P(w) * -word_char end
local function tok(p) return sp * p end

-- A string literal, its value as Lua reads it (the text is only a literal: load can do nothing else).
local short = P'"' * (P"\\" * P(1) + (1 - S'"\\\n'))^0 * P'"' + P"'" * (P"\\" * P(1) + (1 - S"'\\\n"))^0 * P"'"
local function literal(text)
  local f = load("return " .. text, "=literal", "t", {})
  local ok, v = pcall(f)
  if ok then return v end
end
local string_lit = lpeg.C(short + long_bracket) / literal
local number = lpeg.C((R"09"^1 * ("." * R"09"^0)^-1 + "." * R"09"^1) * (S"eE" * S"+-"^-1 * R"09"^1)^-1) / literal
local boolean = kw"true" * Cc(true) + kw"false" * Cc(false)

local function node(tag) return function(...) return { tag = tag, ... } end end

local G = P{ "chunk",
  chunk = Ct((tok(V"stat") * (tok";")^0)^0) * sp * -1,
  param = kw"params" * (tok"." * tok(name) + tok"[" * tok(string_lit) * tok"]") / node"param",
  lit = (string_lit + number) / node"lit",
  arg = V"param" + V"lit",
  concat = Ct(tok(V"arg") * (tok".." * tok(V"arg"))^0),
  opts = tok"{" * (tok(kw"carry") * tok"=" * tok(boolean) * (tok",")^-1 + Cc(nil)) * tok"}",
  stat = V"scenario" + V"op" + V"emit",
  scenario = kw"local" * tok(name) * tok"=" * tok(kw"model") * tok":" * tok(kw"scenario") * tok"(" * V"concat" *
    (tok"," * V"opts" + Cc(nil)) * tok")" / node"scenario",
  op = tok(name) * tok":" * tok(name) * tok"(" * Ct((tok(V"arg") * (tok"," * tok(V"arg"))^0)^-1) *
    (tok"," * V"opts" / function(c) return { carry = c } end + Cc(nil)) * tok")" / node"op",
  column = (tok(name) + tok"[" * tok(string_lit) * tok"]") * tok"=" * tok(name) * tok":" * tok(kw"total") * tok"(" *
    (tok(string_lit) + Cc(nil)) * tok")" / node"column",
  columns = tok"{" * Ct((V"column" * (tok(S",;") * V"column")^0 * (tok(S",;"))^-1)^-1) * tok"}",
  emit = kw"budget" * tok"." * tok(kw"emit") * tok"(" * tok(name) * (tok"," * V"columns" + Cc(nil)) * tok")" /
    node"emit",
}

-- The script's statements if its text has the shape, else nil.
function M.parse(src)
  local ok, stats = pcall(lpeg.match, G, src)
  if ok then return stats end
end

-- }==================================================================

-- {==================================================================
-- Compiling: the statements, against a model and the batch's parameters
-- ===================================================================

local OPS = { cut = "scale", scale = "scale", set = "set", add = "add", transfer = "transfer", hold = "hold",
              release = "release" }
local ARITY = { cut = 1, scale = 1, set = 1, add = 1, transfer = 2, hold = 1, release = 1 }  -- references

local function fail() error("not a plan", 0) end

-- {set =, sel =} of a reference (nil: the main fact set, all of it), as plan.c reads a target.
local function target(base, ref)
  local set, sel = base:selection(ref)
  local ids = {}
  for i = 1, #set.dims do ids[i] = sel[i] end
  return { set = set.index, sel = ids }, set
end

-- Each value of a list as an operation reads it, or false where the script would raise for it.
local function values_of(op, ref, list, grains)
  local out = {}
  for i, v in ipairs(list) do
    local ok, a = pcall(scenario.argument, op, ref, v)
    if ok and grains then  -- a transfer: a whole number of each side's grain, or the script says which
      for _, g in ipairs(grains) do if a:fen() % g:fen() ~= 0 then ok = false end end
    end
    out[i] = ok and a or false
  end
  return out
end

-- The plan's table for budget.batch_plan, or raises "not a plan". 'lists' are the parameters' values.
local function compile(stats, base, names, lists, format, header_of)
  local position = {}
  for i, n in ipairs(names) do position[n] = i end
  local first = stats[1]
  if not first or first.tag ~= "scenario" or #stats < 2 or stats[#stats].tag ~= "emit" then fail() end
  local var, default_carry = first[1], first[3] ~= false
  if var == "params" or var == "budget" then fail() end  -- the local would hide what the shape reads
  for _, a in ipairs(first[2]) do if a.tag == "param" and not position[a[1]] then fail() end end
  local trial = base:scenario("plan")  -- each operation tried once on the base: what it checks of its references
  local ops = {}
  for i = 2, #stats - 1 do
    local st = stats[i]
    local method, args, opts = st[2], st[3], st[4]
    if st.tag ~= "op" or st[1] ~= var or not OPS[method] then fail() end
    local nrefs = ARITY[method]
    local hold = method == "hold" or method == "release"
    if #args ~= nrefs + (hold and 0 or 1) or (hold and opts) then fail() end
    local refs = {}
    for k = 1, nrefs do
      if args[k].tag ~= "lit" or type(args[k][1]) ~= "string" then fail() end
      refs[k] = args[k][1]
    end
    local carry = default_carry
    if opts and opts.carry ~= nil then carry = opts.carry end
    local op = { kind = OPS[method], carry = carry, targets = {} }
    local arg = args[nrefs + 1]
    local try_arg
    if hold then
      for _, h in ipairs(scenario.hold_targets(trial, refs[1])) do
        local ids = {}
        for d = 1, #h.set.dims do ids[d] = h.sel[d] end
        op.targets[#op.targets + 1] = { set = h.set.index, sel = ids }
      end
    else
      local sets = {}
      for k = 1, nrefs do op.targets[k], sets[k] = target(base, refs[k]) end
      local grains = method == "transfer" and { sets[1].grain, sets[2].grain } or nil
      if arg.tag == "param" then
        local p = position[arg[1]]
        if not p then fail() end
        op.param = p
        op.values = values_of(method, refs[1], lists[p], grains)
        for j, v in ipairs(lists[p]) do  -- the first value the script takes, for the trial below
          if op.values[j] then try_arg = v break end
        end
      else
        local vals = values_of(method, refs[1], { arg[1] }, grains)
        if not vals[1] then fail() end  -- every point would raise: the script says so
        op.value, try_arg = vals[1], arg[1]
      end
    end
    -- what the method checks of its references (the cells they name, whether a transfer has a meaning)
    local topts = { carry = carry }
    local ok
    if hold then ok = pcall(trial[method], trial, refs[1])
    elseif method == "transfer" then ok = try_arg == nil or pcall(trial.transfer, trial, refs[1], refs[2], try_arg, topts)
    else ok = try_arg == nil or pcall(trial[method], trial, refs[1], try_arg, topts) end
    if not ok then fail() end
    ops[#ops + 1] = op
  end
  local emit = stats[#stats]
  if emit[1] ~= var then fail() end
  local columns, by_key = {}, {}
  for _, c in ipairs(emit[2] or {}) do
    if c[2] ~= var then fail() end
    local key = c[1]
    if type(key) ~= "string" then fail() end
    local t = target(base, c[3])
    if not by_key[key] then columns[#columns + 1] = { key = key } end
    by_key[key] = t  -- a key given twice: the last, as the table constructor has it
  end
  table.sort(columns, function(a, b) return a.key < b.key end)
  local keys = {}
  for i, c in ipairs(columns) do c.set, c.sel, keys[i] = by_key[c.key].set, by_key[c.key].sel, c.key end
  -- the rules: the compiled checks, and no rule only Lua can judge but the one plan.c asks the core
  local compiled = rules.compile(base, scenario.SCENARIO_KINDS)
  local severity, nonnegative, nchecks = {}, false, 0
  for i, r in ipairs(base.rules) do
    if compiled.index[i] then
      severity[compiled.index[i]] = r.severity
      nchecks = math.max(nchecks, compiled.index[i])
    end
  end
  for _, entry in ipairs(compiled.list) do
    if entry.check == nil then
      if entry.rule.nonnegative then nonnegative = true else fail() end
    end
  end
  for k = 1, nchecks do if not severity[k] then fail() end end
  return { core = base.core, format = format, header = format == "csv" and header_of(names, keys) or "",
           names = names, ops = ops, columns = columns, total = (target(base, nil)), checks = compiled.plan,
           severity = severity, nonnegative = nonnegative }
end

-- A plan of the script for a worker's model (budget.batch_plan), or nil when the script has not the shape.
-- header_of(names, keys) gives the CSV header the script's rows would have.
function M.compile(src, base, names, lists, format, header_of)
  local stats = M.parse(src)
  if not stats then return nil end
  local ok, spec = pcall(compile, stats, base, names, lists, format, header_of)
  if not ok then return nil end
  return C.batch_plan(spec)
end

-- }==================================================================

return M
