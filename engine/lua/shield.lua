-- engine/lua/shield.lua
-- What a sandboxed script holds of the engine's objects: a shield over each
-- table it reaches (the model, its dimensions, sets and rules, a scenario, a
-- result). Reads go through to the object, wrapped in turn; a method called on
-- a shield runs on the object itself, with the shields among its arguments
-- taken off; writes land on the shield, so a script may sort a list it was
-- given, but what it writes is its own: the engine, a later point and the
-- host's API never see it. One shield set per run (M.new), so that two scripts
-- never share one.
-- See LICENSE for copyright and license.

local C = require "budget.c"

local M = {}

-- The object behind every shield of every run: weak, so a shield that is gone takes its entry.
local REAL = setmetatable({}, { __mode = "k" })

-- The object behind v if v is a shield, else v.
local function real(v)
  return REAL[v] or v
end
M.real = real

-- v with every shield in it taken off, as a copy where it held one (budget.json reads tables raw).
function M.deep_real(v, seen)
  if type(v) ~= "table" then return v end
  v = REAL[v] or v
  seen = seen or {}
  if seen[v] then return seen[v] end
  local has = false
  for k, x in next, v do
    if type(x) == "table" and (REAL[x] or next(x) ~= nil) then has = true break end
  end
  if not has then return v end
  local copy = setmetatable({}, getmetatable(v) and {} or nil)  -- an empty table with a metatable is an object
  seen[v] = copy
  for k, x in next, v do copy[k] = M.deep_real(x, seen) end
  return copy
end

-- Every argument with its shield taken off, for a call into the engine.
local function unwrap(...)
  local n = select("#", ...)
  if n == 0 then return end
  if n == 1 then return real((...)) end
  local args = { ... }
  for i = 1, n do args[i] = real(args[i]) end
  return table.unpack(args, 1, n)
end
M.unwrap = unwrap

-- A new set of shields for one run: shield(v) is v's shield (the same one each time), or v itself
-- for what needs none (strings, numbers, the engine's userdata, whose metatables are locked).
function M.new()
  local shields = setmetatable({}, { __mode = "k" })  -- object → its shield, in this run
  local methods = setmetatable({}, { __mode = "k" })  -- engine function → the script's caller of it
  local shield

  local function wrap_results(...)
    local n = select("#", ...)
    if n == 1 then return shield((...)) end
    local out = { ... }
    for i = 1, n do out[i] = shield(out[i]) end
    return table.unpack(out, 1, n)
  end

  -- The function a script calls in place of f: f on the objects, its results shielded.
  local function caller(f)
    local c = methods[f]
    if not c then
      c = C.shield_caller(f, unwrap, wrap_results)  -- a C frame: error levels and step lines skip it
      methods[f] = c
    end
    return c
  end

  local function make(t)
    local p = {}
    local mt = {
      __index = function(_, k) return shield(t[k]) end,
      __len = function(self)
        local n = #t
        while self[n + 1] ~= nil do n = n + 1 end  -- a script's own appends count
        return n
      end,
      __pairs = function(self)
        local key, own = nil, false
        return function()
          if not own then
            repeat key = next(t, key) until key == nil or rawget(self, key) == nil
            if key ~= nil then return key, shield(t[key]) end
            own = true
          end
          local v
          key, v = next(self, key)
          return key, v
        end, self, nil
      end,
      __metatable = false,
    }
    local tmt = debug.getmetatable(t)
    if type(tmt) == "table" then  -- the object's own operators, on the object
      for _, e in ipairs { "__tostring", "__eq", "__lt", "__le", "__concat", "__call" } do
        if tmt[e] then mt[e] = caller(tmt[e]) end
      end
    end
    setmetatable(p, mt)
    REAL[p] = t
    return p
  end

  shield = function(v)
    local kind = type(v)
    if kind == "function" then return caller(v) end
    if kind ~= "table" or REAL[v] then return v end
    local p = shields[v]
    if not p then
      p = make(v)
      shields[v] = p
    end
    return p
  end
  return shield
end

return M
