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

-- A new context; opts.report(s, format) is what s:report() does (nil: nothing).
function M.new(opts)
  opts = opts or {}
  return setmetatable({ made = {}, report = opts.report, format = opts.format, explain = opts.explain }, Context)
end

-- Keeps a scenario made in this run.
function Context:add(s)
  self.made[#self.made + 1] = s
end

-- The model as this run sees it: every field and method of the model, and the context, so that
-- its scenarios are this run's. Reads go to the model; the view itself holds nothing else.
function Context:bind(model)
  if model == nil then return nil end
  return setmetatable({ context = self }, { __index = model, __metatable = false })
end

return M
