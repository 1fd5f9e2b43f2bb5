-- engine/lua/api.lua
-- The Lua half of the C API (engine/budget.h, engine/api.c): each function
-- here is what one budget_* call does, and returns three values: the result,
-- nil, nil on success; nil, the status (budget.status) and the message on a
-- failure the caller is to be told of. The status comes from where the failure
-- happened (the core's lookup, the sandbox's limit), never from the words.
-- See LICENSE for copyright and license.

local C = require "budget.c"
local sandbox = require "budget.sandbox"
local report = require "budget.report"
local html = require "budget.report.html"
local rules = require "budget.rules"
local run_context = require "budget.run"

local S = C.status

local M = {}

-- A model from a file: ENOTFOUND when it cannot be read, ESCRIPT when it is not a model.
function M.load(path)
  local f = io.open(path, "rb")
  if not f then return nil, S.ENOTFOUND, string.format("%s: cannot read the model: no such file", path) end
  f:close()
  local ok, m = pcall(C.load, path)
  if not ok then return nil, S.ESCRIPT, tostring(m) end
  return m
end

function M.load_string(text, name)
  local ok, m = pcall(C.load_string, text, name)
  if not ok then return nil, S.ESCRIPT, tostring(m) end
  return m
end

-- The total of a reference in a model or a scenario, as a count of fen; a reference that names
-- nothing fails with the status the lookup gave (ENOTFOUND, EAMBIGUOUS).
function M.total(m, ref)
  local set, msg, status = (m.base or m):find_selection(ref)  -- kept: m:total finds it again in the cache
  if not set then return nil, status or S.ESCRIPT, msg end
  return m:total(ref):fen()
end

-- Runs a script on a model: the scenarios it made; a failure is ESCRIPT, or ELIMIT when a
-- limit stopped it.
function M.run(model, src, name, params, opts)
  local ctx = run_context.new()
  local out = {}
  local env = sandbox.env(out, { model = model, params = params, context = ctx }, opts)
  local ok, err, kind = sandbox.run(src, name, env, opts)
  if not ok then return nil, kind == "limit" and S.ELIMIT or S.ESCRIPT, err end
  local made = {}  -- a plain array of its own: what the C side reads raw
  for i, s in ipairs(ctx.made) do made[i] = s end
  return made
end

local SEVERITY_RANK = { error = 1, warning = 2, info = 3 }

-- A scenario's violations as plain values, errors first (as reports list them).
function M.violations(s)
  local list = s:violations()
  local order = {}
  for i, v in ipairs(list) do order[i] = { i = i, v = v } end
  table.sort(order, function(a, b)
    local ra, rb = SEVERITY_RANK[a.v.severity] or 4, SEVERITY_RANK[b.v.severity] or 4
    if ra ~= rb then return ra < rb end
    return a.i < b.i
  end)
  local out = {}
  for k, o in ipairs(order) do
    local v = o.v
    out[k] = { rule = v.rule, severity = v.severity, members = table.concat(v.members, " / "), message = v.message,
               found = v.found:fen(), expected = v.expected:fen(), difference = v.diff:fen() }
  end
  return out
end

-- A scenario's report in a format; EINVAL for a format there is none of.
function M.report(s, format)
  if not report.FORMATS[format] and format ~= "html" then
    return nil, S.EINVAL, string.format("unknown format '%s': expected table, csv, json, md or html", tostring(format))
  end
  return html.report(s, format)
end

-- How many rules the base model breaks ('budget check').
function M.check(model)
  return #rules.run(model.rules, model)
end

return M
