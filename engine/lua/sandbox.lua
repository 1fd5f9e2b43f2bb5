-- engine/lua/sandbox.lua
-- Running a scenario script someone else may have written: an environment
-- with no io, os, require, load or debug; budget.load only under allowed
-- directories; and limits on instructions, memory and wall-clock time that
-- stop the script, not the engine. The analyst's own scripts can run trusted.
-- See LICENSE for copyright and license.

local C = require "budget.c"
local loader = require "budget.loader"

local M = {}

M.DEFAULTS = { max_steps = 100000000, max_memory = 1 << 30, max_seconds = 60 }

local HOOK_EVERY = 1000  -- instructions between two looks at the limits

-- What every scenario script may use; read through __index, so each script's globals are its own.
-- The libraries are copies, so a script that changes string.format changes only its own; the
-- metatables a script could reach (strings', the engine's types') are protected.
local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end
local SAFE = {}
for _, k in ipairs { "ipairs", "pairs", "next", "select", "type", "tostring", "tonumber", "error", "assert",
                     "pcall", "xpcall", "setmetatable", "getmetatable", "rawequal", "rawget", "rawset", "rawlen" } do
  SAFE[k] = _G[k]
end
SAFE.string, SAFE.table, SAFE.math, SAFE.utf8 = copy(string), copy(table), copy(math), copy(utf8)
M.SAFE_MT = { __index = SAFE, __metatable = false }
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

-- The 'budget' a sandboxed script sees: SCRIPT_API, and load confined to 'allow'.
function M.budget_for(allow, ctx)
  return M.budget_in(M.dirs(allow), ctx)
end

-- The same over directories already resolved (M.dirs), its models bound to the run context
-- 'ctx' when there is one (else they belong to no run). A table of its own, with no metatable
-- a script could follow back to the module.
function M.budget_in(dirs, ctx)
  local function bound(m) return ctx and ctx:bind(m) or m end
  local api = {}
  for _, k in ipairs(SCRIPT_API) do api[k] = C[k] end
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
  api.load_string = function(text, name) return bound(loader.load_string(text, name)) end
  return setmetatable(api, { __metatable = false })
end

-- A fresh environment: the safe globals, 'print' into out, and what 'extra' adds. With
-- extra.context (a run context, engine/lua/run.lua), extra.model and whatever the script loads
-- are that run's views, so that the scenarios made from them are the run's.
function M.env(out, extra, opts)
  local env = setmetatable({}, (opts and opts.trusted) and { __index = _G } or M.SAFE_MT)
  env.print = function(...)
    local parts = {}
    for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
    out[#out + 1] = table.concat(parts, "\t") .. "\n"
  end
  local ctx = extra and extra.context
  if not (opts and opts.trusted) then
    env.budget = M.budget_for(opts and opts.allow, ctx)
  elseif ctx then  -- the module itself, but with its loads bound to the run
    env.budget = setmetatable({
      load = function(...) return ctx:bind(loader.load(...)) end,
      load_string = function(...) return ctx:bind(loader.load_string(...)) end,
    }, { __index = C, __metatable = false })
  end
  for k, v in pairs(extra or {}) do
    if k == "model" and ctx then v = ctx:bind(v) end
    if k ~= "context" then env[k] = v end
  end
  return env
end

-- Runs the text 'src' (named 'name' in messages) in 'env'. Returns true, or nil, the message
-- and what stopped it: "script" (an error, a bad script) or "limit" (steps, memory or seconds).
function M.run(src, name, env, opts)
  opts = opts or {}
  local chunk, err = load(src, "=" .. name, "t", env)
  if not chunk then return nil, err, "script" end
  local co = coroutine.create(chunk)
  local limit_hit = nil
  if not opts.trusted then
    local max_steps = opts.max_steps or M.DEFAULTS.max_steps
    local max_seconds = opts.max_seconds or M.DEFAULTS.max_seconds
    local steps, started = 0, C.clock()
    debug.sethook(co, function()
      steps = steps + HOOK_EVERY
      local why
      if steps > max_steps then
        why = string.format("the script ran past its limit of %d steps (Lua instructions); raise it with --max-steps",
          max_steps)
      elseif C.clock() - started > max_seconds then
        why = string.format("the script ran past its limit of %g seconds; raise it with --max-seconds", max_seconds)
      end
      if why then
        local at = debug.getinfo(2, "Sl")
        limit_hit = why
        error(string.format("%s:%s: %s", name, at and at.source == "=" .. name and at.currentline or "?", why), 0)
      end
    end, "", HOOK_EVERY)
    C.memory_budget(opts.max_memory or M.DEFAULTS.max_memory)
  end
  local ok, e = coroutine.resume(co)
  local memory_hit = not opts.trusted and C.memory_hit()
  if not opts.trusted then C.memory_budget(nil) end
  if ok then
    if coroutine.status(co) ~= "dead" then return nil, name .. ": the script yielded, which scripts may not do", "script" end
    return true
  end
  if memory_hit then
    collectgarbage()
    return nil, string.format("%s: the script ran past its limit of %d bytes of memory; raise it with --max-memory",
      name, opts.max_memory or M.DEFAULTS.max_memory), "limit"
  end
  if limit_hit then return nil, type(e) == "string" and e or limit_hit, "limit" end
  e = type(e) == "string" and e or tostring(e)
  return nil, e, "script"
end

return M
