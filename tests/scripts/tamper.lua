-- tests/scripts/tamper.lua
-- Run by tests/lua/test_compare.lua and tests/lua/test_batch.lua: a script that tries everything
-- it can reach to change what the next script, the next batch point or the host sees: its
-- libraries, its budget table, the model's rules, caches, dimensions and links. With params.p,
-- an odd point tampers and an even one is the victim (tests/scripts/victim.lua's scenario);
-- without, it always tampers. Each try is in a pcall: what is refused is refused, and the
-- rest must stay its own.

local function try(f) pcall(f) end
local victim = params and params.p and tonumber(params.p) % 2 == 0

if not victim then
  try(function() string.format = function() return "tampered" end end)
  try(function() string.rep = nil end)
  try(function() rawset(string, "upper", nil) end)
  try(function() table.insert = nil table.concat = nil end)
  try(function() math.floor = function() return 0 end end)
  try(function() utf8.char = nil end)
  try(function() budget.money = function() return budget.fen(0) end end)
  try(function() budget.emit_saved = budget.emit budget.emit = nil end)
  try(function() budget.rate = nil end)
  try(function() model.rules = {} end)
  try(function() for i = #model.rules, 1, -1 do table.remove(model.rules, i) end end)
  try(function() model.selcache["206"] = model.selcache["221"] end)
  try(function() for k in pairs(model.selcache) do model.selcache[k] = false end end)
  try(function() for k in pairs(model.refcache) do model.refcache[k] = 0 end end)
  try(function() model.dim_by_name["功能分类"].index = 5 end)
  try(function() model.sets[1].name = "tampered" end)
  try(function() model.set_by_name["支出"] = nil end)
  try(function() model.links[1] = nil end)
  try(function() model.main = nil end)
  try(function() getmetatable("").__index.format = nil end)
  try(function() ("x").format = nil end)
  local s = model:scenario("tamper")
  s:cut("221", "50%")
  try(function() s.base.rules = {} end)
  try(function() s.base.selcache["206"] = nil end)
  local emit = budget.emit or budget.emit_saved
  if emit then emit(s, { role = "tamper", sci = s:total("206"), upper = ("abc"):upper(), rows = #model.rules }) end
else
  local s = model:scenario(string.format("victim %s", params.p))
  s:cut("206", string.format("%d%%", 5))
  s:hold({ ["经济分类"] = "301" })
  budget.emit(s, { role = "victim", sci = s:total("206"), upper = ("abc"):upper(), rows = #model.rules })
end
