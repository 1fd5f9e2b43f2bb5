-- engine/lua/init.lua
-- The Lua half of the 'budget' module: called with the table the C opener
-- made (money, rate, core, width, json), it adds the model API.
-- See LICENSE for copyright and license.

return function(budget)
  package.loaded["budget.c"] = budget  -- the engine's other modules reach the C types here
  local model = require "budget.model"
  budget.load = model.load
  budget.load_string = model.load_string
  budget.merge = require("budget.scenario").merge
end
