-- engine/lua/init.lua
-- The Lua half of the 'budget' module: called with the table the C opener
-- made (money, rate, core, width, json), it adds the model API. A model from
-- budget.load belongs to the module's own run context, whose s:report() writes
-- the report to standard output (the commands bind models to runs of their own).
-- See LICENSE for copyright and license.

return function(budget)
  package.loaded["budget.c"] = budget  -- the engine's other modules reach the C types here
  local loader = require "budget.loader"
  local scenario = require "budget.scenario"
  local printing = require("budget.run").new { keep = false, report = function(s, fmt)
    io.write(require("budget.report.html").report(s, fmt or "table"))
  end }
  budget.load = function(...) return printing:bind(loader.load(...)) end
  budget.load_string = function(...) return printing:bind(loader.load_string(...)) end
  budget.merge = scenario.merge
end
