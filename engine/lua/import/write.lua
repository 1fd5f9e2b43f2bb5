-- engine/lua/import/write.lua
-- The write stage: the model of an imported document (engine/lua/import.lua) as a
-- model file in the format of models/*.lua: the dimensions, the cells
-- derived from the tables, the stated figures, the views and the rules every
-- such document gets. The cells are derived as BUDGET-PRIMER.md explains;
-- where the document does not say how an amount divides, writing stops with
-- the row and line instead of inventing a split.
-- See LICENSE for copyright and license.

local C = require "budget.c"
local sangong_line = require("budget.import.place").sangong_line
local economic = require "budget.import.economic"
local lex = require "budget.import.lex"
local templates = require "budget.import.templates"

local M = {}

local ZERO = C.fen(0)

local function fail(doc, line, fmt, ...)
  error(string.format("%s: %s", doc.where(line), string.format(fmt, ...)), 0)
end

local function q(s) return (string.format("%q", s)) end

-- An amount in a unit with as few decimals as keep it exact (none for whole 元, at least 2 in 万元).
local function exact(m, unit)
  local per = unit == "万元" and 1000000 or 100
  local d, step = unit == "万元" and 2 or 0, per
  for _ = 1, d do step = step // 10 end
  while m:fen() % step ~= 0 do
    d, step = d + 1, step // 10
  end
  return q(m:format { unit = unit, decimals = d, suffix = false })
end

-- A figure as a stated value, blank for zero as the tables print it.
local function stated(m, unit)
  if m == ZERO then return '""' end
  return exact(m, unit)
end

-- A cell's amount in the fact set's unit.
local function amount(m, unit)
  return exact(m, unit)
end

local Out = {}
Out.__index = Out
local function out() return setmetatable({ lines = {} }, Out) end
function Out:add(fmt, ...) self.lines[#self.lines + 1] = select("#", ...) > 0 and string.format(fmt, ...) or fmt end
function Out:text() return table.concat(self.lines, "\n") .. "\n" end

local function section(o, title)
  o:add("")
  o:add("-- {==================================================================")
  o:add("-- %s", title)
  o:add("-- ===================================================================")
  o:add("")
end
local function end_section(o)
  o:add("")
  o:add("-- }==================================================================")
end

-- {==================================================================
-- Deriving the cells
-- ===================================================================

-- The members of the coded tables T[keys...]: their codes by code, and the name each first prints.
-- (engine/lua/import/jiangsu.lua's builder uses it too.)
function M.members(T, keys)
  local order, names = {}, {}
  for _, key in ipairs(keys) do
    for _, r in ipairs(T[key] and T[key].rows or {}) do
      if not names[r.code] then
        names[r.code] = r.name
        order[#order + 1] = r.code
      end
    end
  end
  table.sort(order)
  return order, names
end

-- The function classification: every coded row of the function tables, in the order of the spending table.
local function function_codes(doc)
  local order, seen = M.members(doc.T, { "T3", "T2", "T5", "T6", "T6b" })
  local positions = {}
  for i, r in ipairs(doc.T.T3.rows) do positions[r.code] = i end
  table.sort(order, function(a, b)
    local pa, pb = positions[a], positions[b]
    if pa and pb then return pa < pb end
    return a < b
  end)
  return order, seen
end

-- Whether a code has no code beneath it among 'codes' (the set of parents is made once a list).
local parents_of = setmetatable({}, { __mode = "k" })
local function is_leaf(code, codes)
  local parents = parents_of[codes]
  if not parents then
    parents = {}
    for _, c in ipairs(codes) do
      local up = c:match("^(.*) %d+$")
      while up do
        parents[up] = true
        up = up:match("^(.*) %d+$")
      end
    end
    parents_of[codes] = parents
  end
  return not parents[code]
end

-- The non-fiscal sources: the income table's columns other than 合计 and 财政拨款收入.
local function other_sources(doc)
  local out = {}
  for _, c in ipairs(doc.T.T2.columns) do
    if c ~= "合计" and c ~= "财政拨款收入" then out[#out + 1] = c end
  end
  return out
end

-- The spending cells: {code, source, kind, amount}, in leaf order, fiscal sources first.
local function spending_cells(doc)
  local T, col = doc.T, doc.column
  local codes = function_codes(doc)
  local kinds = {}
  for _, c in ipairs(T.T3.columns) do if c ~= "合计" then kinds[#kinds + 1] = c end end
  local r3, r2 = doc.by_code(T.T3), doc.by_code(T.T2)
  local fiscal_rows = {}
  for _, key in ipairs { "T5", "T6", "T6b" } do
    if T[key] then fiscal_rows[#fiscal_rows + 1] = { key = key, source = doc.fiscal_tables[key], rows = doc.by_code(T[key]) } end
  end
  local cells = {}
  for _, code in ipairs(codes) do
    if is_leaf(code, codes) then
      local row = r3[code]
      local spent = {}
      for _, k in ipairs(kinds) do spent[k] = row and row.placed[col(T.T3, k)] or ZERO end
      for _, f in ipairs(fiscal_rows) do
        local fr = f.rows[code]
        if fr then
          for _, k in ipairs(kinds) do
            local c = col(T[f.key], k)
            local v = c and fr.placed[c] or ZERO
            if v ~= ZERO then
              cells[#cells + 1] = { code, f.source, k, v }
              spent[k] = spent[k] - v
            end
          end
        end
      end
      -- what the fiscal tables do not cover comes from the other sources of the income table
      -- (where the fiscal tables exceed the spending table, a misprint in one of them: no cell
      -- is made of it, and 'check' reports the row)
      local rest = {}
      for _, k in ipairs(kinds) do if spent[k] > ZERO then rest[#rest + 1] = k end end
      if #rest > 0 then
        local income = r2[code]
        local sources = {}
        for _, src in ipairs(other_sources(doc)) do
          local v = income and income.placed[col(T.T2, src)] or ZERO
          if v ~= ZERO then sources[#sources + 1] = { src, v } end
        end
        local line = row and row.line
        if #sources == 0 then
          -- spending the fiscal tables do not cover and no other income for it: one of the tables
          -- misprints the row; no cell is invented, and 'check' reports where they differ
        elseif #sources == 1 then
          for _, k in ipairs(rest) do cells[#cells + 1] = { code, sources[1][1], k, spent[k] } end
        elseif #rest == 1 then
          for _, sv in ipairs(sources) do cells[#cells + 1] = { code, sv[1], rest[1], sv[2] } end
        else
          local names = {}
          for _, sv in ipairs(sources) do names[#names + 1] = sv[1] .. " " .. tostring(sv[2]) end
          fail(doc, line, "row '%s': the document does not say how %s divide between %s; the model cannot be "
            .. "made without inventing that split", code, table.concat(names, " and "), table.concat(rest, " and "))
        end
      end
    end
  end
  return cells, codes, kinds
end

-- }==================================================================

-- {==================================================================
-- The model text
-- ===================================================================

local function write_header(o, doc, docname)
  o:add("-- %s", docname:gsub("%.txt$", ".lua"))
  o:add("-- Imported by 'budget import' from %s: the department, its units, every table,", docname)
  o:add("-- the prose figures and the projects, with the rules every such document gets.")
  o:add("-- Cells: 一般公共预算 and 政府性基金 cells are the function tables' columns; the")
  o:add("-- other sources' cells are the spending table less those, by the income table.")
  o:add("")
  local kind = doc.unit_doc and "单位预算" or "部门预算"
  o:add("model {")
  o:add("  name = %s,", q((doc.department or "") .. (doc.year and (doc.year .. "年") or "") .. kind))
  if doc.department then o:add("  department = %s,", q(doc.department)) end
  if doc.year then o:add("  year = %s,", doc.year) end
  o:add("  document = %s,", q(docname:match("[^/]*$")))
  o:add("  main = \"支出\",")
  o:add("}")
  if #doc.units > 0 then
    o:add("")
    o:add("units {")
    for _, u in ipairs(doc.units) do
      if u.kind then o:add("  {%s, %s},", q(u.name), q(u.kind)) else o:add("  {%s},", q(u.name)) end
    end
    o:add("}")
  end
end

local function write_dimensions(o, doc, codes, names)
  section(o, "Dimensions")
  o:add("dimension \"功能分类\" {")
  o:add("  levels = {\"类\", \"款\", \"项\"},")
  for _, c in ipairs(codes) do o:add("  {%s, %s},", q(c), q(names[c])) end
  o:add("}")
  o:add("")
  local fiscal = { "{\"一般公共预算\"}", "{\"政府性基金\"}" }
  -- 国有资本经营预算 where its table is printed, or tables 1 and 4 name it (an empty table left out)
  local soe = doc.T.T6b ~= nil
  for _, key in ipairs { "T1", "T4" } do
    for _, e in ipairs(doc.T[key] and doc.T[key].left or {}) do soe = soe or e.source == "国有资本经营预算" end
    for _, c in ipairs(doc.T[key] and doc.T[key].right_columns or {}) do soe = soe or c == "国有资本经营预算" end
  end
  if soe then fiscal[#fiscal + 1] = "{\"国有资本经营预算\"}" end
  o:add("dimension \"资金来源\" {")
  o:add("  {\"财政拨款收入\", %s},", table.concat(fiscal, ", "))
  for _, s in ipairs(other_sources(doc)) do o:add("  {%s},", q(s)) end
  o:add("}")
  o:add("")
  o:add("dimension \"支出性质\" {")
  for _, c in ipairs(doc.T.T3.columns) do if c ~= "合计" then o:add("  {%s},", q(c)) end end
  o:add("}")
  if doc.T.T7 then
    o:add("")
    o:add("dimension \"经济分类\" {")
    o:add("  levels = {\"类\", \"款\"},")
    for _, r in ipairs(doc.T.T7.rows) do o:add("  {%s, %s},", q(r.code), q(r.name)) end
    o:add("}")
    o:add("")
    o:add("dimension \"经费类型\" {")
    o:add("  {\"人员经费\"},")
    o:add("  {\"公用经费\"},")
    o:add("}")
  end
  if doc.T.T8 then
    o:add("")
    o:add("dimension \"三公经费\" {")
    o:add("  {\"因公出国(境)费\"},")
    o:add("  {\"公务接待费\"},")
    o:add("  {\"公务用车购置及运行费\", {\"购置费\"}, {\"运行费\"}},")
    o:add("}")
  end
  if #doc.projects > 0 then
    o:add("")
    o:add("dimension \"项目\" {")
    for _, p in ipairs(doc.projects) do
      local items = {}
      for _, it in ipairs(p.items) do items[#items + 1] = "{" .. q(it.name) .. "}" end
      o:add("  {%s,%s %s},", q(p.name), p.unit and (" unit = " .. q(p.unit) .. ",") or "", table.concat(items, ", "))
    end
    o:add("}")
  end
  end_section(o)
end

local function write_facts(o, doc, cells)
  local T, col = doc.T, doc.column
  section(o, "Facts")
  o:add("facts \"支出\" {")
  o:add("  dims = {\"功能分类\", \"资金来源\", \"支出性质\"},")
  o:add("  unit = \"元\",")
  for _, c in ipairs(cells) do o:add("  {%s, %s, %s, %s},", q(c[1]), q(c[2]), q(c[3]), amount(c[4], "元")) end
  o:add("}")
  if T.T7 then
    o:add("")
    o:add("facts \"经济\" {")
    o:add("  dims = {\"经济分类\", \"经费类型\"},")
    o:add("  unit = \"元\",")
    local codes = {}
    for _, r in ipairs(T.T7.rows) do codes[#codes + 1] = r.code end
    for _, r in ipairs(T.T7.rows) do
      if is_leaf(r.code, codes) then
        for _, k in ipairs { "人员经费", "公用经费" } do
          local c = col(T.T7, k)
          local v = c and r.placed[c] or ZERO
          if v ~= ZERO then o:add("  {%s, %s, %s},", q(r.code), q(k), amount(v, "元")) end
        end
      end
    end
    o:add("}")
  end
  if T.T8 then
    local v = T.T8.rows[1] and T.T8.rows[1].placed or (T.T8.total and T.T8.total.placed)
    o:add("")
    o:add("facts \"三公\" {")
    o:add("  dims = {\"三公经费\"},")
    o:add("  unit = \"万元\", grain = \"0.01万元\",")
    for _, pair in ipairs { { "因公出国(境)费", "因公出国(境)费" }, { "公务接待费", "公务接待费" }, { "购置费", "购置费" },
                            { "运行费", "运行费" } } do
      local c = col(T.T8, pair[1])
      local x = c and v and v[c] or ZERO
      o:add("  {%s, %s},", q(pair[2]), x == ZERO and "\"0\"" or amount(x, "万元"))
    end
    o:add("}")
  end
  if #doc.projects > 0 then
    o:add("")
    o:add("facts \"项目\" {")
    o:add("  dims = {\"项目\"},")
    o:add("  unit = \"万元\", grain = \"0.01万元\",")
    for _, p in ipairs(doc.projects) do
      local items = {}
      for _, it in ipairs(p.items) do items[#items + 1] = string.format("{%s, %s}", q(it.name), q(it.amount)) end
      o:add("  %s,", table.concat(items, ", "))
    end
    o:add("}")
  end
  end_section(o)
end

local function write_scalars(o, doc)
  section(o, "Figures stated in the prose and in table 8")
  local T = doc.T
  if T.T8 then
    local v = T.T8.rows[1] and T.T8.rows[1].placed or (T.T8.total and T.T8.total.placed)
    local c = doc.column(T.T8, "机关运行经费")
    if c then  -- (0 where the table prints no figures)
      o:add("scalar \"机关运行经费\" { %s, unit = \"万元\", note = \"table 8\" }", amount(v and v[c] or ZERO, "万元"))
    end
  end
  for _, s in ipairs(doc.scalars) do
    if s.note == "count" then
      o:add("scalar %s { %d, count = true }", q(s.name), s.value)
    elseif s.note then
      o:add("scalar %s { %s, note = %s }", q(s.name), q(s.value), q(s.note))
    else
      o:add("scalar %s { %s }", q(s.name), q(s.value))
    end
  end
  end_section(o)
end


local FILTER = templates.FISCAL

local function view_name(t) return (t.title:gsub("^%d%d%d%d年", ""):gsub("^度", "")) end

local function head(o, t, extra)
  o:add("view %s {", q(view_name(t)))
  local decimals = ""
  if t.decimals and t.decimals ~= (t.unit == "元" and 0 or 2) then decimals = " decimals = " .. t.decimals .. "," end
  o:add("  %stitle = %s, unit = %s,%s%s", t.number and ("number = " .. t.number .. ", ") or "",
    q(t.title), q(t.unit), decimals, extra or "")
  for _, n in ipairs(t.notes or {}) do o:add("  note = %s,", q((n.text:gsub("%s+", "")))) break end
end

-- The stated rows of a coded table, each {code, name, figures...} as placed, then 合计.
-- A row's figures as printed: the word placed in each column ('0.00', '96282213.44', '6.4'),
-- blank where it printed none; from the amounts where the placement kept no words.
local function printed_figures(r, placed, ncol, unit)
  local figs = {}
  if placed.at and r.figs then
    for c = 1, ncol do figs[c] = '""' end
    for i, c in ipairs(placed.at) do figs[c] = q(lex.ascii(r.figs[i].s)) end  -- full-width digits as ASCII
  else
    for c = 1, ncol do figs[c] = stated(placed[c], unit) end
  end
  return figs
end

local function coded_stated(o, t)
  o:add("  stated = {")
  for _, r in ipairs(t.rows) do
    local figs = {}
    figs = printed_figures(r, r.printed or r.placed, #t.columns, t.unit)
    local extra = r.printed_code and (", printed_code = " .. q(r.printed_code)) or ""
    local official = t.kind.dimension == "经济分类" and economic.official(r.code, r.name, t.year, lex.flat)
    if official then extra = extra .. ", official_code = " .. q(official) end
    o:add("    {%s, %s, %s%s},", q(r.code), q(r.name), table.concat(figs, ", "), extra)
  end
  if t.total then
    local figs = {}
    figs = printed_figures(t.total, t.total.placed, #t.columns, t.unit)
    o:add("    {\"合计\", %s},", table.concat(figs, ", "))
  end
  o:add("  },")
end

local function coded_view(o, t, facts, filter, dim, columns)
  head(o, t, " facts = " .. q(facts) .. ",")
  if filter then o:add("  filter = {[\"资金来源\"] = %s},", q(filter)) end
  o:add("  rows = { dimension = %s, total = \"合计\" },", q(dim))
  o:add("  columns = {")
  for _, c in ipairs(t.columns) do
    local sel = columns(c)
    if sel then o:add("    {%s, {%s}},", q(c), sel) else o:add("    {%s},", q(c)) end
  end
  o:add("  },")
  coded_stated(o, t)
  o:add("}")
  o:add("")
end

-- The left side of table 1 or 4: each income line with its source, and the lines it sums.
local function left_rows(o, t)
  local tops, parts, current = {}, {}, nil
  for i, e in ipairs(t.left) do
    if e.label:find("收入总计") then
    elseif e.source == "财政拨款收入" or e.label:match("^%s*[^%s%d%.]-、") then
      tops[#tops + 1] = e.label
      current = (e.source == "财政拨款收入") and i or nil
      parts[i] = {}
    elseif current then
      table.insert(parts[current], e.label)
    end
  end
  o:add("      rows = {")
  for i, e in ipairs(t.left) do
    local sel, p = "{}", nil
    if e.label:find("收入总计") then
      sel = t.kind.key == "T4" and "{[\"资金来源\"] = \"财政拨款收入\"}" or "{}"
      p = t.kind.key == "T4" and {} or tops
      if t.kind.key == "T4" then for _, x in ipairs(t.left) do if not x.label:find("收入总计") then p[#p + 1] = x.label end end end
    else
      sel = string.format("{[\"资金来源\"] = %s}", q(e.source))
      if parts[i] and #parts[i] > 0 then p = parts[i] end
    end
    local ps = ""
    if p and #p > 0 then
      local qs = {}
      for _, x in ipairs(p) do qs[#qs + 1] = q(x) end
      ps = ", parts = {" .. table.concat(qs, ", ") .. "}"
    end
    o:add("        {%s, %s%s},", q(e.label), sel, ps)
  end
  o:add("      },")
  o:add("      stated = {")
  for _, e in ipairs(t.left) do o:add("        {%s, %s},", q(e.label), e.figs[1] and q(lex.ascii(e.figs[1].s)) or '""') end
  o:add("      } },")
end

local function right_rows(o, t, columns)
  o:add("      rows = { dimension = \"功能分类\", depth = 0, numbered = true, total = \"支出总计\" },")
  o:add("      stated = {")
  for _, e in ipairs(t.right) do
    local figs = {}
    if e.placed then
      figs = printed_figures(e, e.placed, #columns, t.unit)
    else
      for c = 1, #columns do figs[c] = stated(e.values[c] or ZERO, t.unit) end
    end
    o:add("        {%s, %s},", q(e.class or "支出总计"), table.concat(figs, ", "))
  end
  o:add("      } },")
end

local function write_views(o, doc)
  local T = doc.T
  section(o, "The published tables")
  if T.T1 then
    local t = T.T1
    head(o, t, " facts = \"支出\",")
    o:add("  blocks = {")
    o:add("    { title = \"本年收入\", columns = { {\"预算数\"} },")
    left_rows(o, t)
    if #t.right_columns > 1 then
      -- the 单位 form: 基本支出 as 人员经费 and 公用经费, which no cell gives by 类: kept as printed
      o:add("    { title = \"本年支出\",")
      o:add("      columns = { {\"合计\"}, {\"人员经费\", stated = true}, {\"公用经费\", stated = true},")
      o:add("                  {\"项目支出\", {[\"支出性质\"] = \"项目支出\"}} },")
    else
      for _, e in ipairs(t.right) do e.placed = e.placed or { e.values[1] or ZERO, at = e.values[1] and { 1 } or {} } end
      o:add("    { title = \"本年支出\", columns = { {\"预算数\"} },")
    end
    right_rows(o, t, t.right_columns)
    o:add("  },")
    o:add("}")
    o:add("")
  end
  coded_view(o, T.T2, "支出", nil, "功能分类", function(c)
    if c == "合计" then return nil end
    return string.format("[\"资金来源\"] = %s", q(c))
  end)
  local spend = function(c) if c ~= "合计" then return string.format("[\"支出性质\"] = %s", q(c)) end end
  coded_view(o, T.T3, "支出", nil, "功能分类", spend)
  if T.T4 then
    local t = T.T4
    head(o, t, " facts = \"支出\",")
    o:add("  blocks = {")
    o:add("    { title = \"财政拨款收入\", columns = { {\"预算数\"} },")
    left_rows(o, t)
    o:add("    { title = \"财政拨款支出\", filter = {[\"资金来源\"] = \"财政拨款收入\"},")
    o:add("      columns = {")
    local src = { ["一般公共预算"] = "一般公共预算", ["政府性基金预算"] = "政府性基金", ["国有资本经营预算"] = "国有资本经营预算" }
    for _, c in ipairs(t.right_columns) do
      if c == "合计" then o:add("        {\"合计\"},")
      else o:add("        {%s, {[\"资金来源\"] = %s}},", q(c), q(src[c])) end
    end
    o:add("      },")
    right_rows(o, t, t.right_columns)
    o:add("  },")
    o:add("}")
    o:add("")
  end
  for _, key in ipairs { "T5", "T6", "T6b" } do
    if T[key] then coded_view(o, T[key], "支出", FILTER[key], "功能分类", spend) end
  end
  if T.T7 then
    coded_view(o, T.T7, "经济", nil, "经济分类", function(c)
      if c ~= "合计" then return string.format("[\"经费类型\"] = %s", q(c)) end
    end)
  end
  if T.T8 then
    local t = T.T8
    local sel = { ["因公出国(境)费"] = "因公出国(境)费", ["公务接待费"] = "公务接待费", ["小计"] = "公务用车购置及运行费",
                  ["购置费"] = "购置费", ["运行费"] = "运行费" }
    head(o, t, " facts = \"三公\",")
    o:add("  rows = { {\"\", {}} },")
    o:add("  columns = {")
    for _, c in ipairs(t.columns) do
      if c == "合计" then o:add("    {\"合计\", parts = {\"因公出国(境)费\", \"公务接待费\", \"小计\"}},")
      elseif c == "小计" then o:add("    {\"小计\", {[\"三公经费\"] = \"公务用车购置及运行费\"}, parts = {\"购置费\", \"运行费\"}},")
      elseif c == "机关运行经费" then o:add("    {\"机关运行经费\", scalar = \"机关运行经费\"},")
      else o:add("    {%s, {[\"三公经费\"] = %s}},", q(c), q(sel[c])) end
    end
    o:add("  },")
    local row = t.rows[1]  -- none where the table prints no figures (无“三公”经费)
    local figs = {}
    if row then figs = printed_figures(row, row.printed or row.placed, #t.columns, "万元")
    else for c = 1, #t.columns do figs[c] = '""' end end
    o:add("  stated = {")
    o:add("    {\"\", %s},", table.concat(figs, ", "))
    o:add("  },")
    o:add("}")
    o:add("")
  end
  if #doc.projects > 0 then
    o:add("view \"项目经费\" {")
    o:add("  title = \"项目经费情况说明\", unit = \"万元\", decimals = 2, facts = \"项目\",")
    o:add("  rows = { dimension = \"项目\" },")
    o:add("  columns = { {\"金额\"} },")
    o:add("  stated = {")
    for _, p in ipairs(doc.projects) do
      local total = p.total
      if not total and #p.items == 1 then total = p.items[1].amount end
      local items = {}
      if total then items[1] = string.format("{%s, %s}", q(p.name), q(total)) end
      for _, it in ipairs(p.items) do items[#items + 1] = string.format("{%s, %s}", q(it.name), q(it.amount)) end
      o:add("    %s,", table.concat(items, ", "))
    end
    o:add("  },")
    o:add("}")
  end
  end_section(o)
end

-- }==================================================================

-- {==================================================================
-- The rules every imported document gets
-- ===================================================================

local function has_row(t, code)
  for _, r in ipairs(t.rows) do if r.code == code then return true end end
  return false
end

local function has_col(t, c)
  for _, x in ipairs(t.columns or t.right_columns or {}) do if x == c then return true end end
  return false
end

local function write_rules(o, doc)
  local T = doc.T
  local scalars = {}
  for _, sc in ipairs(doc.scalars) do scalars[sc.name] = true end
  section(o, "Rules: every identity of the document")
  o:add("-- Within each table: stated figures = the cells; parent = Σ children; 合计 = Σ columns.")
  o:add("for _, name in ipairs {")
  local names = {}
  for _, key in ipairs { "T1", "T2", "T3", "T4", "T5", "T6", "T6b", "T7", "T8" } do
    if T[key] then names[#names + 1] = q(view_name(T[key])) end
  end
  if #doc.projects > 0 then names[#names + 1] = q("项目经费") end
  for i = 1, #names, 4 do o:add("  %s,", table.concat(names, ", ", i, math.min(i + 3, #names))) end
  o:add("} do")
  o:add("  view_rules(name)")
  o:add("end")
  o:add("")
  o:add("-- Between the tables, on the figures the document states.")
  for _, key in ipairs { "T1", "T2", "T3", "T4", "T5", "T6", "T6b", "T7", "T8" } do
    if T[key] then o:add("local %s = %s", key, q(view_name(T[key]))) end
  end
  local fiscal_label
  local t1c = T.T1 and #T.T1.right_columns > 1 and "合计" or "预算数"  -- the right side's total column
  if T.T1 then
    for _, e in ipairs(T.T1.left) do if e.source == "财政拨款收入" then fiscal_label = e.label end end
    o:add("equal(\"收入总计 = 支出总计\", stated(T1, \"收入总计\", \"预算数\"), stated(T1, \"支出总计\", %s))", q(t1c))
  end
  o:add("rows_equal(\"收入总表 = 支出总表, row by row\", T2, \"合计\", T3, \"合计\")")
  if T.T1 then o:add("rows_equal(\"收支总表的支出 = 支出总表\", T1, %s, T3, \"合计\")", q(t1c)) end
  if T.T1 and #T.T1.right_columns > 1 and doc.column(T.T3, "项目支出") then
    o:add("rows_equal(\"收支总表的项目支出 = 支出总表\", T1, \"项目支出\", T3, \"项目支出\")")
  end
  -- where all basic spending is 一般公共预算 (tables 3 and 5 agree), the 单位 form's 人员经费 and
  -- 公用经费 are the economic table's
  if T.T1 and #T.T1.right_columns > 1 and T.T7 and T.T5.total and T.T3.total then
    local b3, b5 = doc.column(T.T3, "基本支出"), doc.column(T.T5, "基本支出")
    if b3 and b5 and T.T3.total.placed[b3] == T.T5.total.placed[b5] then
      for _, k in ipairs { "人员经费", "公用经费" } do
        if doc.column(T.T7, k) then
          o:add("equal(%s, stated(T1, \"支出总计\", %s), stated(T7, \"合计\", %s))", q("收支总表的" .. k .. " = 经济分类"), q(k),
            q(k))
        end
      end
    end
  end
  if T.T4 then
    if fiscal_label then
      o:add("equal(\"财政拨款收入 = 收支总表的财政拨款收入\", stated(T4, \"收入总计\", \"预算数\"), stated(T1, %s, \"预算数\"))",
        q(fiscal_label))
    end
    o:add("equal(\"财政拨款收入 = 财政拨款支出\", stated(T4, \"收入总计\", \"预算数\"), stated(T4, \"支出总计\", \"合计\"))")
    if has_col(T.T4, "一般公共预算") then
      o:add("rows_equal(\"财政拨款支出的一般公共预算 = 一般公共预算支出表\", T4, \"一般公共预算\", T5, \"合计\")")
    end
    if T.T6 and has_col(T.T4, "政府性基金预算") then
      o:add("rows_equal(\"财政拨款支出的政府性基金 = 政府性基金支出表\", T4, \"政府性基金预算\", T6, \"合计\")")
      o:add("sum_of(\"财政拨款支出 = 一般公共预算 + 政府性基金\", stated(T4, \"支出总计\", \"合计\"),")
      o:add("  {stated(T5, \"合计\", \"合计\"), stated(T6, \"合计\", \"合计\")})")
    end
    if has_col(T.T2, "财政拨款收入") then
      o:add("rows_equal(\"收入总表的财政拨款 = 财政拨款支出\", T4, \"合计\", T2, \"财政拨款收入\")")
    end
  end
  local function codes_sum(label, col, codes)
    local present = {}
    for _, c in ipairs(codes) do if has_row(T.T7, c) then present[#present + 1] = c end end
    if #present == 0 then return end
    local parts = {}
    for _, c in ipairs(present) do parts[#parts + 1] = string.format("stated(T7, %s, \"合计\")", q(c)) end
    o:add("sum_of(%s, stated(T7, \"合计\", %s), {%s})", q(label .. " = " .. table.concat(present, " + ")), q(col),
      table.concat(parts, ", "))
  end
  if T.T7 then
    o:add("equal(\"经济分类合计 = 一般公共预算基本支出\", stated(T7, \"合计\", \"合计\"), stated(T5, \"合计\", \"基本支出\"))")
    codes_sum("人员经费", "人员经费", { "301", "303" })
    codes_sum("公用经费", "公用经费", { "302", "310" })
  end
  local sangong = { { "因公出国(境)费", "302 12", "因公出国(境)费", "因公出国(境)费 = 因公出国（境）费用", "因公出国" },
                    { "公务接待费", "302 17", "公务接待费", "公务接待费 = 302 17", "公务接待" },
                    { "运行费", "302 31", "运行费", "公务用车运行费 = 公务用车运行维护费", "运行" } }
  if T.T8 and T.T7 then
    for _, x in ipairs(sangong) do
      local r = sangong_line(T.T7, x[5])
      if r then
        o:add("equal(%s, stated(T8, \"\", %s), stated(T7, %s, \"合计\"), {precision = \"0.01万元\"})",
          q(x[4]:gsub(" = .*", "") .. " = " .. r.code), q(x[1]), q(r.code))
      end
    end
    o:add("at_most(\"机关运行经费 ≤ 公用经费\", stated(T8, \"\", \"机关运行经费\"), stated(T7, \"合计\", \"公用经费\"),")
    o:add("  {precision = \"0.01万元\"})")
  end
  o:add("")
  o:add("-- The prose against the tables, at the precision it is printed in.")
  -- the grain of a prose figure: 1万元 for '11,065万元', 0.01万元 for '18,976.76万元'
  local values = {}
  for _, sc in ipairs(doc.scalars) do values[sc.name] = sc.value end
  local function prec(name)
    local v = type(values[name]) == "string" and values[name] or ""
    local d = v:match("%.(%d+)") or ""
    local unit = v:find("万元", 1, true) and "万元" or "元"
    if #d == 0 then return "{precision = " .. q("1" .. unit) .. "}" end
    return "{precision = " .. q("0." .. string.rep("0", #d - 1) .. "1" .. unit) .. "}"
  end
  if scalars["预算支出总额"] then
    o:add("equal(\"预算支出总额\", figure \"预算支出总额\", stated(T3, \"合计\", \"合计\"), %s)", prec("预算支出总额"))
  end
  if scalars["财政拨款支出预算"] and T.T4 then
    o:add("equal(\"财政拨款支出预算\", figure \"财政拨款支出预算\", stated(T4, \"支出总计\", \"合计\"), %s)", prec("财政拨款支出预算"))
  end
  if scalars["一般公共预算拨款支出预算"] then
    o:add("equal(\"一般公共预算拨款支出预算\", figure \"一般公共预算拨款支出预算\", stated(T5, \"合计\", \"合计\"), %s)",
      prec("一般公共预算拨款支出预算"))
  end
  if scalars["国有资本经营预算拨款支出预算"] then
    o:add("equal(\"国有资本经营预算拨款支出预算\", figure \"国有资本经营预算拨款支出预算\", %s)",
      T.T6b and ("stated(T6b, \"合计\", \"合计\"), " .. prec("国有资本经营预算拨款支出预算")) or "\"0\"")
  end
  if #doc.prose_classes > 0 and T.T4 then
    local classes = {}
    for _, r in ipairs(T.T3.rows) do if #r.code == 3 then classes[r.name] = r.code end end
    local items = {}
    for _, name in ipairs(doc.prose_classes) do
      if classes[name] then items[#items + 1] = string.format("{%s, %s}", q(classes[name]), q(name)) end
    end
    if #items > 0 then
      o:add("for _, class in ipairs {")
      for i = 1, #items, 3 do o:add("  %s,", table.concat(items, ", ", i, math.min(i + 2, #items))) end
      o:add("} do")
      o:add("  local code, name = class[1], class[2]")
      o:add("  equal(\"说明:\" .. name, figure(\"说明:\" .. name), stated(T4, code, \"合计\"), {precision = \"1万元\"})")
      o:add("end")
    end
  end
  if T.T8 then
    for _, x in ipairs { { "说明:三公经费", "合计" }, { "说明:因公出国（境）费", "因公出国(境)费" },
                         { "说明:公务用车购置及运行费", "小计" }, { "说明:公务接待费", "公务接待费" },
                         { "说明:机关运行经费", "机关运行经费" } } do
      if scalars[x[1]] then o:add("equal(%s, figure %s, stated(T8, \"\", %s))", q(x[1]), q(x[1]), q(x[2])) end
    end
  end
  if scalars["政府采购预算"] then
    local parts = {}
    for _, n in ipairs { "政府采购货物预算", "政府采购工程预算", "政府采购服务预算" } do
      if scalars[n] then parts[#parts + 1] = "figure " .. q(n) end
    end
    o:add("sum_of(\"政府采购 = 货物 + 工程 + 服务\", figure \"政府采购预算\",")
    o:add("  {%s})", table.concat(parts, ", "))
  end
  if scalars["预留给小型和微型企业的政府采购项目预算"] and scalars["面向中小企业预留政府采购项目预算"] then
    o:add("at_most(\"预留给小微企业 ≤ 面向中小企业预留\", figure \"预留给小型和微型企业的政府采购项目预算\",")
    o:add("  figure \"面向中小企业预留政府采购项目预算\")")
  end
  if scalars["绩效目标项目预算资金"] then
    o:add("at_most(\"绩效目标项目资金 ≤ 项目支出\", figure \"绩效目标项目预算资金\", stated(T3, \"合计\", \"项目支出\"))")
  end
  o:add("")
  o:add("-- On the cells: identities that hold for the base and must hold for every scenario. The")
  o:add("-- links are the same money described twice: a scenario's change to one side is carried to")
  o:add("-- the other, so that they hold after every operation.")
  if T.T7 then
    o:add("link(\"经济分类 = 一般公共预算基本支出\", total({facts = \"经济\"}, \"经济分类合计\"),")
    o:add("  total({[\"资金来源\"] = \"一般公共预算\", [\"支出性质\"] = \"基本支出\"}, \"一般公共预算基本支出\"))")
    for _, x in ipairs { { "人员经费", "工资福利支出", "301", "对个人和家庭的补助", "303" },
                         { "公用经费", "商品和服务支出", "302", "资本性支出", "310" } } do
      if has_row(T.T7, x[3]) and has_row(T.T7, x[5]) then
        o:add("sum_of(%s, total {[\"经费类型\"] = %s},", q(x[1] .. " = " .. x[2] .. " + " .. x[4]), q(x[1]))
        o:add("  {total {[\"经济分类\"] = %s}, total {[\"经济分类\"] = %s}})", q(x[3]), q(x[5]))
      end
    end
    if T.T8 then
      for _, x in ipairs { { "三公: 因公出国(境)费 = 因公出国（境）费用", "因公出国(境)费", "因公出国" },
                           { "三公: 公务接待费 = 302 17", "公务接待费", "公务接待" },
                           { "三公: 公务用车运行费 = 公务用车运行维护费", "运行费", "运行" } } do
        local r = sangong_line(T.T7, x[3])
        if r then
          o:add("link(%s, total {[\"三公经费\"] = %s},", q(x[1]), q(x[2]))
          o:add("  total {[\"经济分类\"] = %s})", q(r.code))
        end
      end
      o:add("at_most(\"机关运行经费 ≤ 公用经费 (cells)\", figure \"机关运行经费\", total({[\"经费类型\"] = \"公用经费\"}, \"公用经费\"),")
      o:add("  {kind = \"identity\", precision = \"0.01万元\"})")
    end
  end
  if #doc.projects > 0 then
    o:add("part_of(\"listed projects ≤ 项目支出\", total {facts = \"项目\"}, total {[\"支出性质\"] = \"项目支出\"})")
  end
  end_section(o)
  section(o, "Policy: what a scenario must respect")
  if T.T8 then
    o:add("no_growth(\"三公经费不增长\", total({facts = \"三公\"}, \"三公经费\"))")
    o:add("no_growth(\"因公出国(境)费不增长\", total({[\"三公经费\"] = \"因公出国(境)费\"}, \"因公出国(境)费\"))")
    o:add("no_growth(\"公务接待费不增长\", total({[\"三公经费\"] = \"公务接待费\"}, \"公务接待费\"))")
    o:add("no_growth(\"公务用车购置及运行费不增长\", total({[\"三公经费\"] = \"公务用车购置及运行费\"}, \"公务用车购置及运行费\"))")
  end
  if T.T7 then
    o:add("no_fall(\"人员经费不减少\", total({[\"经费类型\"] = \"人员经费\"}, \"人员经费\"), {severity = \"warning\"})")
  end
  o:add("nonnegative \"没有负数\"")
  end_section(o)
end

-- What the writer of another template's models shares with this one.
M.q, M.out, M.section, M.end_section, M.exact, M.stated = q, out, section, end_section, exact, stated
M.printed_figures, M.is_leaf, M.view_name = printed_figures, is_leaf, view_name

-- The model file for a read document.
function M.model(doc, docname)
  local o = out()
  local cells, codes = spending_cells(doc)
  local _, names = function_codes(doc)
  write_header(o, doc, docname)
  write_dimensions(o, doc, codes, names)
  write_facts(o, doc, cells)
  write_scalars(o, doc)
  write_views(o, doc)
  write_rules(o, doc)
  return o:text()
end

return M
