-- engine/lua/model.lua
-- The Model object: a loaded model's dimensions, fact sets, views and rules
-- over its C core, and the questions asked of it: references resolved to
-- members and selections, totals, scalars, members, cells. It never changes
-- once loaded (engine/lua/loader.lua makes it); scenarios are overlays on it.
-- See LICENSE for copyright and license.

local C = require "budget.c"
local refs = require "budget.refs"

local M = {}

local Model = {}
Model.__index = Model
Model.__metatable = false  -- scripts may not reach the class through getmetatable
M.Model = Model

-- {==================================================================
-- Limits: how much one model may hold
-- ===================================================================

-- A model file is a program, and a few of its lines can declare millions of members. These bound
-- what one model may hold, so that loading it, 'budget check' and 'budget show' end in seconds and
-- in bounded memory: each takes time in proportion to what the model holds (tests/lua/
-- test_limits.lua counts it). Every figure is far above real documents: the eleven published
-- budgets of ../shared/data/docs import to at most 121 members, 79 cells, 56 rules, 365 cells in
-- one table, names of 48 bytes and 3 levels; a department's own books have a few thousand
-- members; bench/gen's million-leaf benchmark model (which must load) has 1,111,115 members in
-- 4 levels and 1,000,000 cells. Past a limit the load stops at the declaration's line (exit 2).
M.LIMITS = {
  -- Members of all dimensions together, from the model's Lua and from CSV files: 3.6 times the
  -- benchmark's 1,111,115 (which load from CSV in 0.45 s and 240 MB).
  members = 4000000,
  -- Cells of all fact sets together, likewise: 4 times the benchmark's 1,000,000.
  cells = 4000000,
  -- Members and cells written in the model file's own Lua (its tables, or made by its loops): a
  -- table row costs about 5 µs and 400 bytes to run and build where a CSV line costs 0.4 µs and
  -- 140 bytes, so more belong in a CSV file beside the model (file = "members.csv"). 250,000 of
  -- each load in 2 s and 190 MB; the 4,000,000 members a loop of two lines writes took 24 s and
  -- 1.6 GB to build.
  inline_members = 250000,
  inline_cells = 250000,
  -- Rules: a published budget has 30 to 60 (a table's own sums, the tables against each other);
  -- 'check' runs every one, and a rule's total may read every cell of its fact set.
  rules = 10000,
  -- Views: a published budget has 8 to 12 tables; 'show' prints 10,000 empty ones in 0.5 s.
  views = 10000,
  -- Rows of one view (its members to its depth with its total row, its listed rows, or its stated
  -- rows if more): a published table has at most a few hundred; 'show' prints 100,000 in 2 s and
  -- 220 MB (a row costs more than a figure: its code, name and indent).
  view_rows = 100000,
  -- Columns of one view, and the columns its columns sum (a 合计 sums all the others) together:
  -- a published table has at most 9; their work is in their square, read again each stated row.
  view_columns = 1000,
  -- Cells of one view, its rows and its header × its columns: 'show' prints each and 'check'
  -- compares each. A million print in 1 to 3 s and 120 to 320 MB (fewer columns, more rows: more);
  -- the 10,000 × 10,000 view a 0.7 KB file can declare is a hundred times that.
  view_cells = 1000000,
  -- Cells of all views together: two views of the largest size.
  views_cells = 2000000,
  -- Levels of one dimension: as deep as a code can go (32 characters, a level each), where the
  -- classifications have 2 to 4; 'show' indents a row two columns a level.
  depth = 32,
  -- Dimensions and fact sets of a model, and dimensions of one fact set: the core's own
  -- (MODEL_MAX_DIMS, MODEL_MAX_FACTS in engine/core/model.h, FACTS_MAX_DIMS in facts.h), which it
  -- holds in arrays of that size; said here to name them in a message with the line.
  dimensions = 64,
  facts = 64,
  set_dims = 8,
  -- Bytes of one name or label (a member's name; a view's row label, column label, stated code,
  -- name or figure): nfkc.h's NFKC_MAX, past which a name could not be found by its NFKC form (the
  -- core refuses a longer member name, from a CSV file too); 'show' pads each row of a column to
  -- its longest text.
  text = 1024,
}
-- A limit by name, for the modules below this one (view.lua): a function, so that what a script
-- reaches of a model is no table of the limits it could change for the loads after it.
local LIMITS = M.LIMITS
function Model.limit(name) return LIMITS[name] end

local SIZE_WORDS = {
  members = "members", cells = "cells", rules = "rules", views = "views", views_cells = "cells in its views",
  dimensions = "dimensions", facts = "fact sets",
  inline_members = "members written in its Lua", inline_cells = "cells written in its Lua",
}
local SIZE_HINTS = {
  inline_members = "; more go in a CSV file beside the model (file = \"members.csv\")",
  inline_cells = "; more go in a CSV file beside the model (file = \"cells.csv\")",
}

-- Counts n more of 'what' (a key of SIZE_WORDS) in the model being loaded; past its limit raises
-- 'file:line: the model has more than LIMIT members (the limit); WHERE passes it'.
function Model:grow(what, n, file, line, where)
  local size = self.size
  if not size then
    size = {}
    self.size = size
  end
  local now = (size[what] or 0) + n
  size[what] = now
  local limit = M.LIMITS[what]
  if now > limit then
    error(string.format("%s:%s: the model has more than %d %s (the limit); %s passes it%s", file, line or "?",
      limit, SIZE_WORDS[what], where, SIZE_HINTS[what] or ""), 0)
  end
end

-- Raises 'file:line: WHAT has N bytes, more than LIMIT (the limit)' for a text past LIMITS.text
-- (Model.check_text: view.lua, below this module, reaches it through the model).
function M.check_text(s, file, line, what)
  if type(s) == "string" and #s > M.LIMITS.text then
    error(string.format("%s:%s: %s has %d bytes, more than %d (the limit)", file, line or "?", what, #s,
      M.LIMITS.text), 0)
  end
end
Model.check_text = M.check_text

-- }==================================================================

-- Resolves a reference to a member of the named dimension: its id, or nil and the message.
function Model:member_in(dimname, ref)
  local d = self.dim_by_name[dimname]
  if not d then return nil, string.format("no dimension '%s' in the model", tostring(dimname)), C.status.ENOTFOUND end
  if math.type(ref) == "integer" then return ref end
  local key = dimname .. "\0" .. tostring(ref)
  local hit = self.refcache[key]
  if hit then return hit end
  local found, id, status = self.core:find(tostring(ref), d.index)
  if not found then return nil, id, status end
  self.refcache[key] = id
  return id
end

-- {==================================================================
-- Reading a model
-- ===================================================================

-- The dimension and member a string reference names, in any dimension; or nil, the message
-- and the core's status (C.status: ENOTFOUND, EAMBIGUOUS).
function Model:lookup(ref)
  local d, id, status = self.core:find(tostring(ref))
  if not d then return nil, id, status end
  local info = self.core:info(d, id)
  info.dim = self.dims[d + 1].name
  info.id = id
  return info
end

-- The same, raising the message.
function Model:find(ref)
  local info, msg = self:lookup(ref)
  if not info then error(msg, 0) end
  return info
end

-- A selection {dimension = ref, ...} (or a string reference) as the fact set and member ids it
-- names, or nil, the message and the status (C.status). Resolved once per reference: the model
-- never changes, and scenarios ask again and again.
function Model:find_selection(ref)
  local hit = self.selcache[ref == nil and self or ref]  -- the same string, or the same table, again
  if hit then return hit[1], hit[2] end
  local key = ref
  if type(ref) == "table" then  -- an equal table made anew: by its content
    key = refs.describe(ref)
    hit = self.selcache[key]
    if hit then
      self.selcache[ref] = hit
      return hit[1], hit[2]
    end
  end
  local set, sel, status = self:resolve_selection(ref)
  if not set then return nil, sel, status end
  hit = { set, sel }
  self.selcache[ref == nil and self or ref] = hit
  if key ~= ref then self.selcache[key] = hit end
  return set, sel
end

-- The same, raising the message.
function Model:selection(ref)
  local set, sel = self:find_selection(ref)
  if not set then error(sel, 0) end
  return set, sel
end

-- The fact set and member ids of a selection, or nil, the message and the status (C.status).
function Model:resolve_selection(ref)
  local NOTFOUND = C.status.ENOTFOUND
  local wanted = {}
  local set
  if ref == nil then
    set = self.main
  elseif type(ref) == "string" and (self.set_by_name[ref] or self.dim_by_name[ref]) and
         not self.core:find(ref) then  -- a fact set's or a dimension's name: the whole of it
    if self.set_by_name[ref] then
      set = self.set_by_name[ref]
    else
      wanted[ref] = nil
      for _, s in ipairs(self.sets) do
        for _, d in ipairs(s.dims) do if d == ref and not set then set = s end end
      end
    end
  elseif type(ref) == "string" then
    local info, msg, status = self:lookup(ref)
    if not info then return nil, msg, status end
    wanted[info.dim] = info.id
  elseif type(ref) == "table" then
    for k, v in pairs(ref) do
      if k == "facts" then
        set = self.set_by_name[v]
        if not set then return nil, string.format("no fact set '%s' in the model", tostring(v)), NOTFOUND end
      elseif type(k) == "string" then
        local id, why, status = self:member_in(k, v)
        if not id then return nil, why, status end
        wanted[k] = id
      end
    end
  else
    return nil, "a reference is a string such as '206' or a table {[\"功能分类\"] = \"206\"}", C.status.EINVAL
  end
  if not set then  -- the main set if it has every dimension named, else the first that does
    local function fits(s)
      for dn in pairs(wanted) do
        local has = false
        for _, sd in ipairs(s.dims) do has = has or sd == dn end
        if not has then return false end
      end
      return true
    end
    if fits(self.main) then set = self.main else
      for _, s in ipairs(self.sets) do if fits(s) then set = s; break end end
    end
    if not set then
      local names = {}
      for dn in pairs(wanted) do names[#names + 1] = dn end
      table.sort(names)
      return nil, "no fact set has all of " .. table.concat(names, ", "), NOTFOUND
    end
  end
  local sel = {}
  for i, dn in ipairs(set.dims) do sel[i] = wanted[dn] end
  for dn in pairs(wanted) do
    local has = false
    for _, sd in ipairs(set.dims) do has = has or sd == dn end
    if not has then return nil, string.format("fact set '%s' has no dimension '%s'", set.name, dn), NOTFOUND end
  end
  return set, sel
end

-- Raises msg at the line of the script that called a Model method (the caller's caller):
-- a user's mistake names the user's file and line. The engine's own callers keep the
-- message as it is, since theirs say where already.
local function raise_at_caller(msg)
  local info = debug.getinfo(3, "S")
  if info and info.what ~= "C" and info.source:sub(1, 12) ~= "@engine/lua/" then error(msg, 3) end
  error(msg, 0)
end

-- A base's totals, by its core and then by the selection (the table find_selection keeps for a
-- reference): a base never changes, and its rules ask for the same total again and again (a
-- total by a dimension other than the first may read every cell of its set).
local TOTALS = setmetatable({}, { __mode = "k" })

-- The total of a reference (nil: everything in the main fact set), derived from the cells.
function Model:total(ref)
  local ok, set, sel = pcall(self.selection, self, ref)
  if not ok then raise_at_caller(set) end
  local core = self.core
  local known = TOTALS[core]
  if not known then
    known = setmetatable({}, { __mode = "k" })
    TOTALS[core] = known
  end
  local t = known[sel]
  if t == nil then
    t = core:total(set.index, sel)
    known[sel] = t
  end
  return t
end

-- A scalar's value (an amount, or a count).
function Model:scalar(name)
  local s = self.scalars[name]
  if not s then error(string.format("no scalar '%s' in the model", tostring(name)), 0) end
  return s.value or s.count
end

-- The members of a dimension in preorder, each {id=, name=, code=, spaced=, depth=, leaf=, parent=}.
function Model:members(dimname)
  local d = self.dim_by_name[dimname] or error(string.format("no dimension '%s' in the model", dimname), 0)
  if not d.members then
    local list = {}
    for i, id in ipairs(self.core:members(d.index)) do
      local info = self.core:info(d.index, id)
      info.id = id
      info.attrs = d.attrs[id]
      list[i] = info
    end
    d.members = list
  end
  return d.members
end

-- The cells of a fact set (by name): {ids..., amount} in cell order.
function Model:cells(setname)
  local set = self.set_by_name[setname] or error(string.format("no fact set '%s'", tostring(setname)), 2)
  return self.core:cells(set.index)
end

-- The cells of a fact set (by name) below zero: {ids..., amount}.
function Model:negatives(setname)
  local set = self.set_by_name[setname] or error(string.format("no fact set '%s'", tostring(setname)), 2)
  return self.core:negatives(set.index)
end


-- }==================================================================

return M
