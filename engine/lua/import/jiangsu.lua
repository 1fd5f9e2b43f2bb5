-- engine/lua/import/jiangsu.lua
-- The build and write stages for the Jiangsu 省级 template: twelve tables in
-- 万元, the function and economic tables with one amount column, the 支出预算总表
-- a single row of totals by use, the 收支预算总表 in three column groups, and a
-- 三公 table that adds 会议费 and 培训费. The cells are what the tables break
-- down without overlap: 一般公共预算 and 政府性基金 spending by function leaf,
-- 一般公共预算 basic spending by economic line, 机关运行经费 by economic line,
-- spending by use (财政拨款, and the rest as 支出预算总表 less 财政拨款), and the
-- 三公 lines. The summary tables that cross what no cell gives (收支预算总表,
-- 收入预算总表, 政府采购) are kept as printed and checked among themselves.
-- See LICENSE for copyright and license.

local C = require "budget.c"
local lex = require "budget.import.lex"
local rows = require "budget.import.rows"
local source = require "budget.import.source"
local W = require "budget.import.write"
local economic = require "budget.import.economic"

local M = {}

local ZERO = C.fen(0)
local q = W.q

local fail = source.fail

-- {==================================================================
-- Reading the tables
-- ===================================================================

-- A one-column coded table (function or economic codes × 金额): every row's one figure.
local function read_coded(src, t)
  rows.coded(src, t)
  local all = table.move(t.rows, 1, #t.rows, 1, {})
  if t.total then all[#all + 1] = t.total end
  for _, r in ipairs(all) do
    r.placed = { r.values[1] or ZERO, at = r.values[1] and { 1 } or {} }
  end
end

local numbered = "^[一二三四五六七八九十]+、"
local function is_numbered(label) return label:find(numbered) ~= nil or label:find("^%d+[%.、]") ~= nil end

-- A one-column table has no row sum to tell a misprinted figure from its parent's: where a
-- parent is not the sum of its rows by some amount d, and exactly one of those rows differs from
-- the same row of a partner table (财政拨款 for 一般公共预算, the economic tables for each other) by
-- d, that row is the misprint: its cell is the partner's figure, its printed one is kept for
-- the view, and 'check' reports it there.
local function repair(t, partner)
  if not (t and partner) then return end
  local by = {}
  for _, r in ipairs(partner.rows) do by[r.code] = r end
  local parents = { { row = t.total, kids = {} } }
  local index = {}
  for _, r in ipairs(t.rows) do index[r.code] = { row = r, kids = {} } end
  for _, r in ipairs(t.rows) do
    local up = r.code:match("^(.*) %d%d$")
    local p = up and index[up] or (not up and parents[1])
    if p and p.row then table.insert(p.kids, r) end
  end
  for _, r in ipairs(t.rows) do parents[#parents + 1] = index[r.code] end
  for _, p in ipairs(parents) do
    if p.row and #p.kids > 0 then
      local sum = ZERO
      for _, k in ipairs(p.kids) do sum = sum + k.placed[1] end
      local d = sum - p.row.placed[1]
      if d ~= ZERO then
        local hit
        for _, k in ipairs(p.kids) do
          local o = by[k.code]
          if o and k.placed[1] - o.placed[1] == d then hit = hit == nil and k or false end
        end
        if hit then hit.printed, hit.placed = hit.placed, { by[hit.code].placed[1] } end
      end
    end
  end
end

-- The labelled items of a table's lines: {label, figs = {words}, line, x0}, a label being the
-- words before a run of figures. Lines of the header (before the first numbered or total label)
-- are left out.
local function items_of(t)
  local out = {}
  for _, l in ipairs(t.lines) do
    if not rows.is_head(l) and not lex.flat(l.text):find("^注") then
      local cur
      for _, w in ipairs(l.words) do
        if lex.is_figure(w.s) then
          if cur then cur.figs[#cur.figs + 1] = w
          else out[#out + 1] = { label = "", figs = { w }, line = l, x0 = w.x0 } end
        else
          -- a new label after figures, at a numbered word, or after a gap wider than three characters
          local f = lex.flat(w.s)
          local wide = cur and cur.last and (w.x0 - cur.last.x1) > 3 * (cur.last.x1 - cur.last.x0) / utf8.len(cur.last.s)
          if not cur or #cur.figs > 0 or is_numbered(f) or wide then
            cur = { label = "", figs = {}, line = l, x0 = w.x0 }
            out[#out + 1] = cur
          end
          cur.label = cur.label .. f
          cur.last = w
        end
      end
    end
  end
  return out
end


-- The items of a table in column groups (收入 | 功能分类 | 支出用途): the groups split where the
-- numbered labels' left edges leave their widest gaps; a figure printed under another group's
-- column than its label's (a wrapped label) goes to that group's item beside it without one; a
-- label's end wrapped onto the next line ('费', '出', '算') joins it.
local function grouped(t, ngroups)
  local items = items_of(t)
  local starts = {}
  for _, it in ipairs(items) do
    if is_numbered(it.label) and it.x0 then starts[#starts + 1] = it.x0 end
  end
  table.sort(starts)
  local gaps = {}
  for i = 2, #starts do gaps[#gaps + 1] = { at = (starts[i] + starts[i - 1]) / 2, size = starts[i] - starts[i - 1] } end
  table.sort(gaps, function(a, b) return a.size > b.size end)
  local cuts = {}
  for i = 1, ngroups - 1 do if gaps[i] then cuts[#cuts + 1] = gaps[i].at end end
  table.sort(cuts)
  local function group_of(x)
    local g = 1
    for _, c in ipairs(cuts) do if x >= c then g = g + 1 end end
    return g
  end
  -- each group's column of figures: the median right edge of the figures its labels are followed by
  local edges = {}
  for g = 1, ngroups do edges[g] = {} end
  for _, it in ipairs(items) do
    if it.label ~= "" and #it.figs == 1 then table.insert(edges[group_of(it.x0)], it.figs[1].x1) end
  end
  local col = {}
  for g = 1, ngroups do
    table.sort(edges[g])
    col[g] = edges[g][(#edges[g] + 1) // 2]
  end
  local function figure_group(w)
    local best, d
    for g = 1, ngroups do
      if col[g] and (not d or math.abs(w.x1 - col[g]) < d) then best, d = g, math.abs(w.x1 - col[g]) end
    end
    return best
  end
  -- the header: the lines above the first that has a figure or a numbered label
  local first
  for _, it in ipairs(items) do
    if #it.figs > 0 or is_numbered(it.label) then first = it.line.index break end
  end
  local body = {}
  for _, it in ipairs(items) do if first and it.line.index >= first then body[#body + 1] = it end end
  items = body
  local out = {}
  for _, it in ipairs(items) do
    if it.label ~= "" then
      it.group = group_of(it.x0)
      it.values = {}
      out[#out + 1] = it
    end
  end
  -- figures: each to its own group's item on the line or the nearest line (of the items as near,
  -- the first); the items by line, so that a figure looks at the five lines about its own
  local by_line, order = {}, {}
  for n, it in ipairs(out) do
    order[it] = n
    local at = by_line[it.line.index]
    if not at then at = {} by_line[it.line.index] = at end
    at[#at + 1] = it
  end
  local function near_item(g, line, want_empty)
    local best, d
    for i = line.index - 2, line.index + 2 do
      for _, it in ipairs(by_line[i] or {}) do
        if it.group == g and it.line.page == line.page and (not want_empty or #it.values == 0) then
          local dist = math.abs(it.line.index - line.index)
          if not d or dist < d or (dist == d and order[it] < order[best]) then best, d = it, dist end
        end
      end
    end
    return best
  end
  for _, it in ipairs(items) do
    for _, w in ipairs(it.figs) do
      local g = it.label ~= "" and it.group or figure_group(w)
      local fg = figure_group(w)
      local target = it.label ~= "" and it or nil
      if fg and fg ~= g then
        local other = near_item(fg, it.line, true)
        if other then target = other end
      end
      if not target then target = near_item(fg or 1, it.line, true) end
      if target then target.figs_placed = target.figs_placed or {} table.insert(target.figs_placed, w) end
    end
  end
  -- wrapped label ends: a short unnumbered label with no figure right under an item of its group
  local kept = {}
  for _, it in ipairs(out) do
    local joined = false
    if not is_numbered(it.label) and not it.figs_placed and utf8.len(it.label) <= 3 then
      for k = #kept, 1, -1 do
        local p = kept[k]
        if it.line.index - p.line.index > 2 then break end  -- (the items are in line order: none nearer above)
        if p.group == it.group and p.line.page == it.line.page and it.line.index - p.line.index <= 2
           and p.line.index < it.line.index then
          p.label = p.label .. it.label
          joined = true
          break
        end
      end
    end
    if not joined then kept[#kept + 1] = it end
  end
  for _, it in ipairs(kept) do it.figs = it.figs_placed or {} end
  return kept
end

-- An item's one amount, in the table's unit.
local function value_of(src, t, it)
  if #it.figs > 1 then
    fail(src, it.line, "%s: '%s' has %d figures where the table has one column", t.title, it.label, #it.figs)
  end
  local w = it.figs[1]
  if not w then return ZERO, '""' end
  local m, err = lex.amount(w.s, t.unit)
  if not m then fail(src, it.line, "%s: %s", t.title, err) end
  return m, q(lex.ascii(w.s))
end

-- The unit a table states, 万元 unless it says otherwise.
local function unit_of(t)
  for _, l in ipairs(t.lines) do
    local u = lex.unit(l.text)
    if u then return u end
  end
  return "万元"
end

-- A table of one row of figures (支出预算总表, the 三公 table): the figure words and the header.
local function figure_row(t)
  local header, figs, line = {}, nil, nil
  for _, l in ipairs(t.lines) do
    if not rows.is_head(l) then
      local all = #l.words > 0
      for _, w in ipairs(l.words) do all = all and lex.is_figure(w.s) end
      if all and not figs then figs, line = l.words, l
      elseif not figs then header[#header + 1] = l end
    end
  end
  return figs or {}, header, line
end

local placements = require("budget.import.place").placements

-- }==================================================================

-- {==================================================================
-- The model
-- ===================================================================

local SANGONG = { "合计", "“三公”经费小计", "因公出国(境)费", "公务用车购置及运行维护费", "公务用车购置费",
                  "公务用车运行维护费", "公务接待费", "会议费", "培训费" }
local USES = { "基本支出", "项目支出", "单位预留机动经费", "结转下年资金" }

local function find_by_code(t, code)
  for _, r in ipairs(t and t.rows or {}) do if r.code == code then return r end end
end

-- Reads every table of a Jiangsu document: doc = {T, unit, ...}.
local function read(src, found)
  local T = {}
  for _, t in ipairs(found.tables) do
    if T[t.kind.key] then
      fail(src, t.title_line, "%s: a second table of this kind (the first is at %s)", t.title,
        source.where(src, T[t.kind.key].title_line))
    end
    T[t.kind.key] = t
  end
  for _, key in ipairs { "J1", "J3", "J4", "J5", "J7" } do
    if not T[key] then
      fail(src, src.lines[#src.lines], "the document has no %s table", ({ J1 = "收支预算总表", J3 = "支出预算总表",
        J4 = "财政拨款收支预算总表", J5 = "财政拨款支出预算表", J7 = "一般公共预算支出预算表" })[key])
    end
  end
  for _, t in pairs(T) do t.unit = unit_of(t) end
  for _, key in ipairs { "J5", "J6", "J7", "J8", "J9", "J10" } do if T[key] then read_coded(src, T[key]) end end
  repair(T.J7, T.J5)
  repair(T.J8, T.J6)
  repair(T.J10, T.J8)
  -- 支出预算总表: one row, its columns by the header's words
  do
    local t = T.J3
    local figs, header, line = figure_row(t)
    t.row = { figs = figs, line = line, values = {} }
    for i, w in ipairs(figs) do t.row.values[i] = assert(lex.amount(w.s, t.unit)) end
    local spans = rows.positioned_columns({ columns = { "合计", table.unpack(USES) } }, header)
    t.colnames = {}
    for _, c in ipairs(spans) do t.colnames[#t.colnames + 1] = c.name end
    if #figs > #spans then
      fail(src, line or t.title_line, "%s: %d figures for the %d columns its header names (%s)", t.title, #figs, #spans,
        table.concat(t.colnames, ", "))
    end
    local best, d
    for _, v in ipairs(placements(t.row.values, #spans)) do
      local cost = 0
      for i, c in ipairs(v.at) do
        cost = cost + math.abs((figs[i].x0 + figs[i].x1) / 2 - (spans[c].x0 + spans[c].x1) / 2)
      end
      if not d or cost < d then best, d = v, cost end
    end
    t.row.placed = best or { at = {} }
    for c = 1, #spans do t.row.placed[c] = t.row.placed[c] or ZERO end
  end
  -- the 三公 table: the standard form's nine columns, placed by its sums and 30231
  if T.J11 then
    local t = T.J11
    local figs, _, line = figure_row(t)
    local values = {}
    for i, w in ipairs(figs) do values[i] = assert(lex.amount(w.s, t.unit)) end
    if #values > #SANGONG then
      fail(src, line, "%s: %d figures for the form's %d columns", t.title, #values, #SANGONG)
    end
    local run = find_by_code(T.J8, "302 31") or find_by_code(T.J6, "302 31")
    -- each way scores the sums (and 30231) it keeps, or keeps once one misprinted figure is
    -- mended (a little less); a misprint keeps fewer, never stops the import
    local P = require "budget.import.place"
    local sums = { { 1, { 2, 8, 9 } }, { 2, { 3, 4, 7 } }, { 4, { 5, 6 } } }
    local links = run and { { 6, run.placed[1] } } or {}
    local fits, top = {}, -1
    for _, v in ipairs(placements(values, #SANGONG)) do
      local score = P.mend_score(v, sums, links)
      local mended = P.mend(v, sums, links)
      if mended then score = math.max(score, P.mend_score(mended, sums, links) - 0.5) end
      if score > top then fits, top = { v }, score elseif score == top then fits[#fits + 1] = v end
    end
    if #fits ~= 1 and #values < #SANGONG and top == #sums + #links then
      fail(src, line, "%s: %d figures for %d columns, and the table's sums leave open which (%d ways)", t.title,
        #values, #SANGONG, #fits)
    end
    t.row = { figs = figs, line = line, placed = fits[1] or placements(values, #SANGONG)[1] }
    local mended = P.mend(t.row.placed, sums, links)
    if mended then t.row.printed, t.row.placed = t.row.placed, mended end
  end
  -- the summary tables, as printed
  if T.J1 then
    -- its column groups as its header names them: 收入, then 功能分类 and 支出用途 where printed
    local n = 1
    for _, g in ipairs { "功能分类", "支出用途" } do
      for _, l in ipairs(T.J1.lines) do
        if is_numbered(lex.flat(l.text)) then break end
        if lex.flat(l.text):find(g, 1, true) then n = n + 1 break end
      end
    end
    T.J1.items = grouped(T.J1, math.max(n, 2))
  end
  if T.J4 then T.J4.items = grouped(T.J4, 2) end
  for _, key in ipairs { "J2", "J12" } do if T[key] then T[key].items = grouped(T[key], 1) end end
  return T
end

-- The function (or economic) members of the coded tables, by code.
local members = W.members

local function write_dimension(o, name, levels, codes, names)
  o:add("dimension %s {", q(name))
  o:add("  levels = {%s},", levels)
  for _, c in ipairs(codes) do o:add("  {%s, %s},", q(c), q(names[c])) end
  o:add("}")
  o:add("")
end

-- Leaf cells of a one-column coded table: {code, amount}.
local function leaf_cells(t, codes)
  local out = {}
  for _, r in ipairs(t and t.rows or {}) do
    if W.is_leaf(r.code, codes) and r.placed[1] ~= ZERO then out[#out + 1] = { r.code, r.placed[1] } end
  end
  return out
end

local function wan(m) return W.exact(m, "万元") end

-- A coded view over the cells, its stated rows as printed.
local function coded_view(o, t, number, facts, filter, dim, column, year)
  o:add("view %s {", q(W.view_name(t)))
  o:add("  number = %d, title = %s, unit = %s, facts = %s,", number, q(t.title), q(t.unit), q(facts))
  if t.notes and t.notes[1] then o:add("  note = %s,", q((t.notes[1].text:gsub("%s+", "")))) end
  if filter then o:add("  filter = %s,", filter) end
  o:add("  rows = { dimension = %s, total = \"合计\" },", q(dim))
  o:add("  columns = { {%s} },", q(column))
  o:add("  stated = {")
  if t.total then o:add("    {\"合计\", %s},", W.printed_figures(t.total, t.total.placed, 1, t.unit)[1]) end
  for _, r in ipairs(t.rows) do
    local extra = r.printed_code and (", printed_code = " .. q(r.printed_code)) or ""
    local official = dim == "经济分类" and economic.official(r.code, r.name, year, lex.flat)
    if official then extra = extra .. ", official_code = " .. q(official) end
    o:add("    {%s, %s, %s%s},", q(r.code), q(r.name), W.printed_figures(r, r.printed or r.placed, 1, t.unit)[1], extra)
  end
  o:add("  },")
  o:add("}")
  o:add("")
end

-- A view of printed rows only (no cell gives them): each item a row, with the rows it sums.
local function stated_block(o, src, t, items, title, sums)
  o:add("    { title = %s, columns = { {\"金额\", stated = true} },", q(title))
  o:add("      rows = {")
  local seen = {}
  for _, it in ipairs(items) do
    local key = it.key or it.label
    if seen[key] then fail(src, it.line, "%s: the row '%s' twice", t.title, key) end
    seen[key] = true
    local parts = sums and sums[key]
    local ps = ""
    if parts and #parts > 0 then
      local qs = {}
      for _, p in ipairs(parts) do qs[#qs + 1] = q(p) end
      ps = ", parts = {" .. table.concat(qs, ", ") .. "}"
    end
    o:add("        {%s, {}%s},", q(key), ps)
  end
  o:add("      },")
  o:add("      stated = {")
  for _, it in ipairs(items) do
    local _, printed = value_of(src, t, it)
    o:add("        {%s, %s},", q(it.key or it.label), printed)
  end
  o:add("      } },")
end

-- A view of printed rows only, in blocks: each {items, title, sums}.
local function stated_view(o, src, t, name, number, blocks)
  o:add("view %s {", q(name))
  o:add("  number = %d, title = %s, unit = %s,", number, q(t.title), q(t.unit))
  o:add("  blocks = {")
  for _, b in ipairs(blocks) do stated_block(o, src, t, b[1], b[2], b[3]) end
  o:add("  },")
  o:add("}")
  o:add("")
end

-- The rows each total of a block of 收支预算总表 sums, within its own group: a 小计 the numbered
-- items above it, a 合计 the 小计 and 结转 above it, a numbered item its numbered sub-items (1., 2.).
local function summary_sums(items)
  local sums = {}
  local tops, subs, last_top = {}, {}, {}
  local subtotals = setmetatable({}, { __index = function(st, g)  -- a group's 小计 and 结转, found once a group
    local p = {}
    for _, x in ipairs(items) do
      if x.group == g and (x.label:find("小计$") or x.label:find("结转")) then p[#p + 1] = x.label end
    end
    st[g] = p
    return p
  end })
  for _, it in ipairs(items) do
    local g, l = it.group, it.label
    tops[g] = tops[g] or {}
    if l:find(numbered) then
      table.insert(tops[g], l)
      last_top[g] = l
      subs[l] = {}
    elseif l:find("^%d+[%.、]") and last_top[g] then
      table.insert(subs[last_top[g]], l)
    elseif l:find("小计$") and #tops[g] > 0 then
      sums[l] = tops[g]
    elseif l:find("合计$") then
      local p = subtotals[g]
      if #p > 0 then sums[l] = p end
    end
  end
  for top, s in pairs(subs) do if #s > 0 then sums[top] = s end end
  return sums
end

-- Each item's key in its view: its label, and its row's number too where the label is printed
-- more than once, or always where it matches 'repeated' (小计).
local function unique_keys(items, repeated)
  local seen = {}
  for i, it in ipairs(items) do
    it.key = it.label
    if seen[it.key] or (repeated and it.label:find(repeated)) then it.key = string.format("%s (%d)", it.label, i) end
    seen[it.key] = true
  end
end

-- The model file of a Jiangsu document.
function M.model(src, found, docname)
  local T = read(src, found)
  local o = W.out()
  local department
  for _, l in ipairs(src.lines) do
    local d = lex.ascii(l.text):match("^%s*部门%s*:%s*(%S+)")
    if d then department = d break end
  end
  if not department then  -- no issuer line: the name in a title ('2018年度江苏省高级人民法院收支预算总表')
    local title = T.J1.title:gsub("^%d%d%d%d年", ""):gsub("^度", "")
    department = title:sub(1, #title - #T.J1.kind.suffix)
    if department == "" then department = nil end
  end
  local year
  for _, t in pairs(T) do year = year or t.title:match("(%d%d%d%d)年") end
  for _, l in ipairs(src.lines) do year = year or lex.flat(l.text):match("(%d%d%d%d)年度部门预算") end
  o:add("-- %s", (docname:match("[^/]*$"):gsub("%.[^.]*$", ".lua")))
  o:add("-- Imported by 'budget import' from %s (the Jiangsu 省级 template): every table,", docname:match("[^/]*$"))
  o:add("-- with the rules every such document gets. Cells: 一般公共预算 and 政府性基金 spending by")
  o:add("-- function leaf, 一般公共预算 basic spending and 机关运行经费 by economic line, spending by use,")
  o:add("-- the 三公 lines; the summary tables are kept as printed.")
  o:add("")
  o:add("model {")
  o:add("  name = %s,", q((department or "") .. (year and (year .. "年") or "") .. "部门预算"))
  if department then o:add("  department = %s,", q(department)) end
  if year then o:add("  year = %s,", year) end
  o:add("  document = %s,", q(docname:match("[^/]*$")))
  o:add("  main = \"支出\",")
  o:add("}")
  W.section(o, "Dimensions")
  local fcodes, fnames = members(T, { "J5", "J7", "J9" })
  write_dimension(o, "功能分类", "\"类\", \"款\", \"项\"", fcodes, fnames)
  local ecodes, enames = members(T, { "J6", "J8", "J10" })
  write_dimension(o, "经济分类", "\"类\", \"款\"", ecodes, enames)
  o:add("dimension \"资金来源\" {")
  o:add("  {\"财政拨款\", {\"一般公共预算\"}, {\"政府性基金\"}},")
  o:add("}")
  o:add("")
  o:add("dimension \"资金\" {")
  o:add("  {\"财政拨款\"},")
  o:add("  {\"其他资金\"},")
  o:add("}")
  o:add("")
  o:add("dimension \"支出用途\" {")
  for _, u in ipairs(USES) do o:add("  {%s},", q(u)) end
  o:add("}")
  if T.J11 then
    o:add("")
    o:add("dimension \"三公经费\" {")
    o:add("  {\"“三公”经费\", {\"因公出国(境)费\"}, {\"公务用车购置及运行维护费\", {\"公务用车购置费\"}, {\"公务用车运行维护费\"}},")
    o:add("    {\"公务接待费\"}},")
    o:add("  {\"会议费\"},")
    o:add("  {\"培训费\"},")
    o:add("}")
  end
  W.end_section(o)
  W.section(o, "Facts")
  o:add("facts \"支出\" {")
  o:add("  dims = {\"功能分类\", \"资金来源\"},")
  o:add("  unit = \"万元\", grain = \"0.01万元\",")
  for _, c in ipairs(leaf_cells(T.J7, fcodes)) do o:add("  {%s, \"一般公共预算\", %s},", q(c[1]), wan(c[2])) end
  for _, c in ipairs(leaf_cells(T.J9, fcodes)) do o:add("  {%s, \"政府性基金\", %s},", q(c[1]), wan(c[2])) end
  o:add("}")
  o:add("")
  o:add("facts \"经济\" {")
  o:add("  dims = {\"经济分类\"},")
  o:add("  unit = \"万元\", grain = \"0.01万元\",")
  for _, c in ipairs(leaf_cells(T.J8 or T.J6, ecodes)) do o:add("  {%s, %s},", q(c[1]), wan(c[2])) end
  o:add("}")
  if T.J10 then
    o:add("")
    o:add("facts \"机关运行经费\" {")
    o:add("  dims = {\"经济分类\"},")
    o:add("  unit = \"万元\", grain = \"0.01万元\",")
    for _, c in ipairs(leaf_cells(T.J10, ecodes)) do o:add("  {%s, %s},", q(c[1]), wan(c[2])) end
    o:add("}")
  end
  -- spending by use: 财政拨款 from 财政拨款收支预算总表, the rest the 支出预算总表 less it
  local uses_all = {}
  for c, name in ipairs(T.J3.colnames) do uses_all[name] = T.J3.row.placed[c] end
  local uses_fiscal = {}
  if T.J4 then
    for _, it in ipairs(T.J4.items) do
      if it.group == 2 then
        for _, u in ipairs(USES) do
          if it.label:find(u, 1, true) then uses_fiscal[u] = (value_of(src, T.J4, it)) end
        end
      end
    end
  end
  o:add("")
  o:add("facts \"支出用途\" {")
  o:add("  dims = {\"资金\", \"支出用途\"},")
  o:add("  unit = \"万元\", grain = \"0.01万元\",")
  for _, u in ipairs(USES) do
    local all, fiscal = uses_all[u] or ZERO, uses_fiscal[u] or ZERO
    if fiscal ~= ZERO then o:add("  {\"财政拨款\", %s, %s},", q(u), wan(fiscal)) end
    -- (less than the 财政拨款 part: a misprint in one of the two tables; no cell, 'check' says where)
    if all - fiscal > ZERO then o:add("  {\"其他资金\", %s, %s},", q(u), wan(all - fiscal)) end
  end
  o:add("}")
  if T.J11 then
    o:add("")
    o:add("facts \"三公\" {")
    o:add("  dims = {\"三公经费\"},")
    o:add("  unit = \"万元\", grain = \"0.01万元\",")
    local v = T.J11.row.placed
    for _, c in ipairs { 3, 5, 6, 7, 8, 9 } do
      if v[c] ~= ZERO then o:add("  {%s, %s},", q(SANGONG[c]), wan(v[c])) end
    end
    o:add("}")
  end
  W.end_section(o)
  W.section(o, "The published tables")
  local names = {}
  local function name_of(key) names[key] = W.view_name(T[key]) return names[key] end
  -- 1 收支预算总表
  do
    local t = T.J1
    name_of("J1")
    local by_group = { {}, {}, {} }
    for _, it in ipairs(t.items) do table.insert(by_group[it.group], it) end
    local sums = summary_sums(t.items)
    stated_view(o, src, t, names.J1, 1, { { by_group[1], "收入", sums }, { by_group[2], "支出功能分类", sums },
                                          { by_group[3], "支出用途" } })
  end
  -- 2 收入预算总表: its labels as paths under the group a 小计 opens
  if T.J2 then
    local t = T.J2
    name_of("J2")
    unique_keys(t.items, "小计$")
    stated_view(o, src, t, names.J2, 2, { { t.items, "收入" } })
  end
  -- 3 支出预算总表
  do
    local t = T.J3
    name_of("J3")
    o:add("view %s {", q(names.J3))
    o:add("  number = 3, title = %s, unit = %s, facts = \"支出用途\",", q(t.title), q(t.unit))
    o:add("  rows = { {\"\", {}} },")
    o:add("  columns = {")
    for _, c in ipairs(t.colnames) do
      if c == "合计" then o:add("    {\"合计\"},") else o:add("    {%s, {[\"支出用途\"] = %s}},", q(c), q(c)) end
    end
    o:add("  },")
    o:add("  stated = {")
    o:add("    {\"\", %s},", table.concat(W.printed_figures(t.row, t.row.placed, #t.colnames, t.unit), ", "))
    o:add("  },")
    o:add("}")
    o:add("")
  end
  -- 4 财政拨款收支预算总表
  if T.J4 then
    local t = T.J4
    name_of("J4")
    local left, right = {}, {}
    for _, it in ipairs(t.items) do if it.group == 1 then left[#left + 1] = it else right[#right + 1] = it end end
    local lsum = {}
    for _, it in ipairs(left) do if it.label:find(numbered) then lsum[#lsum + 1] = it.label end end
    local total_left
    for _, it in ipairs(left) do if it.label:find("合计$") then total_left = it.label end end
    o:add("view %s {", q(names.J4))
    o:add("  number = 4, title = %s, unit = %s, facts = \"支出用途\",", q(t.title), q(t.unit))
    o:add("  blocks = {")
    stated_block(o, src, t, left, "收入", total_left and { [total_left] = lsum } or nil)
    o:add("    { title = \"支出\", filter = {[\"资金\"] = \"财政拨款\"}, columns = { {\"金额\"} },")
    o:add("      rows = {")
    local parts = {}
    for _, it in ipairs(right) do
      local use
      for _, u in ipairs(USES) do if it.label:find(u, 1, true) then use = u end end
      if use then
        o:add("        {%s, {[\"支出用途\"] = %s}},", q(it.label), q(use))
        parts[#parts + 1] = q(it.label)
      elseif it.label:find("合计$") then
        o:add("        {%s, {}, parts = {%s}},", q(it.label), table.concat(parts, ", "))
      else
        fail(src, it.line, "%s: '%s' is not a use of spending (%s)", t.title, it.label, table.concat(USES, ", "))
      end
    end
    o:add("      },")
    o:add("      stated = {")
    for _, it in ipairs(right) do
      local _, printed = value_of(src, t, it)
      o:add("        {%s, %s},", q(it.label), printed)
    end
    o:add("      } },")
    o:add("  },")
    o:add("}")
    o:add("")
  end
  -- 5–10: the coded tables
  local coded = {
    { "J5", 5, "支出", "{[\"资金来源\"] = \"财政拨款\"}", "功能分类" },
    { "J6", 6, "经济", nil, "经济分类" },
    { "J7", 7, "支出", "{[\"资金来源\"] = \"一般公共预算\"}", "功能分类" },
    { "J8", 8, "经济", nil, "经济分类" },
    { "J9", 9, "支出", "{[\"资金来源\"] = \"政府性基金\"}", "功能分类" },
    { "J10", 10, "机关运行经费", nil, "经济分类" },
  }
  for _, c in ipairs(coded) do
    local t = T[c[1]]
    if t then
      name_of(c[1])
      coded_view(o, t, c[2], c[3], c[4], c[5], t.columns[1] and t.columns[1].name or "金额", year)
    end
  end
  -- 11 三公
  if T.J11 then
    local t = T.J11
    name_of("J11")
    local sel = {
      [2] = "“三公”经费", [3] = "因公出国(境)费", [4] = "公务用车购置及运行维护费", [5] = "公务用车购置费",
      [6] = "公务用车运行维护费", [7] = "公务接待费", [8] = "会议费", [9] = "培训费",
    }
    o:add("view %s {", q(names.J11))
    o:add("  number = 11, title = %s, unit = %s, facts = \"三公\",", q(t.title), q(t.unit))
    o:add("  rows = { {\"\", {}} },")
    o:add("  columns = {")
    o:add("    {\"合计\"},")
    for c = 2, #SANGONG do o:add("    {%s, {[\"三公经费\"] = %s}},", q(SANGONG[c]), q(sel[c])) end
    o:add("  },")
    o:add("  stated = {")
    o:add("    {\"\", %s},", table.concat(W.printed_figures(t.row, t.row.printed or t.row.placed, #SANGONG, t.unit), ", "))
    o:add("  },")
    o:add("}")
    o:add("")
  end
  -- 12 政府采购: as printed
  if T.J12 and #T.J12.items > 0 then
    local t = T.J12
    name_of("J12")
    unique_keys(t.items)
    stated_view(o, src, t, names.J12, 12, { { t.items, "政府采购" } })
  end
  W.end_section(o)
  -- rules
  W.section(o, "Rules: every identity of the document")
  o:add("for _, name in ipairs {")
  local list = {}
  for _, key in ipairs { "J1", "J2", "J3", "J4", "J5", "J6", "J7", "J8", "J9", "J10", "J11", "J12" } do
    if names[key] then list[#list + 1] = q(names[key]) end
  end
  for i = 1, #list, 4 do o:add("  %s,", table.concat(list, ", ", i, math.min(i + 3, #list))) end
  o:add("} do")
  o:add("  view_rules(name)")
  o:add("end")
  o:add("")
  for _, key in ipairs { "J1", "J2", "J3", "J4", "J5", "J6", "J7", "J8", "J9", "J10", "J11", "J12" } do
    if names[key] then o:add("local %s = %s", key, q(names[key])) end
  end
  o:add("")
  local function label_in(t, group, pattern)
    for _, it in ipairs(t and t.items or {}) do
      if (not group or it.group == group) and it.label:find(pattern) then return it.label end
    end
  end
  local inc, out_ = label_in(T.J1, 1, "^收入合计$"), label_in(T.J1, 2, "^支出合计$")
  if inc and out_ then
    o:add("equal(\"收入合计 = 支出合计\", stated(J1, %s, \"金额\"), stated(J1, %s, \"金额\"))", q(inc), q(out_))
  end
  local fiscal = label_in(T.J1, 1, "^一、财政拨款")
  local j4total = label_in(T.J4, 1, "合计$")
  if fiscal and j4total then
    o:add("equal(\"财政拨款收入 = 财政拨款收支预算总表\", stated(J1, %s, \"金额\"), stated(J4, %s, \"金额\"))", q(fiscal),
      q(j4total))
  end
  local total2 = label_in(T.J2, nil, "^收入总计$")
  if total2 and inc then
    o:add("equal(\"收入总计 = 收支总表的收入合计\", stated(J2, %s, \"金额\"), stated(J1, %s, \"金额\"))", q(total2), q(inc))
  end
  -- the spending totals printed across the function and use groups: Σ 类 = Σ uses = 当年支出小计
  local spent = label_in(T.J1, nil, "^当年支出小计$")
  if spent then
    for _, gw in ipairs { { 2, "类" }, { 3, "用途" } } do
      local g, what = gw[1], gw[2]
      local parts = {}
      for _, it in ipairs(T.J1.items) do
        if it.group == g and it.label:find(numbered) then parts[#parts + 1] = string.format("stated(J1, %s, \"金额\")", q(it.label)) end
      end
      if #parts > 0 then
        o:add("sum_of(%s, stated(J1, %s, \"金额\"), {", q("当年支出小计 = Σ " .. what), q(spent))
        for i = 1, #parts, 3 do o:add("  %s,", table.concat(parts, ", ", i, math.min(i + 2, #parts))) end
        o:add("})")
      end
    end
  end
  for _, it in ipairs(T.J1.items) do
    if it.group == 3 then
      for _, u in ipairs(USES) do
        if it.label:find(u, 1, true) and uses_all[u] then
          o:add("equal(%s, stated(J1, %s, \"金额\"), stated(J3, \"\", %s))", q("收支总表的" .. u .. " = 支出预算总表"),
            q(it.label), q(u))
        end
      end
    end
  end
  if T.J4 then
    local right_total = label_in(T.J4, 2, "合计$")
    if right_total then
      o:add("equal(\"财政拨款支出 = 财政拨款支出预算表\", stated(J4, %s, \"金额\"), stated(J5, \"合计\", \"金额\"))",
        q(right_total))
    end
  end
  o:add("")
  o:add("-- On the cells: identities that hold for the base and must hold for every scenario. The")
  o:add("-- links are the same money described twice: a scenario's change to one side is carried to")
  o:add("-- the other, so that they hold after every operation.")
  o:add("link(\"财政拨款支出 = 支出用途的财政拨款\", total({facts = \"支出\"}, \"财政拨款支出\"),")
  o:add("  total({facts = \"支出用途\", [\"资金\"] = \"财政拨款\"}, \"支出用途的财政拨款\"))")
  if T.J8 and T.J4 then
    o:add("link(\"一般公共预算基本支出 = 经济分类\", total({facts = \"经济\"}, \"经济分类合计\"),")
    o:add("  total({facts = \"支出用途\", [\"资金\"] = \"财政拨款\", [\"支出用途\"] = \"基本支出\"}, \"财政拨款基本支出\"))")
  end
  if T.J11 and find_by_code(T.J8, "302 31") then
    o:add("link(\"三公: 公务用车运行维护费 = 302 31\", total {[\"三公经费\"] = \"公务用车运行维护费\"},")
    o:add("  total {[\"经济分类\"] = \"302 31\", facts = \"经济\"})")
  end
  if T.J10 and T.J8 then  -- 机关运行经费 is the administrative units' running costs: a part of basic spending
    o:add("part_of(\"机关运行经费 ≤ 经济分类\", total({facts = \"机关运行经费\"}, \"机关运行经费\"),")
    o:add("  total({facts = \"经济\"}, \"经济分类合计\"))")
  end
  W.end_section(o)
  W.section(o, "Policy: what a scenario must respect")
  if T.J11 then
    o:add("no_growth(\"三公经费不增长\", total({[\"三公经费\"] = \"“三公”经费\"}, \"三公经费\"))")
  end
  o:add("nonnegative \"没有负数\"")
  W.end_section(o)
  return o:text()
end

return M
