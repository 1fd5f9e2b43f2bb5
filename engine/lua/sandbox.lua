-- engine/lua/sandbox.lua
-- Running a scenario script someone else may have written: an environment
-- with no io, os, require, load or debug; budget.load only under allowed
-- directories; and limits on instructions, memory and wall-clock time that
-- stop the script, not the engine. The analyst's own scripts can run trusted.
-- See LICENSE for copyright and license.

local C = require "budget.c"
local loader = require "budget.loader"
local shields = require "budget.shield"

local M = {}

M.DEFAULTS = { max_steps = 100000000, max_memory = 1 << 30, max_seconds = 60 }

-- What every scenario script may use. The base functions are shared (functions cannot be
-- changed); pcall and xpcall cannot catch a limit, setmetatable refuses a finalizer.
local SAFE = {}
for _, k in ipairs { "ipairs", "pairs", "next", "select", "type", "tostring", "tonumber", "error", "assert",
                     "getmetatable", "rawequal", "rawget", "rawset", "rawlen" } do
  SAFE[k] = _G[k]
end
SAFE.pcall, SAFE.xpcall, SAFE.setmetatable = C.guard_pcall, C.guard_xpcall, C.guard_setmetatable

-- The libraries a script may use. Each environment gets its own copy of one (loader.library:
-- bounded, no string.dump) the first time its script names it, so that a script that changes
-- string.format changes only its own.
local LIBS = { string = true, table = true, math = true, utf8 = true }

local SAFE_MT = {
  __index = function(env, k)
    if LIBS[k] then
      local c = loader.library(k)
      rawset(env, k, c)
      return c
    end
    return SAFE[k]
  end,
  __metatable = false,
}
debug.getmetatable("").__metatable = false  -- ("x"):rep still works; the string table behind it is out of reach

-- Is 'path' (resolved) under one of the directories (resolved)?
local function under(path, dirs)
  for _, d in ipairs(dirs) do
    if path == d or path:sub(1, #d + 1) == d .. "/" or d == "/" then return true end
  end
  return false
end

-- What a sandboxed script may use of the module: money, rates and models. Not the host's
-- file writing, threads, memory limit, raw core pointers or path resolution.
local SCRIPT_API = { "allocate", "clock", "fen", "is_money", "json", "merge", "money", "percent", "rate", "version",
                     "width" }

-- The directories of 'allow' resolved, for M.budget_in.
function M.dirs(allow)
  local dirs = {}
  for _, d in ipairs(allow or {}) do
    local r = C.realpath(d)
    if r then dirs[#dirs + 1] = r end
  end
  return dirs
end

-- The 'budget' a sandboxed script sees: SCRIPT_API, and load confined to 'dirs' (resolved, M.dirs),
-- its models bound to the run context 'ctx' when there is one (else they belong to no run) and
-- seen through 'shield' (a new set when nil). A table of its own, with no metatable a script
-- could follow back to the module.
function M.budget_in(dirs, ctx, shield)
  shield = shield or shields.new()
  local function bound(m) return shield(ctx and ctx:bind(m) or m) end
  local api = {}
  for _, k in ipairs(SCRIPT_API) do  -- money, rates and text in and out: nothing to shield
    api[k] = C[k]
  end
  api.merge = shield(C.merge)  -- scenarios in and out
  api.json = function(value, pretty) return C.json(shields.deep_real(value), pretty) end
  api.load = function(path)
    if type(path) ~= "string" then error("budget.load(path): path must be a string", 2) end
    local real = C.realpath(path)
    if not real then error(string.format("%s: cannot read the model: no such file", path), 2) end
    if not under(real, dirs) then
      error(string.format("budget.load: '%s' is outside the directories this script may read (%s); "
        .. "allow its directory with --allow DIR, or run a script you trust with --trusted", path,
        #dirs > 0 and table.concat(dirs, ", ") or "none"), 2)
    end
    return bound(loader.load(path))
  end
  api.load_string = function(text, name)
    if type(text) ~= "string" then error("budget.load_string(text [, name]): text must be a string", 2) end
    if name ~= nil and type(name) ~= "string" then error("budget.load_string(text [, name]): name must be a string", 2) end
    return bound(loader.load_string(text, name))
  end
  return setmetatable(api, { __metatable = false })
end

-- A fresh environment: the safe globals, 'print' into out, and what 'extra' adds. With
-- extra.context (a run context, engine/lua/run.lua), extra.model and whatever the script loads
-- are that run's views, so that the scenarios made from them are the run's.
function M.env(out, extra, opts)
  local trusted = opts and opts.trusted
  local env = setmetatable({}, trusted and { __index = _G } or SAFE_MT)
  env.print = function(...)
    local parts = {}
    for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
    out[#out + 1] = table.concat(parts, "\t") .. "\n"
  end
  local ctx = extra and extra.context
  local shield = trusted and function(v) return v end or shields.new()
  if not trusted then
    env.budget = M.budget_in(opts and opts.dirs or M.dirs(opts and opts.allow), ctx, shield)
  elseif ctx then  -- the module itself, but with its loads bound to the run
    env.budget = setmetatable({
      load = function(...) return ctx:bind(loader.load(...)) end,
      load_string = function(...) return ctx:bind(loader.load_string(...)) end,
    }, { __index = C, __metatable = false })
  end
  for k, v in pairs(extra or {}) do
    if k == "model" and ctx then v = ctx:bind(v) end
    if k == "model" or k == "params" then v = shield(v) end
    if k ~= "context" then env[k] = v end
  end
  return env, shield
end

-- The limits of a run from the command's options.
function M.limits(opts)
  return { steps = opts.max_steps or M.DEFAULTS.max_steps, seconds = opts.max_seconds or M.DEFAULTS.max_seconds,
           memory = opts.max_memory or M.DEFAULTS.max_memory, hints = opts.hints ~= false }
end

-- Runs the text 'src' (named 'name' in messages) in 'env', then after() if given, in the same
-- run: what the engine does with the script's objects afterwards (its report) is charged to the
-- same limits. Returns true, or nil, the message and what stopped it: "script" (an error, a bad
-- script) or "limit" (steps, memory, seconds or an interrupt).
function M.run(src, name, env, opts, after)
  local chunk, err = load(src, "=" .. name, "t", env)
  if not chunk then return nil, err, "script" end
  return M.run_chunk(chunk, name, opts, after)
end

-- The same for a chunk already compiled over its environment.
function M.run_chunk(chunk, name, opts, after)
  opts = opts or {}
  local function body()
    chunk()
    if after then after() end
  end
  if opts.trusted then
    local ok, e = pcall(body)
    if ok then return true end
    return nil, type(e) == "string" and e or tostring(e), "script"
  end
  local ok, e, kind = C.guarded(M.limits(opts), name, body)
  if ok then return true end
  return nil, e, kind
end

return M
