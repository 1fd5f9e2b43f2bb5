-- engine/lua/run.lua
-- A run context: one per call that runs a script (budget run, a batch point,
-- a C API run, a comparison), in place of module state reset by hand. It keeps
-- the scenarios the script made, in order, and what s:report() does in this run
-- (the command decides: gather the text, write it, or nothing). A model is
-- bound to a context by a view of it (ctx:bind), so that the scenarios made
-- from that view belong to the run; the model itself is shared and never changes.
-- See LICENSE for copyright and license.

local M = {}

local Context = {}
Context.__index = Context

-- Which run a view belongs to: kept here, where no script can reach it (a script has the view,
-- and could otherwise change the context's list or its reporter). Weak: a view that is gone
-- takes its entry with it.
local CONTEXT = setmetatable({}, { __mode = "k" })

-- A new context; opts.report(s, format) is what s:report() does (nil: nothing); opts.keep =
-- false keeps no list of the scenarios made (a context that lives long, whose list no one reads).
function M.new(opts)
  opts = opts or {}
  return setmetatable({ made = {}, keep = opts.keep ~= false, report = opts.report }, Context)
end

-- Keeps a scenario made in this run.
function Context:add(s)
  if self.keep then self.made[#self.made + 1] = s end
end

-- The model as this run sees it: every field and method of the model, through a view of its
-- own, so that its scenarios are this run's (M.of). Reads go to the model.
function Context:bind(model)
  if model == nil then return nil end
  local view = setmetatable({}, { __index = model, __metatable = false })
  CONTEXT[view] = self
  return view
end

-- The context a model view belongs to, or nil (a model of no run).
function M.of(view)
  return CONTEXT[view]
end

return M
