-- engine/lua/refs.lua
-- How the domain names things, shared by the modules above it: a reference
-- as text, a cell by its members' codes and names, an amount read in a unit.
-- It requires nothing of the domain, so anything may use it.
-- See LICENSE for copyright and license.

local C = require "budget.c"

local M = {}

-- A reference as text: '206', or '{功能分类=206, 支出性质=项目支出}' with its keys in order.
function M.describe(ref)
  if type(ref) ~= "table" then return tostring(ref) end
  local keys = {}
  for k in pairs(ref) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = string.format("%s=%s", k, tostring(ref[k])) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

-- A cell's members, by the names a reader knows: '206 07 01 机构运行 / 一般公共预算 / 基本支出'.
function M.cell_label(base, set, cell)
  local parts = {}
  for i, dn in ipairs(set.dims) do
    local info = base.core:info(base.dim_by_name[dn].index, cell[i])
    parts[i] = info.spaced ~= "" and (info.spaced .. " " .. info.name) or info.name
  end
  return table.concat(parts, " / ")
end

-- The units a model or a table may state its amounts in, and the word each adds to a bare figure.
M.UNIT_SUFFIX = { ["元"] = "", ["万元"] = "万元", ["亿元"] = "亿元" }

-- The amount text 's' read in 'unit' unless it carries its own unit word; or nil and why not.
function M.amount_in(s, unit)
  if math.type(s) == "integer" then s = tostring(s) end
  if type(s) ~= "string" then
    return nil, string.format("an amount as a string such as '1,234.56' (got a %s%s)",
      math.type(s) == "float" and "float" or type(s), s ~= nil and (" " .. tostring(s)) or "")
  end
  local text = s
  if not (s:find("元$") or s:find("万$") or s:find("亿$")) then text = s .. (M.UNIT_SUFFIX[unit] or "") end
  local ok, m = pcall(C.money, text)
  if not ok then return nil, m end
  return m
end

return M
