-- engine/lua/import/prose.lua
-- The prose stage: the figures a document states in words (totals, per 类,
-- 三公, 机关运行经费, 政府采购, 绩效目标), its budget units and its projects,
-- read from the lines outside its tables.
-- See LICENSE for copyright and license.

local lpeg = require "lpeg"
local lex = require "budget.import.lex"

local P, R, S, Ct = lpeg.P, lpeg.R, lpeg.S, lpeg.Ct
local Cg = lpeg.C

local M = {}

local digit = R "09"
local space = S " \t\r\f" + P "\227\128\128"
local sp = space ^ 0
local number = lex.number


-- {==================================================================
-- The prose: figures the document states in words
-- ===================================================================

-- The lines from..to joined without their breaks (a figure may be cut by one), with the line
-- each byte came from.
local function joined(lines, from, to)
  local parts, starts, pos = {}, {}, 1
  for i = from, to do
    local l = lines[i]:gsub("^%s+", ""):gsub("%s+$", "")
    parts[#parts + 1] = l
    starts[#starts + 1] = { pos = pos, line = i }
    pos = pos + #l
  end
  return table.concat(parts), starts
end

local prose_number = sp * P "为" ^ -1 * sp * Cg(number) * -(P "年" + P "月" + P "日" + P "号" + P "%")
  * sp * Cg(P "万元" + P "元" + P "个" + P "家") ^ -1

-- The first figure right after 'label' (skipping '为'), trying each place the label stands.
local function after(text, label, from)
  local init = from or 1
  while true do
    local a, b = text:find(label, init, true)
    if not a then return nil end
    local n, unit = lpeg.match(prose_number, text, b + 1)
    if n then return n, unit, a end
    init = b + 1
  end
end

-- '“科学技术支出”科目6,088万元' anywhere in the text: {{name, figure}, ...}.
local class_figure = P "“" * Cg((1 - P "”" - P "“") ^ 1) * P "”科目" * Cg(number) * P "万元"
local class_figures = Ct((Ct(class_figure) + 1) ^ 0)

local function wan(n, unit)
  if unit == "元" then return n end
  return n .. "万元"
end

-- The prose figures: totals, per 类, 三公, 机关运行经费, 政府采购, 绩效目标.
local function read_prose(lines, info)
  local text = joined(lines, 1, #lines)
  local scalars, classes = {}, {}
  local function put(name, value, note) scalars[#scalars + 1] = { name = name, value = value, note = note } end
  local n, u = after(text, "预算支出总额")
  if n then put("预算支出总额", wan(n, u)) end
  for _, what in ipairs { "财政拨款支出预算", "一般公共预算拨款支出预算" } do
    local v, unit, at = after(text, what)
    if v then
      put(what, wan(v, unit))
      local tail_text = text:sub(at, at + 200)
      local year, dir, amount = tail_text:match("比(%d%d%d%d)年预算(%S-)([%d,%.]+)万元")
      if year and (dir == "减少" or dir == "增加") then
        put(string.format("%s比%s年增减", what, year), (dir == "减少" and "-" or "") .. amount .. "万元",
          string.format("比%s年预算%s%s万元", year, dir, amount))
      end
    end
  end
  local v, unit = after(text, "国有资本经营预算拨款支出预算")
  if v then put("国有资本经营预算拨款支出预算", unit and wan(v, unit) or v) end
  for _, hit in ipairs(lpeg.match(class_figures, text)) do
    classes[#classes + 1] = hit[1]
    put("说明:" .. hit[1], hit[2] .. "万元")
  end
  -- the section itself, not its entry in the 目录 (which comes first): the last heading of it
  local other
  local from = 1
  while true do
    local a = text:find("其他相关情况说明", from, true)
    if not a then break end
    other, from = a, a + 1
  end
  if other then
    local sect = text:sub(other)
    local stop = sect:find("项目经费情况说明", 1, true)
    if stop then sect = sect:sub(1, stop - 1) end
    local x, xu = after(sect, "“三公”经费预算数")
    if x then put("说明:三公经费", wan(x, xu)) end
    for _, item in ipairs { "因公出国（境）费", "公务用车购置及运行费", "公务接待费" } do
      local a, au = after(sect, item)
      if a then put("说明:" .. item, wan(a, au)) end
    end
    local j, ju = after(sect, "机关运行经费预算")
    if j then put("说明:机关运行经费", wan(j, ju)) end
    for _, item in ipairs { { "政府采购预算", "政府采购预算" }, { "政府采购货物预算", "政府采购货物预算" },
                            { "政府采购工程预算", "政府采购工程预算" }, { "政府采购服务预算", "政府采购服务预算" },
                            { "面向中小企业预留政府采购项目预算金额", "面向中小企业预留政府采购项目预算" },
                            { "预留给小型和微型企业的政府采购项目预算", "预留给小型和微型企业的政府采购项目预算" } } do
      local a, au = after(sect, item[1])
      if a then put(item[2], wan(a, au)) end
    end
    local units_n = sect:match("本部门(%d+)个预算单位") or sect:match("本单位(%d+)个预算单位")
    if units_n then put("绩效目标预算单位数", math.tointeger(tonumber(units_n)), "count") end
    local proj_n = sect:match("编报绩效目标的项目(%d+)个")
    if proj_n then put("绩效目标项目数", math.tointeger(tonumber(proj_n)), "count") end
    local funds = sect:match("涉及项目预算资金([%d,%.]+)万元")
    if funds then put("绩效目标项目预算资金", funds .. "万元") end
  end
  return scalars, classes
end

-- One entry of a numbered list: '1.上海市科学技术协会', '2、上海科普事业中心'.
local list_entry = sp * digit ^ 1 * (P "." + P "、" + P "．") * sp * Cg((1 - space * sp * -1) ^ 1) * sp * -1

-- The budget units: the numbered list after '具体包括', and how many are 行政 and 事业.
local function read_units(lines, department)
  local units, listing = {}, false
  for _, l in ipairs(lines) do
    if l:find("具体包括", 1, true) then listing = true
    elseif listing then
      local name = lpeg.match(list_entry, l)
      if name then units[#units + 1] = { name = name }
      elseif #units > 0 and not l:match("^%s*$") then break end
    end
  end
  local text = table.concat(lines, "")
  local admin = tonumber(text:match("行政单位(%d+)家") or "")
  local public = tonumber(text:match("事业单位(%d+)家") or "")
  -- a kind only where the document settles it: one 行政单位, listed first, the department itself
  if admin == 1 and units[1] and units[1].name == department and (public or 0) + 1 == #units then
    units[1].kind = "行政单位"
    for i = 2, #units do units[i].kind = "事业单位" end
  end
  return units
end

-- The parts of a list: '社区书院科普资源配送34.91万元，科普资源库建设与运维35万元'.
local list_sep = P "，" + P "," + P "、" + P "；" + P ";" + P "。"
local list_items = Ct((Cg((1 - list_sep) ^ 1) + list_sep) ^ 0)

-- What text:match(open .. "(.-)" .. close) gives (both plain): what lies between the first
-- 'open' and the first 'close' after it, or nil. Two finds, where the pattern tried every
-- 'open' in turn against all the text after it when no 'close' follows.
local function between(text, open, close)
  local _, b = text:find(open, 1, true)
  if not b then return nil end
  local c = text:find(close, b + 1, true)
  if not c then return nil end
  return text:sub(b + 1, c - 1)
end

-- The projects of 项目经费情况说明: name, implementing unit, sub-items in 万元, stated total.
local function read_projects(lines, name)
  local projects = {}
  local start
  for i, l in ipairs(lines) do
    if l:match("^%s*项目经费情况说明%s*$") then start = i break end
  end
  if not start then return projects end
  local heads = {}
  for i = start, #lines do if lines[i]:match("^%s*一、项目概述") then heads[#heads + 1] = i end end
  for h, at in ipairs(heads) do
    local k = at - 1
    while k > start and lines[k]:match("^%s*$") do k = k - 1 end
    local pname = lines[k]:gsub("^%s+", ""):gsub("%s+$", ""):gsub("项目经费情况说明$", "")
    local stop = (heads[h + 1] or #lines + 1) - 1
    local p = { name = pname, line = k, items = {} }
    for i = at, stop do
      if lines[i]:match("^%s*三、实施主体") then
        for j = i + 1, stop do
          if not lines[j]:match("^%s*$") then
            if not lines[j]:match("^%s*四、") then p.unit = lines[j]:gsub("^%s+", ""):gsub("%s+$", "") end
            break
          end
        end
      elseif lines[i]:match("^%s*六、年度预算安排") then
        local j = i + 1
        local plan_end = j
        while plan_end <= stop and not lines[plan_end]:match("^%s*七、") do plan_end = plan_end + 1 end
        local text = joined(lines, j, plan_end - 1)
        local total = text:match("本项目总金额([%d,%.]+)万元")
        local list = total and between(text, "包括", "。") or (text:gsub("。$", ""))
        for _, item in ipairs(lpeg.match(list_items, list or "")) do
          local iname, amount = item:match("^%s*(.-)%s*([%d,%.]+)万元%s*$")
          if iname and iname ~= "" then p.items[#p.items + 1] = { name = iname, amount = amount } end
        end
        -- a project whose sums the prose does not give as '名称N万元' is not modelled: importing
        -- the tables does not depend on the prose
        p.total = total
        p.plan_line = j
      end
    end
    if #p.items > 0 then projects[#projects + 1] = p end
  end
  return projects
end

-- }==================================================================

-- {==================================================================
-- The facts: cells derived from the tables, never invented
-- ===================================================================

M.read_prose = read_prose
M.read_units = read_units
M.read_projects = read_projects

return M
