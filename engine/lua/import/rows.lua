-- engine/lua/import/rows.lua
-- The read-a-table stage: a table's lines as its unit, its columns (with the
-- x span of each column's header where the source has positions) and its
-- rows (codes, name, figure words), figures not yet placed in columns.
-- Headers repeated after a page break, notes, '无' rows and wrapped names are
-- recognised here.
-- See LICENSE for copyright and license.

local lex = require "budget.import.lex"
local source = require "budget.import.source"

local M = {}

local fail = source.fail

local function figures_of(words, from)
  local figs = {}
  for k = from, #words do
    if not lex.is_figure(words[k].s) then return nil end
    figs[#figs + 1] = words[k]
  end
  return figs
end

-- Whether a line is the unit or issuer line of a table.
local function is_head(line)
  local flat = lex.flat(line.text)
  return lex.unit(line.text) or flat:find("^编制部门:") or flat:find("^编制单位:") or flat:find("^部门:")
    or flat:find("^预算单位:") or flat:find("^预算主管部门:")
end
M.is_head = is_head

-- A coded row: {code = "208 05 02", segs, name, figs = {words}, line, odd}, or nil.
local function coded_row(line)
  local words = line.words
  local segs, used, glued, odd = lex.code(words)
  if not segs then return nil end
  local name = {}
  if glued ~= "" then name[1] = glued end
  local k = used + 1
  while words[k] and not lex.is_figure(words[k].s) do
    name[#name + 1] = words[k].s
    k = k + 1
  end
  local figs = figures_of(words, k)
  if not figs then return nil end
  if #name == 0 and #figs == 0 then return nil end
  local printed
  if odd then  -- a segment mended ('301 2' read as 301 02): kept as printed, for 'check' to report
    local ws = {}
    for k = 1, used do ws[k] = words[k].s end
    printed = table.concat(ws, " ")
  end
  return { code = table.concat(segs, " "), segs = segs, name = table.concat(name, " "), figs = figs, line = line,
           printed_code = printed, name_x0 = words[used + 1] and words[used + 1].x0 or (glued ~= "" and words[used].x0) }
end
M.coded_row = coded_row

-- A total row: '合计' (or '总计', possibly spaced '合 计') and figures; nil when the line is not one.
local function total_row(line)
  local words = line.words
  local label, k = "", 1
  while words[k] and not lex.is_figure(words[k].s) and #label < 6 do
    label = label .. lex.flat(words[k].s)
    k = k + 1
  end
  if label ~= "合计" and label ~= "总计" then return nil end
  local figs = figures_of(words, k)
  if not figs then return nil end
  return { code = "合计", name = nil, figs = figs, line = line, is_total = true }
end

-- {==================================================================
-- Columns from the header
-- ===================================================================

local aliases  -- below

-- The header words that spell 'name', top to bottom or left to right ('事业单位' over '经营收入',
-- '合 计'): a list of words, or nil. 'w' is a word of the header's line 'row'; 'flat' gives a
-- word's flat text. The rest of a name is looked for on the word's line and the three below it
-- only, in the order of the header, so that a header of many lines costs each of its words the
-- words near it, not every word of the header.
local function spell(name, w, row, header, flat, depth)
  local f = flat[w.s]
  if f == name then return { w } end
  if depth > 3 or #f == 0 or name:sub(1, #f) ~= f then return nil end
  local rest = name:sub(#f + 1)
  for r = row, math.min(row + 3, #header) do
    for _, v in ipairs(header[r].words) do
      local below = r > row and v.x0 < w.x1 + 1 and w.x0 < v.x1 + 1
      local beside = r == row and v.x0 >= w.x1 and v.x0 - w.x1 <= math.max(8, 4 * (w.x1 - w.x0))
      if below or beside then
        local got = spell(rest, v, r, header, flat, depth + 1)
        if got then
          table.insert(got, 1, w)
          return got
        end
      end
    end
  end
end

-- The columns a positioned header names: {name, x0, x1} in x order.
local function positioned_columns(kind, header)
  local flat = setmetatable({}, { __index = function(cache, s)  -- a word's flat text, made once a text
    local f = lex.flat(s)
    cache[s] = f
    return f
  end })
  -- the first word (in the header's order) that starts a spelling of name, and the spelling
  local function first_spelling(name)
    for r, l in ipairs(header) do
      for _, w in ipairs(l.words) do
        local got = spell(name, w, r, header, flat, 0)
        if got then return got end
      end
    end
  end
  local found = {}
  for _, col in ipairs(kind.columns) do
    local names = { col, table.unpack(aliases(kind, col)) }
    local got
    for _, nm in ipairs(names) do
      got = first_spelling(lex.ascii(nm))
      if got then break end
    end
    if not got and utf8.len(col) > 4 then
      -- a name printed in other words ('2024年机关运行经' / '费预算数'): the word holding its first four characters
      local stem = lex.ascii(col):sub(1, utf8.offset(lex.ascii(col), 5) - 1)
      for _, l in ipairs(header) do
        for _, w in ipairs(l.words) do
          if flat[w.s]:find(stem, 1, true) then got = { w } break end
        end
        if got then break end
      end
    end
    if got then
      local x0, x1 = math.huge, -math.huge
      for _, w in ipairs(got) do x0, x1 = math.min(x0, w.x0), math.max(x1, w.x1) end
      found[#found + 1] = { name = col, x0 = x0, x1 = x1 }
    end
  end
  table.sort(found, function(a, b) return a.x0 < b.x0 end)
  return found
end

-- The other names a kind gives a column, in a fixed order.
aliases = function(kind, col)
  local out = {}
  for alias, target in pairs(kind.alias or {}) do if target == col then out[#out + 1] = alias end end
  table.sort(out)
  return out
end

local function index_of(list, x)
  for i, y in ipairs(list) do if y == x then return i end end
end

-- The columns a header names, without positions: a name is found within a line's words (a
-- header may run words together, '财政拨款收入事业收入') but never across a space, so that '项目
-- 支出预算' is not taken for 项目支出; or broken over lines ('事业单位' ... / '经营收入'): its first
-- part ends a word and its rest starts a word of a later line. Without positions the order is
-- the template's, which is the order the forms print.
local function text_columns(kind, header)
  -- each distinct word of the header (in ASCII where structure is concerned) with the first and
  -- last line it is on: a header repeated on every page prints the same words again and again,
  -- and a name is looked for once a word
  local words, first, last = {}, {}, {}
  for i, l in ipairs(header) do
    for _, w in ipairs(l.words) do
      w = lex.ascii(w.s)
      if not first[w] then words[#words + 1], first[w] = w, i end
      last[w] = i
    end
  end
  local function within(name)
    for _, w in ipairs(words) do if w:find(name, 1, true) then return true end end
  end
  -- (a word ending in a on a line above one with a word starting with b; where a search of the
  -- later lines from every word ending in a grew with the square of the header's words)
  local function broken(name)
    for k = 3, #name - 3 do
      local a, b = name:sub(1, k), name:sub(k + 1)
      if utf8.len(a) and utf8.len(b) then
        local first_a, last_b
        for _, w in ipairs(words) do
          if w:sub(-#a) == a and (not first_a or first[w] < first_a) then first_a = first[w] end
          if w:sub(1, #b) == b and (not last_b or last[w] > last_b) then last_b = last[w] end
        end
        if first_a and last_b and first_a < last_b then return true end
      end
    end
  end
  local found = {}
  for _, col in ipairs(kind.columns) do
    local names = { lex.ascii(col) }
    for _, alias in ipairs(aliases(kind, col)) do names[#names + 1] = lex.ascii(alias) end
    for _, nm in ipairs(names) do
      if within(nm) or broken(nm) then found[#found + 1] = { name = col, word = nm } break end
    end
  end
  -- where one line of the header names several columns in another order than the template's,
  -- the line's order is the document's: those columns take it, the others keep their places
  -- (a line printed again can name no more of them than it did the first time)
  local best, best_n = nil, 1
  local seen = {}
  for _, l in ipairs(header) do
    local ws = {}
    for _, w in ipairs(l.words) do ws[#ws + 1] = lex.ascii(w.s) end
    local text = table.concat(ws, "|")
    if not seen[text] then
      seen[text] = true
      local at, n = {}, 0
      for i, f in ipairs(found) do
        local a = text:find(f.word, 1, true)
        if a then at[i], n = a, n + 1 end
      end
      if n > best_n then best, best_n = at, n end
    end
  end
  if best then
    local slots, cols = {}, {}
    for i in ipairs(found) do if best[i] then slots[#slots + 1] = i cols[#cols + 1] = found[i] end end
    table.sort(cols, function(x, y) return best[index_of(found, x)] < best[index_of(found, y)] end)
    local reordered = { table.unpack(found) }
    for k, i in ipairs(slots) do reordered[i] = cols[k] end
    found = reordered
  end
  return found
end

-- }==================================================================

-- The amounts of a row's figure words in the table's unit (t.decimals: the most it prints), or
-- an error at the row's line.
local function amounts(src, t, r)
  local values = {}
  for k, w in ipairs(r.figs) do
    local m, err = lex.amount(w.s, t.unit)
    if not m then fail(src, r.line, "%s: %s", t.title, err) end
    values[k] = m
    t.decimals = math.max(t.decimals, lex.decimals(w.s))
  end
  return values
end

-- Reads a coded table: t.unit, t.columns ({name, x0, x1}), t.rows, t.total, t.decimals, t.notes.
function M.coded(src, t)
  local header, unit = {}, nil
  local rows, pending = {}, nil  -- pending: a line of words only, which may start a wrapped name
  t.notes = {}
  local last_row
  local page_headers, row_pages = {}, {}  -- header lines repeated on a later page; pages with rows
  local header_names_total = false  -- whether a line of the header names 合计
  local continued = {}  -- by its number of segments and last segment, the last row read (a misprinted class continues it)
  local has_total_column = false
  for _, c in ipairs(t.kind.columns or {}) do if c == "合计" then has_total_column = true end end
  for _, l in ipairs(t.lines) do
    local u = lex.unit(l.text)
    if u then unit = unit or u end
    local flat = lex.flat(l.text)
    if u or is_head(l) then
      -- the unit or issuer line
    elseif flat:find("^注") or flat == "无" then
      t.notes[#t.notes + 1] = l
    else
      local row = t.kind.shape ~= "sangong" and coded_row(l) or nil
      local total = not row and total_row(l)
      if total and #total.figs == 0 and #rows == 0 and has_total_column then
        -- a bare '合计' is the empty table's total row once the header has named its 合计 column
        if not header_names_total then total = nil end
      end
      if row and #row.segs[1] ~= 3 then
        -- a class misprinted ('7 11 02' under '210 11'): read by its place, under the row above
        -- whose segments it continues, and kept as printed for 'check' to report
        local p = #row.segs - 1 >= 2 and continued[(#row.segs - 1) .. " " .. row.segs[#row.segs - 1]]
        if p then
          local segs = { table.unpack(p.segs) }
          segs[#segs + 1] = row.segs[#row.segs]
          row.segs, row.code = segs, table.concat(segs, " ")
          row.placed_by = "place"
        end
        if not row.placed_by then
          fail(src, l, "%s: row '%s %s': a code whose class is not three digits, and no row above it that it "
            .. "continues", t.title, row.code, row.name)
        end
      end
      if row or total then row_pages[l.page] = true end
      if row then
        if row.name == "" and pending and pending.page == l.page then
          row.name = lex.flat(pending.text)
          row.wrapped = true
        end
        rows[#rows + 1] = row
        if #row.segs >= 2 then continued[#row.segs .. " " .. row.segs[#row.segs]] = row end
        last_row = row
        pending = nil
      elseif total then
        t.total = total
        last_row = nil
        pending = nil
      else
        local figs = figures_of(l.words, 1)
        local amounts = false
        for _, w in ipairs(l.words) do amounts = amounts or lex.is_amount(w.s) end
        if t.kind.shape == "coded" and lex.code(l.words) and amounts then
          -- a code and amounts, but not as a row reads: a word among the figures, two rows run together
          fail(src, l, "%s: expected a row as 'code name figures' (such as '201 29 01 行政运行 17,573,692'), "
            .. "got '%s': a word among its figures, or two rows on one line?", t.title, l.text)
        end
        if figs and #figs > 0 then
          if t.kind.shape == "sangong" then
            rows[#rows + 1] = { code = "", figs = figs, line = l }
          elseif not l.text:find("%%") then
            fail(src, l, "%s: expected a row as 'code name figures' (such as '201 29 01 行政运行 17,573,692') or "
              .. "'合计 figures', got '%s'", t.title, l.text)
          end
        elseif last_row and last_row.wrapped and last_row.line.page == l.page and #flat <= 12 then
          last_row.name = last_row.name .. flat  -- the end of a name wrapped around its row
          last_row.wrapped = nil
        elseif last_row and last_row.name_x0 and l.words[1].x0 and l.index == last_row.line.index + 1 and #flat <= 9
               and l.words[1].x0 >= last_row.name_x0 - 1 and last_row.figs[1] and l.words[#l.words].x1 < last_row.figs[1].x0 then
          last_row.name = last_row.name .. flat  -- the end of a name wrapped under it, in the name's column
          last_row.name_x0 = nil
        elseif #rows == 0 and not t.total then
          header[#header + 1] = l
          header_names_total = header_names_total or lex.flat(l.text):find("合计", 1, true) ~= nil
        else
          -- a header repeated at the top of a page, or the start of a wrapped name
          if not row_pages[l.page] then
            page_headers[l.page] = page_headers[l.page] or {}
            table.insert(page_headers[l.page], l)
          end
          pending = l
        end
      end
    end
  end
  t.unit = unit or "元"
  t.header = header
  t.rows = rows
  if #rows > 0 and not t.total and t.kind.shape == "coded" then
    local last = t.lines[#t.lines]
    fail(src, last, "%s: the table ends without its 合计 row (is the document cut short?)", t.title)
  end
  -- columns
  if t.kind.shape == "sangong" then
    -- a standard form whose header the text scrambles: its columns in the form's own order,
    -- with their spans where every one of them is found
    t.columns = {}
    for _, c in ipairs(t.kind.columns) do t.columns[#t.columns + 1] = { name = c } end
    if src.form ~= "text" then
      local spans = positioned_columns(t.kind, header)
      if #spans == #t.columns then t.columns = spans end
    end
  elseif src.form ~= "text" then
    t.columns = positioned_columns(t.kind, header)
    if #t.columns < 1 then t.columns = text_columns(t.kind, header) end
    -- each later page's own header, where it repeats one naming the same columns
    t.page_columns = {}
    if t.columns[1] and t.columns[1].x0 then
      if header[1] then t.page_columns[header[1].page] = t.columns end
      for page, lines in pairs(page_headers) do
        local cols = positioned_columns(t.kind, lines)
        if #cols == #t.columns then t.page_columns[page] = cols end
      end
    end
  else
    t.columns = text_columns(t.kind, header)
  end
  if #t.columns == 0 then
    fail(src, t.title_line, "%s: the header of this table names none of the columns this importer knows (%s)",
      t.title, table.concat(t.kind.columns, ", "))
  end
  -- figures as amounts
  t.decimals = 0
  local all = {}
  for _, r in ipairs(rows) do all[#all + 1] = r end
  if t.total then all[#all + 1] = t.total end
  for _, r in ipairs(all) do
    if #r.figs > #t.columns then
      fail(src, r.line, "%s: row '%s%s' has %d figures for %d columns (%s)", t.title, r.code,
        r.name and (" " .. r.name) or "", #r.figs, #t.columns, M.column_names(t))
    end
    r.values = amounts(src, t, r)
  end
end

M.positioned_columns = positioned_columns

function M.column_names(t)
  local names = {}
  for i, c in ipairs(t.columns) do names[i] = c.name end
  return table.concat(names, ", ")
end

-- {==================================================================
-- The two-sided tables: income on the left, spending by 类 on the right
-- ===================================================================

local lpeg = require "lpeg"
local P, R, Cg = lpeg.P, lpeg.R, lpeg.C
local digit = R "09"

-- A new item starts at a numbered word ('一、', '1.', '1、') or a 总计.
local item_start = (R("\228\233") * (1 - P "、") ^ -6 * P "、") + digit ^ 1 * (P "." + P "、") + P "收入总计"
  + P "支出总计" + P "总计"

local function sided_items(words)
  local items, cur, lead = {}, nil, {}
  for _, w in ipairs(words) do
    local tok = lex.ascii(w.s)
    if lex.is_figure(tok) then
      if not cur then lead[#lead + 1] = w else cur.figs[#cur.figs + 1] = w end
    else
      local bare_marker = cur and lpeg.match(item_start * -1, cur.words[#cur.words])
      if not cur or #cur.figs > 0 or (lpeg.match(item_start, tok) and not bare_marker) then
        cur = { words = { tok }, figs = {} }
        items[#items + 1] = cur
      else
        cur.words[#cur.words + 1] = tok
      end
    end
  end
  return items, lead
end

local SOURCES = { "财政拨款收入", "一般公共预算", "政府性基金", "国有资本经营预算", "事业收入", "事业单位经营收入",
                  "其他收入", "上年结转", "上级补助收入", "附属单位上缴收入", "用事业基金弥补收支差额" }

-- The source a left-side label names ('1. 一般公共预算资金' → 一般公共预算), or nil.
local function source_of(label)
  local flat = label:gsub("%s", "")
  for _, s in ipairs(SOURCES) do
    if flat:find(s, 1, true) then
      if s == "财政拨款收入" or not flat:find("财政拨款", 1, true) then return s end
    end
  end
  if flat:find("财政拨款", 1, true) then return "财政拨款收入" end
end

-- A label without its numbering: '一、一般公共服务支出' → '一般公共服务支出'.
local unmarked = (R("\228\233") * (1 - P "、") ^ -6 * P "、" + digit ^ 1 * (P "." + P "、")) ^ -1 * Cg(P(1) ^ 0)
local function strip_marker(label) return lpeg.match(unmarked, (label:gsub("%s", ""))) end

-- The 类 code a right-side label names: its name as the document's function tables print it,
-- an earlier year's name for it, or the start of one (a label wrapped onto the next line).
local standard = require "budget.classes"
local function class_of(classes, bare)
  if classes[bare] then return classes[bare] end
  for _, c in ipairs(standard) do
    for k = 2, #c do if c[k] == bare then return c[1] end end
  end
  if utf8.len(bare) >= 4 then
    local hit
    for name, code in pairs(classes) do
      if name:sub(1, #bare) == bare then
        if hit and hit ~= code then return nil end
        hit = code
      end
    end
    return hit
  end
end

-- The right side's columns, by the header: table 4 names its fiscal sources, the 单位 form of
-- table 1 splits 基本支出 into 人员经费 and 公用经费.
local RIGHT = {
  T4 = { columns = { "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算" } },
  T1 = { columns = { "合计", "人员经费", "公用经费", "项目支出" } },
}

-- Reads table 1 or 4: t.left (income items), t.right (spending by 类), t.right_columns.
function M.sided(src, t, classes)
  local unit
  t.left, t.right = {}, {}
  local header = {}
  for _, l in ipairs(t.lines) do
    local u = lex.unit(l.text)
    if u then unit = unit or u
    elseif is_head(l) then
    else
      local items, lead = sided_items(l.words)
      if #lead > 0 then
        -- figures before any label: the amounts of a label wrapped around them ('四、文化旅游体育与传媒' /
        -- '200,000 200,000' / '支出'), the last one read without figures
        local last = t.right[#t.right]
        if last and #last.figs == 0 and last.line.page == l.page then
          for _, w in ipairs(lead) do last.figs[#last.figs + 1] = w end
        else
          fail(src, l, "%s: figures with no label before them: '%s'", t.title, l.text)
        end
      end
      local data = false  -- a data line has a figure, or a numbered label ('四、其他收入')
      for _, it in ipairs(items or {}) do
        if #it.figs > 0 or lpeg.match(item_start, it.words[1]) or table.concat(it.words):find("总计") then data = true end
      end
      if items and data then
        for _, it in ipairs(items) do
          local label = table.concat(it.words, " ")
          local bare = strip_marker(label)
          local entry = { label = label, figs = it.figs, line = l }
          local class = class_of(classes, bare)
          if label:find("支出总计") or class then
            entry.class = class
            t.right[#t.right + 1] = entry
          elseif label:find("收入总计") or source_of(label) then
            entry.source = source_of(label)
            t.left[#t.left + 1] = entry
          elseif #it.figs == 0 then
            -- a label with no amount that names nothing the document spends on: listed, not read
          else
            fail(src, l, "%s: '%s' is neither a source of income nor a 类 of spending", t.title, label)
          end
        end
      elseif #t.left == 0 and #t.right == 0 then
        header[#header + 1] = l
      end
    end
  end
  t.unit = unit or "元"
  t.header = header
  -- the right side's columns: one (预算数) unless the header names more
  local kind = RIGHT[t.kind.key]
  local cols = kind and text_columns(kind, header) or {}
  local named = {}
  for _, c in ipairs(cols) do named[c.name] = true end
  t.right_columns = { "合计" }
  if t.kind.key == "T4" then
    for _, c in ipairs(cols) do if c.name ~= "合计" then t.right_columns[#t.right_columns + 1] = c.name end end
  elseif named["人员经费"] and named["公用经费"] then
    t.right_columns = { "合计", "人员经费", "公用经费", "项目支出" }
  else
    t.right_columns = { "预算数" }
  end
  if src.form ~= "text" and #t.right_columns > 1 then
    local spans = positioned_columns({ columns = t.right_columns }, header)
    if #spans == #t.right_columns then t.right_spans = spans end
  end
  t.decimals = 0
  for _, e in ipairs(t.left) do
    if #e.figs > 1 then fail(src, e.line, "%s: '%s' has %d figures; income has one column", t.title, e.label, #e.figs) end
    local m, err = lex.amount(e.figs[1] and e.figs[1].s or "-", t.unit)
    if not m then fail(src, e.line, "%s: %s", t.title, err) end
    e.value = m
    if e.figs[1] then t.decimals = math.max(t.decimals, lex.decimals(e.figs[1].s)) end
  end
  for _, e in ipairs(t.right) do
    e.values = amounts(src, t, e)
    if #e.values > #t.right_columns then
      fail(src, e.line, "%s: '%s' has %d figures for %d columns", t.title, e.label, #e.values, #t.right_columns)
    end
  end
end

return M
