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

-- The total of a reference (nil: everything in the main fact set), derived from the cells.
function Model:total(ref)
  local ok, set, sel = pcall(self.selection, self, ref)
  if not ok then raise_at_caller(set) end
  return self.core:total(set.index, sel)
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
