-- tests/lua/test_run.lua
-- The run context (engine/lua/run.lua): each run keeps its own scenarios, a
-- script cannot reach or change its run's context through the model it sees,
-- s:report() goes where the command says (nowhere in a batch), and a model's
-- compiled rules and tracked totals are made once per model, whatever view of
-- it a run has. Also what reading the journal survives: a script's finalizers
-- changing the overlay while its steps are read.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"
local S = require "sast"

H.test("the run context is out of a script's reach: model.context is nil, and writing it changes nothing", function()
  local out, status = S.run([[
print("context", tostring(model.context))
model.context = nil
local s = model:scenario("grow")
s:add({["三公经费"] = "公务接待费"}, "2万")  -- breaks 三公经费不增长 (an error)
]])
  H.has(out, "context\tnil", "the view has no context field")
  H.eq(status, 1, "the scenario is still the run's: its error-severity violation sets the exit status")
end)

H.test("two runs in one command keep their own scenarios: compare sees only each script's last", function()
  local a, b = H.tmpname(".lua"), H.tmpname(".lua")
  H.write(a, 'local s = model:scenario("a1") s:cut("206", "1%") local t = model:scenario("a2") t:cut("206", "2%")\n')
  H.write(b, 'local s = model:scenario("b1") s:cut("206", "3%")\n')
  local out, status = H.budget("compare", S.MODEL, a, b)
  H.eq(status == 0 or status == 1, true, "compare runs (1: a scenario breaks a rule, as cuts of 206 do)")
  H.has(out, "A = a2 (", "A is the last scenario of the first script")
  H.has(out, "B = b1 (", "B is the second script's")
  if out:find("= a1 (", 1, true) then error("a scenario that is not the last of its script is compared") end
end)

H.test("a batch point's s:report() writes nothing: the rows alone go to the output", function()
  local script = H.tmpname(".lua")
  H.write(script, [[
local s = model:scenario("p")
s:cut("206", params.rate)
s:report()
budget.emit(s, { rate = params.rate })
]])
  local rows = H.tmpname(".csv")
  local out, status = H.budget("batch", script, "--model", S.MODEL, "--param", "rate=1%:3%:1%", "--jobs", "1",
    "-o", rows)
  H.eq(status, 0, "each point runs; the cuts of 206 are carried, so no rule of severity error breaks")
  if out:find("Scenario:", 1, true) then error("a point's report reached the terminal: " .. out) end
  local text = H.read(rows)
  local n = 0
  for _ in text:gmatch("\n") do n = n + 1 end
  H.eq(n, 4, "a header and three rows")
end)

H.test("a model loaded by a batch script belongs to its point: its scenarios are not kept across points", function()
  local script = H.tmpname(".lua")
  H.write(script, [[
local m = budget.load("models/sast-2021.lua")
local s = m:scenario("q")
s:cut("206", params.rate)
budget.emit(s, { rate = params.rate })
]])
  local out, status = H.budget("batch", script, "--model", S.MODEL, "--param", "rate=1%:4%:1%", "--jobs", "1")
  H.eq(status, 0, "the points run")
  local points = 0
  for _ in out:gmatch("\n%d,") do points = points + 1 end
  H.eq(points, 4, "four rows, one a point")
end)

H.test("reading a step's moves survives finalizers that change the overlay meanwhile", function()
  local out, status = S.run([[
local s = model:scenario("s")
local set, sel = model:selection("206")
local ov = s.ov
for i = 1, 2000 do ov:add(set.index, sel, budget.money("1")) end
local step = ov:mark()
local ok = true
for k = 1, 20 do
  local keep = {}
  for i = 1, 50 do keep[i] = setmetatable({}, { __gc = function()
    for j = 1, 300 do ov:add(set.index, sel, budget.money("1")) end
  end }) end
  keep = nil
  local moves = ov:step_moves(step)
  if moves[set.index][0] ~= budget.money("2000") then ok = false end
end
print("same", tostring(ok))
]], "--trusted")  -- a sandboxed script may not have finalizers (test_sandbox): the analyst's own may
  H.eq(status == 0 or status == 1, true, "the script runs (1: a change of 206 breaks a rule of the model)")
  H.has(out, "same\ttrue", "the step's move is the 2,000 元 it recorded, whatever ran meanwhile")
end)

H.test("a reference table that fails when read again moves nothing: the next step's moves are its own", function()
  local out, status = S.run([[
local s = model:scenario("s")
local ref = {["功能分类"] = "206"}
s:cut(ref, "1%")  -- the reference resolved once, and kept by the table's identity
setmetatable(ref, { __pairs = function() error("no pairs here") end })
print("failed", tostring(not pcall(s.cut, s, ref, "1%")))
local before = s:total()
s:add("221 02", "1")
local last = s:steps()[#s:steps()]
print("move", tostring(last.moves[1].total))
print("change", tostring(s:total() - before))
]])
  H.eq(status == 0 or status == 1, true, "the script runs (1: a change of 206 breaks a rule of the model)")
  local v = S.values(out)
  H.eq(v.failed, "true", "the cut with the failing reference fails")
  H.eq(v.move, v.change, "the last step's move is what it changed")
  H.eq(v.move, "1.00", "adding 1 元 moves the total by 1 元")
end)

H.run()
