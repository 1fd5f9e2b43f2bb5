-- engine/lua/api.lua
-- The Lua half of the C API (engine/budget.h, engine/lembed.c): each
-- function here is what one budget_* call does. Errors are raised as
-- 'file:line: message' for the C side to keep; a script's failure is returned,
-- with whether a limit stopped it.
-- See LICENSE for copyright and license.

local C = require "budget.c"
local sandbox = require "budget.sandbox"
local scenario = require "budget.scenario"

local M = {}

function M.load(path) return C.load(path) end

function M.load_string(text, name) return C.load_string(text, name) end

-- The total of a reference in a model or a scenario, as a count of fen.
function M.total(m, ref)
  return m:total(ref):fen()
end

-- Runs a script on a model; returns the scenarios it made, or nil, the message and the kind
-- of failure ("script" or "limit").
function M.run(model, src, name, params, opts)
  scenario.order = {}
  local out = {}
  local env = sandbox.env(out, { model = model, params = params }, opts)
  local ok, err, kind = sandbox.run(src, name, env, opts)
  local made = scenario.order
  scenario.order = {}
  if not ok then return nil, err, kind end
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

-- A scenario's report in a format.
function M.report(s, format)
  local report = require "budget.report"
  if not report.FORMATS[format] and format ~= "html" then
    error(string.format("unknown format '%s': expected table, csv, json, md or html", tostring(format)), 0)
  end
  return report.scenario(s, format)
end

-- How many rules the base model breaks ('budget check').
function M.check(model)
  local violations = require("budget.rules").run(model.rules, model)
  return #violations
end

return M
