-- tests/layers.lua
-- The layers of ARCHITECTURE.md, checked from the sources: the graph of the C
-- files' #include "..." and the graph of the Lua modules' require "...", each
-- read with a pattern. Fails on a cycle, or on an arrow that points up (a file
-- that uses a layer above its own). Prints what it found either way.
-- usage: lua5.4 tests/layers.lua [ROOT]   (ROOT: the repository, default .)

local root = arg[1] or "."

local function lines_of(cmd)
  local p = assert(io.popen(cmd))
  local out = {}
  for l in p:lines() do out[#out + 1] = l end
  p:close()
  return out
end

local function read(path)
  local f = assert(io.open(root .. "/" .. path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local failures = {}
local function fail(fmt, ...) failures[#failures + 1] = string.format(fmt, ...) end

-- Finds a cycle in graph (node → {node = true}); returns it as a list, or nil.
local function cycle(graph)
  local state, stack = {}, {}
  local found
  local function visit(n)
    state[n] = "open"
    stack[#stack + 1] = n
    local next_nodes = {}
    for m in pairs(graph[n] or {}) do next_nodes[#next_nodes + 1] = m end
    table.sort(next_nodes)
    for _, m in ipairs(next_nodes) do
      if state[m] == "open" then
        local c = {}
        for i = #stack, 1, -1 do
          table.insert(c, 1, stack[i])
          if stack[i] == m then break end
        end
        c[#c + 1] = m
        found = c
        return true
      elseif state[m] == nil and graph[m] and visit(m) then
        return true
      end
    end
    stack[#stack] = nil
    state[n] = "done"
    return false
  end
  local nodes = {}
  for n in pairs(graph) do nodes[#nodes + 1] = n end
  table.sort(nodes)
  for _, n in ipairs(nodes) do
    if state[n] == nil and visit(n) then return found end
  end
end

-- {==================================================================
-- C: engine/core → engine/host → engine/bind → engine/api.c → engine/main.c
-- ===================================================================

-- A file's layer: budget.h is the public contract, which every layer may read (it includes
-- nothing of ours); the core; the host; the binding (and the generated module table); the API;
-- the command.
local C_RANK = { public = 0, core = 1, host = 2, bind = 3, api = 4, main = 5 }
local function c_layer(path)
  if path == "engine/budget.h" then return "public" end
  local dir = path:match("^engine/(%a+)/")
  if dir then return dir end
  if path == "engine/api.c" then return "api" end
  if path == "engine/main.c" then return "main" end
end

-- A module is a .c file with its .h: the graph's nodes are engine/DIR/NAME.
local function c_module(path) return (path:gsub("%.[ch]$", "")) end

local c_files = lines_of("cd " .. root .. " && ls engine/*.[ch] engine/*/*.[ch]")
local c_graph, c_edges = {}, 0
local known = {}
for _, f in ipairs(c_files) do known[f] = true end
for _, f in ipairs(c_files) do
  local from = c_layer(f)
  if not C_RANK[from] then fail("%s: in no layer (engine/core, host, bind, api.c, main.c)", f) end
  local node = c_module(f)
  c_graph[node] = c_graph[node] or {}
  local dir = f:match("^(.*)/")
  for inc in ("\n" .. read(f)):gmatch('\n%s*#%s*include%s+"([^"]+)"') do
    local target
    if known[dir .. "/" .. inc] then target = dir .. "/" .. inc
    elseif known["engine/" .. inc] then target = "engine/" .. inc end
    if target then  -- ours (a library's header is not an arrow between our layers)
      local to = c_layer(target)
      c_edges = c_edges + 1
      if C_RANK[from] and C_RANK[to] and C_RANK[to] > C_RANK[from] then
        fail("%s includes %s: the %s layer may not use the %s layer above it", f, target, from, to)
      end
      if c_module(target) ~= node then c_graph[node][c_module(target)] = true end
    elseif inc:match("^lua") or inc:match("^lauxlib") or inc:match("^lualib") then
      if from == "core" then fail("%s includes %s: the core has no Lua", f, inc) end
    end
  end
end
local cc = cycle(c_graph)
if cc then fail("the C includes have a cycle: %s", table.concat(cc, " → ")) end

-- }==================================================================

-- {==================================================================
-- Lua: domain → report/, import/ → commands
-- ===================================================================

-- A module's layer, from its name. The domain is ordered too, bottom up: each module may require
-- only those before it in DOMAIN.
local DOMAIN = { "budget.classes", "budget.refs", "budget.run", "budget.view", "budget.rules", "budget.model",
                 "budget.loader", "budget.steps", "budget.scenario" }
local DOMAIN_RANK = {}
for i, n in ipairs(DOMAIN) do DOMAIN_RANK[n] = i end
local L_RANK = { c = 0, domain = 1, report = 2, import = 2, command = 3 }
local function l_layer(name)
  if name == "budget.c" or name == "lpeg" then return "c" end
  if DOMAIN_RANK[name] then return "domain" end
  if name == "budget.report" or name:match("^budget%.report%.") then return "report" end
  if name == "budget.import" or name:match("^budget%.import%.") then return "import" end
  return "command"
end

local lua_files = lines_of("cd " .. root .. " && ls engine/lua/*.lua engine/lua/*/*.lua")
local l_graph, l_edges = {}, 0
local names = {}
for _, f in ipairs(lua_files) do
  local n = f:gsub("^engine/lua/", ""):gsub("%.lua$", ""):gsub("(.)/init$", "%1"):gsub("/", ".")
  names[n] = true
  local name = "budget." .. n
  local from = l_layer(name)
  l_graph[name] = l_graph[name] or {}
  local src = read(f):gsub("%-%-[^\n]*", "")  -- comments name modules too
  local reqs = {}
  for req in src:gmatch('require%s*%(?%s*["\']([%w%._]+)["\']') do reqs[#reqs + 1] = req end
  for req in src:gmatch('pcall%(%s*require%s*,%s*["\']([%w%._]+)["\']') do reqs[#reqs + 1] = req end
  for _, req in ipairs(reqs) do
    local to = l_layer(req)
    l_edges = l_edges + 1
    if req ~= name then l_graph[name][req] = true end
    if L_RANK[to] > L_RANK[from] then
      fail("%s requires %s: the %s layer may not use the %s layer above it", f, req, from, to)
    elseif from == "domain" and to == "domain" and DOMAIN_RANK[req] >= DOMAIN_RANK[name] then
      fail("%s requires %s: within the domain, a module requires only those below it (%s)", f, req,
        table.concat(DOMAIN, " < "))
    elseif from ~= "command" and to ~= from and L_RANK[to] == L_RANK[from] then
      fail("%s requires %s: report/ and import/ are side by side and use neither the other", f, req)
    end
  end
end
for _, n in ipairs(DOMAIN) do
  if not names[n:gsub("^budget%.", "")] then fail("the domain module %s is not in engine/lua", n) end
end
local lc = cycle(l_graph)
if lc then fail("the Lua requires have a cycle: %s", table.concat(lc, " → ")) end

-- }==================================================================

print(string.format("layers: %d C files, %d includes of ours; %d Lua modules, %d requires", #c_files, c_edges,
  #lua_files, l_edges))
if #failures > 0 then
  for _, f in ipairs(failures) do io.stderr:write("layers: ", f, "\n") end
  os.exit(1)
end
print("layers: no cycle, no arrow up")
