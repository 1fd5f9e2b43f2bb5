-- engine/lua/loader.lua
-- Loading a model file: a Lua chunk run in an environment that offers only
-- the model vocabulary (model, units, dimension, facts, scalar, view, rules),
-- then built into the C core, or replayed over a core another state built (a
-- batch worker's). Every error names the file and the line. What it makes is
-- a Model (engine/lua/model.lua).
-- See LICENSE for copyright and license.

local C = require "budget.c"
local model = require "budget.model"
local refs = require "budget.refs"
local rules = require "budget.rules"
local views = require "budget.view"

local M = {}

local Model = model.Model

-- A model file's chunk may run this many Lua instructions, for this many seconds, and take
-- this much memory while it is loaded (engine/host/guard.h); building what it declared may
-- take the memory too. Loaded from a script, the script's own limits hold instead.
local CHUNK_LIMITS = { steps = 50000000, seconds = 60, memory = 2 << 30, what = "model" }
local BUILD_LIMITS = { seconds = 600, memory = 4 << 30, what = "model" }

-- The strings' metatable leads to the engine's own string table: out of a model's reach
-- (the sandbox does the same for scripts), so that ("x"):rep stays the engine's.
debug.getmetatable("").__metatable = false  -- debug: the sandbox may have protected it first

-- A copy of one of the libraries a model or a script may use (string, table, math, utf8): its
-- own, so that changing it changes nothing else; with no string.dump; bounded (engine/bind/lguard.c)
-- as the engine's own state bounds its libraries, also in a stock interpreter that loaded the module.
local bounded = string.dump == nil
function M.library(name)
  local c = {}
  for k, v in pairs(_G[name]) do c[k] = v end
  if name == "string" then c.dump = nil end
  if not bounded and (name == "string" or name == "table") then
    C.bound_libraries(name == "string" and c or {}, name == "table" and c or {})
  end
  return c
end

-- {==================================================================
-- Errors with a place
-- ===================================================================

-- Raises "file:line: message"; the CLI prints it and exits 2.
local function fail(file, line, fmt, ...)
  local msg = select("#", ...) > 0 and string.format(fmt, ...) or fmt
  error(string.format("%s:%s: %s", file, line or "?", msg), 0)
end
M.fail = fail

-- The line of a value in the source: Lua keeps no line for the elements of a table
-- constructor, so a bad cell gets its line by searching for its text. The first line at or
-- after 'from' that holds the value in quotes ("201"), else as plain text, past the lines
-- where the same value was found before (so a value given twice is found twice); 'from'
-- itself if none.
--
-- A search is one string.find from the first byte of its start line (the line of the first match
-- is the first line that holds the text, as no value searched for holds a newline); a text found
-- absent after a line is not looked for there again; and the searches of one load read at most
-- SEARCH_BYTES times the source's bytes, plus SEARCH_FLOOR: a model that makes its values in a
-- loop, where its text has none of them, would otherwise read the rest of the file once a value
-- (7 s for 4,000 members made above 10,000 lines of text, n × lines). Past that, a value's line is
-- 'from': the declaration's, or the row's before.
local SEARCH_BYTES, SEARCH_FLOOR = 16, 1 << 24
local function locator(src)
  local starts = { 1 }  -- the byte each line starts at
  for at in src:gmatch("\n()") do starts[#starts + 1] = at end
  local nlines = #starts
  local last, absent = {}, {}
  local budget = SEARCH_BYTES * #src + SEARCH_FLOOR
  local function line_at(pos)
    local lo, hi = 1, nlines
    while lo < hi do
      local mid = (lo + hi + 1) // 2
      if starts[mid] <= pos then lo = mid else hi = mid - 1 end
    end
    return lo
  end
  local function search(text, start)  -- the first line at or after start that holds text, or nil
    local gone = absent[text]
    if (gone and gone <= start) or budget <= 0 then return nil end
    local first = starts[start]
    local at = src:find(text, first, true)
    budget = budget - ((at or #src + 1) - first + #text)
    if not at then
      absent[text] = start
      return nil
    end
    return line_at(at)
  end
  return function(needle, from)
    if budget <= 0 or type(needle) ~= "string" or needle == "" or needle:find("\n", 1, true) then return from end
    local start = math.max(from, (last[needle] or 0) + 1)
    if start > nlines then return from end
    local line = search('"' .. needle .. '"', start) or search(needle, start)
    if not line then return from end
    last[needle] = line
    return line
  end
end

-- }==================================================================

-- {==================================================================
-- Amounts in a unit
-- ===================================================================

local UNIT_SUFFIX = refs.UNIT_SUFFIX

local amount_in = refs.amount_in

-- }==================================================================

-- {==================================================================
-- The vocabulary a model file sees
-- ===================================================================

-- Returns the environment and the list the declarations go into, in order.
local function vocabulary(file)
  local decls = {}
  local env = {}
  local function line_of(level) return debug.getinfo(level, "l").currentline end
  local function declare(kind)
    return function(name)
      local line = line_of(3)
      if type(name) ~= "string" then
        fail(file, line, "%s needs a name in quotes: %s \"名称\" { ... }", kind, kind)
      end
      return function(spec)
        if type(spec) ~= "table" then fail(file, line, "%s \"%s\" needs a table: { ... }", kind, name) end
        decls[#decls + 1] = { kind = kind, name = name, spec = spec, line = line }
      end
    end
  end
  env.dimension = declare("dimension")
  env.facts = declare("facts")
  env.scalar = declare("scalar")
  env.view = declare("view")
  env.rule = declare("rule")
  function env.model(spec)
    if type(spec) ~= "table" then fail(file, line_of(3), "model needs a table: model { name = ..., ... }") end
    decls[#decls + 1] = { kind = "model", spec = spec, line = line_of(3) }
  end
  function env.units(spec)
    if type(spec) ~= "table" then fail(file, line_of(3), "units needs a table of {name, kind} pairs") end
    decls[#decls + 1] = { kind = "units", spec = spec, line = line_of(3) }
  end
  -- Rule shapes, each one line in a model (see engine/lua/rules.lua).
  for name, make in pairs(rules.shapes) do
    env[name] = function(...)
      local line = line_of(3)
      local ok, r = pcall(make, ...)
      if not ok then fail(file, line, "%s", r) end
      if r.is_rule then decls[#decls + 1] = { kind = "rule", name = r.name, spec = r, line = line } end
      return r
    end
  end
  -- What rule functions may use: no io, os, package, debug, load. No setmetatable either: the
  -- engine reads a model's tables after its chunk has run, outside the instruction limit, so
  -- they must be plain data that runs no code of the model's (__index, __pairs, __gc...). The
  -- libraries are copies: a model that changes string.rep changes only its own.
  for _, k in ipairs { "ipairs", "pairs", "next", "select", "type", "tostring", "tonumber", "error",
                       "assert", "rawequal", "rawget", "rawlen" } do
    env[k] = _G[k]
  end
  env.pcall = C.guard_pcall  -- catches the model's errors, never its limit
  for _, lib in ipairs { "string", "table", "math", "utf8" } do env[lib] = M.library(lib) end
  env.money, env.rate = C.money, C.rate
  return env, decls
end

-- }==================================================================

-- {==================================================================
-- Building the model from the declarations
-- ===================================================================

local CODE = "^%w[%w ]*$"

local function is_code(s)
  return type(s) == "string" and s:find(CODE) ~= nil and s:find("%d") ~= nil
end

-- The path of a data file a model names ('members.csv'), beside the model file: no absolute
-- path and no '..', so a model reads only what lies in its own directory.
local function data_file(file, line, name)
  if type(name) ~= "string" or name == "" or name:find("^/") or name:find("%.%.") then
    fail(file, line, "file = '%s': a file beside the model, as a relative path without '..'", tostring(name))
  end
  local path = (file:match("^(.*)/[^/]*$") or ".") .. "/" .. name
  local f = io.open(path, "rb")
  if not f then fail(file, line, "cannot read %s", path) end
  f:close()
  return path
end
M.data_file = data_file

-- A failed bulk load: at the data file's line, or (line 0: the file as a whole) at the model's.
local function bulk_failed(file, decl_line, path, line, msg)
  if line > 0 then fail(path, line, "%s", msg) end
  fail(file, decl_line, "%s", msg)
end

-- How many members a dimension's entries declare (the tables among them and beneath them), counted
-- before any is built: past LIMITS.inline_members (with the model's other dimensions) the load
-- stops at the declaration, the core untouched. Tables beneath the limit on levels are not
-- counted (adding them fails there), nor past the limit: a table that holds itself ends.
local function inline_members(m, spec, limits, file, line, where)
  local room = limits.inline_members - (m.size and m.size.inline_members or 0)
  local n, entries, depths, top = 0, {}, {}, 0  -- a stack of the entries still to count
  for i = #spec, 1, -1 do top = top + 1; entries[top], depths[top] = spec[i], 0 end
  while top > 0 and n <= room do
    local entry, depth = entries[top], depths[top]
    top = top - 1
    if type(entry) == "table" and depth < limits.depth then
      n = n + 1
      for i = #entry, 2, -1 do
        if type(entry[i]) == "table" then top = top + 1; entries[top], depths[top] = entry[i], depth + 1 end
      end
    end
  end
  m:grow("inline_members", n, file, line, where)
  return n
end

-- Adds one dimension's members; entries are {code, name, children...} or {name, children...},
-- or 'file = "members.csv"' (code,name a line, in preorder) for a big one.
local function build_dimension(m, d, decl, locate, file)
  local core, spec = m.core, decl.spec
  m:grow("dimensions", 1, file, decl.line, string.format("dimension \"%s\"", decl.name))
  local dim = core:dimension(decl.name)
  local info = { name = decl.name, index = dim, levels = spec.levels, attrs = {}, line = decl.line }
  local limits = model.LIMITS
  -- its name heads a view's code and name columns ('功能分类科目编码'), which every row is padded to
  if #decl.name > limits.text then
    fail(file, decl.line, "a dimension's name has %d bytes, more than %d (the limit)", #decl.name, limits.text)
  end
  local where = string.format("dimension \"%s\"", decl.name)
  if spec.file then
    local path = data_file(file, decl.line, spec.file)
    local _, before = core:dim_info(dim)
    local ok, line, msg = core:bulk_members(dim, path, true)
    if not ok then bulk_failed(file, decl.line, path, line, msg) end
    local _, after = core:dim_info(dim)  -- a file's members are within the limits too (its depth: its codes')
    m:grow("members", after - before, file, decl.line, where)
  end
  m:grow("members", inline_members(m, spec, limits, file, decl.line, where), file, decl.line, where)
  local by_code, depth_of, lengths, has_length = {}, {}, {}, {}  -- depth by id: for the limit on levels
  local function add(entry, parent, from)
    if type(entry) ~= "table" then
      fail(file, locate(tostring(entry), from), "a member of %s as {\"code\", \"name\"} or {\"name\"}: got %s",
        decl.name, tostring(entry))
    end
    local code, name, first
    if is_code(entry[1]) and type(entry[2]) == "string" then
      code, name, first = entry[1], entry[2], 3
    else
      name, first = entry[1], 2
    end
    local line = locate(code or name, from)
    if type(name) ~= "string" then fail(file, line, "a member of %s needs a name", decl.name) end
    if #name > limits.text then
      fail(file, line, "a name in %s has %d bytes, more than %d (the limit)", decl.name, #name, limits.text)
    end
    local compact = code and (code:find(" ", 1, true) and code:gsub(" ", "") or code)
    if parent == nil and compact then  -- a flat list: the parent is the longest code this one extends
      for i = #lengths, 1, -1 do  -- tried at the lengths codes have, longest first: a few, not every one
        local k = lengths[i]
        if k < #compact then
          local p = by_code[compact:sub(1, k)]
          if p then parent = p; break end
        end
      end
    end
    local depth = parent and (depth_of[parent] or 0) + 1 or 0
    if depth >= limits.depth then
      fail(file, line, "dimension \"%s\" is more than %d levels deep (the limit) at '%s'", decl.name, limits.depth,
        name)
    end
    local id, err = core:member(dim, parent, code, name)
    if not id then fail(file, line, "%s", err) end
    depth_of[id] = depth
    if compact then
      by_code[compact] = id
      if not has_length[#compact] then  -- kept in order; a few lengths (3, 5 and 7 in 功能分类)
        has_length[#compact] = true
        lengths[#lengths + 1] = #compact
        table.sort(lengths)
      end
    end
    local attrs
    for k, v in pairs(entry) do
      if type(k) == "string" then attrs = attrs or {}; attrs[k] = v end
    end
    info.attrs[id] = attrs
    for i = first, #entry do add(entry[i], id, line) end
    return line
  end
  local from = decl.line
  for i = 1, #spec do from = add(spec[i], nil, from) end
  core:seal(dim)
  m.dims[#m.dims + 1] = info
  m.dim_by_name[decl.name] = info
end

local function build_facts(m, decl, locate, file)
  local spec = decl.spec
  if type(spec.dims) ~= "table" or #spec.dims == 0 then
    fail(file, decl.line, "facts \"%s\" needs dims = {\"dimension\", ...}", decl.name)
  end
  local dims = {}
  for i, dn in ipairs(spec.dims) do
    local d = m.dim_by_name[dn]
    if not d then fail(file, locate(dn, decl.line), "facts \"%s\": unknown dimension '%s'", decl.name, tostring(dn)) end
    dims[i] = d.index
  end
  local unit = spec.unit or "元"
  if not UNIT_SUFFIX[unit] then
    fail(file, decl.line, "facts \"%s\": unit must be 元, 万元 or 亿元, not '%s'", decl.name, tostring(unit))
  end
  local grain, err = amount_in(spec.grain or "0.01元", "元")
  if not grain or grain:fen() <= 0 then
    fail(file, decl.line, "facts \"%s\": grain must be a positive amount such as '1元': %s", decl.name, err or "")
  end
  if #dims > model.LIMITS.set_dims then
    fail(file, decl.line, "facts \"%s\" has %d dimensions, more than %d (the limit for a fact set)", decl.name, #dims,
      model.LIMITS.set_dims)
  end
  m:grow("facts", 1, file, decl.line, string.format("facts \"%s\"", decl.name))
  local ok, index = pcall(m.core.facts, m.core, decl.name, dims, grain)
  if not ok then fail(file, decl.line, "%s", index) end
  local set = { name = decl.name, index = index, dims = spec.dims, unit = unit, grain = grain, line = decl.line }
  local where = string.format("facts \"%s\"", decl.name)
  m:grow("inline_cells", #spec, file, decl.line, where)  -- the rows of the file's own Lua, before they are built
  m:grow("cells", #spec, file, decl.line, where)
  if spec.file then  -- the cells in a CSV file beside the model: members..., amount a line
    if unit ~= "元" then  -- the file's figures are read in C, in 元: never silently 10,000 times too small
      fail(file, decl.line, "facts \"%s\": the cells of a file are read in 元, so unit = \"%s\" cannot apply to "
        .. "them; write the file's amounts in 元 (or with their unit word, as in '12.34万元') and drop the unit",
        decl.name, unit)
    end
    local path = data_file(file, decl.line, spec.file)
    local ok, line, msg
    local before = m.core:count(index)
    if decl.prefetch then
      ok, line, msg = m.core:bulk_prefetched(index, decl.prefetch)
      decl.prefetch = nil
    else
      ok, line, msg = m.core:bulk_cells(index, path, true)
    end
    if not ok then bulk_failed(file, decl.line, path, line, msg) end
    m:grow("cells", m.core:count(index) - before, file, decl.line, where)  -- and its file's, once read
  end
  local from = decl.line
  for r, row in ipairs(spec) do
    if type(row) ~= "table" then fail(file, from, "facts \"%s\" row %d: a table {member..., amount}", decl.name, r) end
    local line = locate(row[1], from)
    if #row ~= #dims + 1 then
      fail(file, line, "facts \"%s\": a cell needs %d members (%s) and an amount, got %d values", decl.name,
        #dims, table.concat(spec.dims, ", "), #row)
    end
    local key = {}
    for i, dn in ipairs(spec.dims) do
      local id, why = m:member_in(dn, row[i])
      if not id then fail(file, line, "%s", why) end
      key[i] = id
    end
    local amount, why = amount_in(row[#row], unit)
    if not amount then fail(file, locate(tostring(row[#row]), line), "%s", why) end
    local cell, e = m.core:put(index, key, amount)
    if not cell then
      if e == "notleaf" then
        for i, dn in ipairs(spec.dims) do
          local info = m.core:info(m.dim_by_name[dn].index, key[i])
          if not info.leaf then
            fail(file, line, "'%s' in %s has members beneath it: a cell goes on a leaf", tostring(row[i]), dn)
          end
        end
      elseif e == "duplicate" then
        fail(file, line, "facts \"%s\": this cell is given twice", decl.name)
      elseif e == "grain" then
        fail(file, line, "facts \"%s\": %s is not a whole number of the grain %s", decl.name, tostring(amount),
          tostring(grain))
      end
      fail(file, line, "facts \"%s\": %s", decl.name, e)
    end
    from = line
  end
  m.sets[#m.sets + 1] = set
  m.set_by_name[decl.name] = set
end

local function build_scalar(m, decl, locate, file)
  local spec = decl.spec
  local v = spec[1]
  local s = { name = decl.name, line = decl.line, unit = spec.unit, note = spec.note }
  if spec.count then
    if math.type(v) ~= "integer" then fail(file, decl.line, "scalar \"%s\": a count is a whole number", decl.name) end
    s.count = v
  else
    local amount, why = amount_in(v, spec.unit or "元")
    if not amount then fail(file, locate(tostring(v), decl.line), "scalar \"%s\": %s", decl.name, why) end
    s.value = amount
  end
  m.scalars[decl.name] = s
  m.scalar_list[#m.scalar_list + 1] = s
end

-- Building over a core another state has built from the same file (a batch worker's): the
-- calls that would add dimensions, members, fact sets and cells find them instead, in the
-- order they were made, so every index comes out as it did the first time.
local function replayer(core)
  local members, cells = {}, {}
  local R = setmetatable({}, { __index = function(_, k)
    local f = core[k]
    return function(_, ...) return f(core, ...) end
  end })
  function R.dimension(_, name)
    local d = core:dim_index(name) or error("the shared model has no dimension '" .. name .. "'", 0)
    members[d] = 0
    return d
  end
  function R.member(_, dim, _, _, name)
    local id = members[dim]
    members[dim] = id + 1
    local _, count = core:dim_info(dim)
    if id >= count then error("the shared model has fewer members than the file names: " .. name, 0) end
    return id
  end
  function R.seal() end
  function R.bulk_members(_, dim)
    local _, count = core:dim_info(dim)
    members[dim] = count
    return true
  end
  function R.bulk_cells(_, set)
    cells[set] = core:count(set)
    return true
  end
  function R.facts(_, name)
    local f = core:facts_index(name) or error("the shared model has no fact set '" .. name .. "'", 0)
    cells[f] = 0
    return f
  end
  function R.put(_, set)
    local c = cells[set]
    cells[set] = c + 1
    return c
  end
  function R.finish()  -- every member and cell accounted for, or the file is not the one the core came from
    for d, n in pairs(members) do
      local name, count = core:dim_info(d)
      if n ~= count then error("the shared model's dimension " .. name .. " differs from the file", 0) end
    end
    for f, n in pairs(cells) do
      if n ~= core:count(f) then error("the shared model's fact sets differ from the file", 0) end
    end
  end
  return R
end

-- A link between two descriptions of the same money (rules.lua's link and part_of): into the
-- core, once its fact sets are built, and m.links; its rule compares at the coarser grain.
local function build_link(m, d, file, shared)
  local spec = d.spec.link
  local sides = {}
  for i, ref in ipairs { spec.a, spec.b } do
    local set, sel = m:find_selection(ref)
    if not set then fail(file, d.line, "%s \"%s\": %s", spec.kind == "equal" and "link" or "part_of", d.name, sel) end
    local ids = {}
    for k = 1, #set.dims do ids[k] = sel[k] end
    sides[i] = { set = set, sel = ids }
  end
  local a, b = sides[1], sides[2]
  if not shared then
    local index, why = m.core:link(spec.kind, a.set.index, a.sel, b.set.index, b.sel)
    if not index then
      fail(file, d.line, "%s \"%s\": %s and %s cannot be linked: %s", spec.kind == "equal" and "link" or "part_of",
        d.name, refs.describe(spec.a), refs.describe(spec.b), why)
    end
  end
  local coarse = a.set.grain > b.set.grain and a.set.grain or b.set.grain
  if a.set.grain ~= b.set.grain and not d.spec.linear.grain then d.spec.linear.grain = coarse end
  m.links[#m.links + 1] = { name = d.name, kind = spec.kind, a = a, b = b, rule = d.spec, line = d.line }
end

-- Runs a model chunk in its sandbox and builds the model. 'name' is the file for messages;
-- 'shared', when given, is a core built from the same file by another state.
local function build_model(src, file, shared)
  local env, decls = vocabulary(file)
  local chunk, err = load(src, "=" .. file, "t", env)
  if not chunk then error(err, 0) end
  local ok, e = C.guarded(CHUNK_LIMITS, file, chunk)
  if not ok then
    if not e:find("^" .. file:gsub("%p", "%%%0") .. ":") then e = file .. ": " .. e end
    error(e, 0)
  end
  local m = setmetatable({
    file = file, src = src, core = shared and replayer(shared) or C.core(), info = {}, units = {},
    dims = {}, dim_by_name = {}, sets = {}, set_by_name = {}, scalars = {}, scalar_list = {},
    views = {}, view_by_name = {}, rules = {}, refcache = {}, selcache = setmetatable({}, { __mode = "k" }),
  }, Model)
  local locate = locator(src)
  if not shared then  -- cells files start being read now, while the dimensions load
    for _, d in ipairs(decls) do
      if d.kind == "facts" and type(d.spec.file) == "string" and type(d.spec.dims) == "table" then
        local ok, path = pcall(data_file, file, d.line, d.spec.file)
        if ok then d.prefetch = C.prefetch_cells(path, #d.spec.dims + 1) end
      end
    end
  end
  for _, d in ipairs(decls) do
    if d.kind == "model" then
      for k, v in pairs(d.spec) do m.info[k] = v end
    elseif d.kind == "units" then
      for i, u in ipairs(d.spec) do
        if type(u) ~= "table" or type(u[1]) ~= "string" then
          fail(file, locate(tostring(u), d.line), "units: entry %d needs {\"name\", \"kind\"}", i)
        end
        m.units[#m.units + 1] = { name = u[1], kind = u[2] }
      end
    elseif d.kind == "dimension" then
      if m.dim_by_name[d.name] then fail(file, d.line, "dimension '%s' is defined twice", d.name) end
      build_dimension(m, #m.dims, d, locate, file)
    elseif d.kind == "facts" then
      if m.set_by_name[d.name] then fail(file, d.line, "facts '%s' is defined twice", d.name) end
      build_facts(m, d, locate, file)
    elseif d.kind == "scalar" then
      if m.scalars[d.name] then fail(file, d.line, "scalar '%s' is defined twice", d.name) end
      build_scalar(m, d, locate, file)
    elseif d.kind == "view" then
      if m.view_by_name[d.name] then fail(file, d.line, "view '%s' is defined twice", d.name) end
      local v = views.define(m, d, src, file)
      m.views[#m.views + 1] = v
      m.view_by_name[d.name] = v
    end
  end
  if shared then  -- built: from here on the model reads the shared core itself
    m.core.finish()
    m.core = shared
  end
  m.main = m.info.main and m.set_by_name[m.info.main] or m.sets[1]
  if m.info.main and not m.set_by_name[m.info.main] then
    fail(file, decls[1] and decls[1].line, "model: main = '%s' is not a fact set", m.info.main)
  end
  m.links = {}
  for _, d in ipairs(decls) do  -- rules last: they may name any view, scalar or member
    if d.kind == "rule" then
      for _, r in ipairs(rules.define(m, d, file)) do m.rules[#m.rules + 1] = r end
      if d.spec.link then build_link(m, d, file, shared) end
    end
  end
  m.core:loaded()  -- a base model never changes: a script that reaches its core cannot either
  return m
end

-- build_model under BUILD_LIMITS (or the script's, when a script loads it).
local function build(src, file, shared)
  local ok, m = C.guarded(BUILD_LIMITS, file, build_model, src, file, shared)
  if not ok then error(m, 0) end
  return m
end

-- budget.load(path [, {core = shared}]): the model in that file. Raises 'file:line: message'
-- for a bad one. With a shared core (batch workers), the cells are not built again.
function M.load(path, opts)
  if type(path) ~= "string" then error("budget.load(path): path must be a string", 2) end
  local f, err = io.open(path, "rb")
  if not f then error(string.format("%s: cannot read the model: %s", path, err:gsub("^.-: ", "")), 0) end
  local src = f:read("a")
  f:close()
  return build(src, path, opts and opts.core)
end

-- budget.load_string(text [, name]): a model from text, named 'name' in messages.
function M.load_string(src, name)
  if type(src) ~= "string" then error("budget.load_string(text [, name]): text must be a string", 2) end
  if name ~= nil and type(name) ~= "string" then error("budget.load_string(text [, name]): name must be a string", 2) end
  return build(src, name or "(model)")
end

-- }==================================================================

return M
