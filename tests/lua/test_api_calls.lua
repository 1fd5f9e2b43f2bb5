-- tests/lua/test_api_calls.lua
-- No crash from any documented call: every function of the Lua API (the module's functions
-- and the methods of its models, scenarios, cores, overlays, amounts and rates), found by
-- walking the API itself, is called from Lua with valid and invalid arguments: each value of a
-- pool, every pair of them, and a few hundred triples. Each call is in a pcall; what must hold
-- is that the engine neither crashes nor corrupts itself (under ASan and UBSan in 'make check')
-- and still computes the same figure afterwards. Run trusted (every function) and sandboxed
-- (what a script is given). The few that act outside the engine are left out (SKIP).
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"
local S = require "sast"

local MODEL = S.MODEL

-- What may not be called with made-up arguments, and why: each does something outside the
-- engine (writes a file where it is told, runs a program, starts threads over a pointer).
local SKIP = {
  ["budget.write_file"] = "writes the file it is given", ["budget.atomic_open"] = "creates the file it is given",
  ["budget.capture"] = "runs the program it is given", ["budget.batch_start"] = "starts worker threads",
  ["budget.write_totals"] = "writes to the file handle it is given",
}

-- The body both runs share: 'fns' is a list of {name, function, self}.
local CALLER = [==[
local pool = { nil, true, 0, -1, 1.5, math.maxinteger, math.mininteger, 0 / 0, 1e308, "", "x", "206", "5%", "-5%",
  "1e400", ("9"):rep(40), {}, { 1, 2 }, { ["功能分类"] = "206" }, { facts = "nope" },
  setmetatable({}, { __index = function() error("boom") end }), function() return 1 end }
pool[23], pool[24], pool[25], pool[26] = model, model:scenario("probe"), budget.money("1"), budget.rate("1/3")
local npool = 26  -- pool[1] is nil: counted by hand, not with #
local before = model:scenario("before"):cut("206", "5%"):plain()
local calls = 0
local function call(f, self, ...)
  calls = calls + 1
  if self ~= nil then pcall(f, self, ...) else pcall(f, ...) end
end
math.randomseed(20211231)
for _, e in ipairs(fns) do
  local name, f, self = e[1], e[2], e[3]
  call(f, self)
  for i = 1, npool do
    call(f, self, pool[i])
    for j = 1, npool do call(f, self, pool[i], pool[j]) end
  end
  for _ = 1, 100 do call(f, self, pool[math.random(npool)], pool[math.random(npool)], pool[math.random(npool)]) end
end
local after = model:scenario("after"):cut("206", "5%"):plain()
print(string.format("survived %d calls of %d functions; the same cut before and after: %s", calls, #fns,
  tostring(before == after)))
]==]

-- Every function of the module and every method of its types, trusted.
local TRUSTED = [==[
local skip = ...
local fns, seen = {}, {}
local function add(name, f, self)
  if skip[name] or seen[name] then return end
  seen[name] = true
  fns[#fns + 1] = { name, f, self }
end
for k, v in pairs(budget) do if type(v) == "function" then add("budget." .. k, v) end end
local c = require "budget.c"
for k, v in pairs(c) do if type(v) == "function" then add("budget." .. k, v) end end
local s = model:scenario("methods")
for kind, obj in pairs { model = model, scenario = s, core = model.core, overlay = s.ov, money = budget.money("1"),
                         rate = budget.rate("5%") } do
  local mt = debug.getmetatable(obj)
  local index = mt and mt.__index
  while type(index) == "table" do
    for k, v in pairs(index) do if type(v) == "function" then add(kind .. ":" .. k, v, obj) end end
    local up = debug.getmetatable(index)
    index = up and up.__index
  end
end
table.sort(fns, function(a, b) return a[1] < b[1] end)
local names = {}
for _, e in ipairs(fns) do names[#names + 1] = e[1] end
print("functions: " .. table.concat(names, " "))
]==]

-- What a sandboxed script is given: its budget table, and the methods of its model and scenario
-- by the names the trusted run found.
local SANDBOXED = [==[
local fns = {}
for k, v in pairs(budget) do if type(v) == "function" then fns[#fns + 1] = { "budget." .. k, v } end end
local s = model:scenario("methods")
for _, name in ipairs(METHODS) do
  local kind, m = name:match("^(%a+):(.+)$")
  local obj = kind == "model" and model or kind == "scenario" and s or nil
  if obj and obj[m] then fns[#fns + 1] = { name, obj[m], obj } end
end
]==]

local function run(text, ...)
  local path = H.tmpname(".lua")
  H.write(path, text)
  return H.budget("run", path, "--model", MODEL, ...)
end

local function skip_table()
  local t = {}
  for k in pairs(SKIP) do t[#t + 1] = string.format("[%q] = true", k) end
  return "{" .. table.concat(t, ", ") .. "}"
end

local found  -- the names the trusted run found

H.test("every function of the module and every method of its types, called with anything: no crash", function()
  local text = "local fns\ndo\n" .. TRUSTED:gsub("local skip = %.%.%.", "local skip = " .. skip_table())
    .. "\n_G.FNS = fns\nend\nlocal fns = FNS\n" .. CALLER
  local out, status = run(text, "--trusted", "--max-seconds", "600")
  if status ~= 0 and status ~= 1 then error("exit " .. tostring(status) .. "\n" .. out:sub(-3000)) end
  found = out:match("functions: ([^\n]+)")
  assert(found, out:sub(-2000))
  local n = select(2, found:gsub("%S+", ""))
  assert(n >= 100, "only " .. n .. " functions found: " .. found)
  H.has(out, "the same cut before and after: true", "the engine computes the same after the calls")
  print(out:match("survived[^\n]+"))
end)

H.test("what a sandboxed script is given, called with anything: no crash, no escape", function()
  assert(found, "the trusted test ran first")
  local methods = {}
  for name in found:gmatch("%S+") do
    if name:match("^model:") or name:match("^scenario:") then methods[#methods + 1] = string.format("%q", name) end
  end
  local text = "local METHODS = {" .. table.concat(methods, ", ") .. "}\n" .. SANDBOXED .. CALLER
  local out, status = run(text, "--max-seconds", "600", "--max-steps", "9000000000000")
  if status ~= 0 and status ~= 1 then error("exit " .. tostring(status) .. "\n" .. out:sub(-3000)) end
  H.has(out, "the same cut before and after: true", "the engine computes the same after the calls")
  print(out:match("survived[^\n]+"))
end)

H.run()
