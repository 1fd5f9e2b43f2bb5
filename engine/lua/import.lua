-- engine/lua/import.lua
-- 'budget import': the text of a published departmental (or unit) budget
-- document into a model. An LPeg grammar reads the lines: titles, units,
-- headers, coded rows, two-sided rows, figures, page-break markers. Where a
-- row prints fewer figures than its table has columns, the identities of the
-- document decide which columns they fill (parent = Σ children, 合计 = Σ
-- columns, the same row in the other tables); where they leave a choice open,
-- the import stops and names the table, the row, the line and the candidates.
-- Importing is not judging: figures that do not add up are imported as
-- printed, and 'budget check' reports them.
-- See LICENSE for copyright and license.

local lpeg = require "lpeg"
local C = require "budget.c"

local P, R, S, Cc, Ct, Cs = lpeg.P, lpeg.R, lpeg.S, lpeg.Cc, lpeg.Ct, lpeg.Cs
local Cg = lpeg.C

local M = {}

-- {==================================================================
-- The grammar of a line
-- ===================================================================

local digit = R "09"
local fw_digit = P "\239\188" * R("\144\153")          -- ０..９
local space = S " \t\r\f" + P "\227\128\128"            -- and the full-width space
local sp = space ^ 0

-- Full-width digits, colons, parentheses and the decimal point as ASCII, for matching
-- structure; names keep their own characters.
local to_ascii = Cs(((fw_digit / function(d) return string.char(d:byte(3) - 144 + 48) end)
  + P "：" / ":" + P "（" / "(" + P "）" / ")" + P "．" / "." + P "，" / "," + 1) ^ 0)

-- A figure: digits with optional separators and decimals, or a lone '-' for nothing.
local number = P "-" ^ -1 * digit ^ 1 * (P "," * digit ^ 1) ^ 0 * (P "." * digit ^ 1) ^ -1
local figure_token = (number + P "-") * -1

-- Codes of the classifications: '201', '201 29', '201 29 01', or compact '2012901'.
local seg3, seg2 = digit * digit * digit, digit * digit
local spaced_code = Cg(seg3 * (space ^ 1 * seg2 * #(space + -1)) ^ -2) * #space
local compact_code = Cg(seg3 * seg2 * seg2 + seg3 * seg2) * #space

-- A page-break line: '- 3 -', '— 3 —', '第 3 页', '第3页 共12页', a bare page number.
local dash = P "-" + P "—" + P "－" + P "–"
local page_marker = sp * (dash ^ 1 * sp * digit ^ 1 * sp * dash ^ 1
  + P "第" * sp * digit ^ 1 * sp * P "页" * (sp * P "共" * sp * digit ^ 1 * sp * P "页") ^ -1
  + digit ^ 1) * sp * -1

-- 单位：元 / 单位:万元 (after to_ascii).
local unit_line = P { P "单位" * sp * P ":" * sp * Cg(P "万元" + P "元") + 1 * lpeg.V(1) }  -- anywhere in the line

-- Lines that end a table: the prose sections that follow the tables.
local prose_heads = { "其他相关情况说明", "项目经费情况说明", "名词解释", "部门预算编制说明", "单位预算编制说明" }

local function split_tokens(line)
  local t = {}
  for tok in line:gmatch("%S+") do t[#t + 1] = tok end
  return t
end

local function is_figure(tok) return lpeg.match(figure_token, tok) ~= nil end

-- }==================================================================

-- {==================================================================
-- Errors
-- ===================================================================

local function fail(name, line, fmt, ...)
  error(string.format("%s:%s: %s", name, line or "?", string.format(fmt, ...)), 0)
end

-- }==================================================================

-- {==================================================================
-- Table kinds: how a title names them and what columns they may have
-- ===================================================================

local KINDS = {
  { key = "T1", words = "财务收支预算总表", sided = true },
  { key = "T4", words = "财政拨款收支预算总表", sided = true },
  { key = "T2", words = "收入预算总表",
    columns = { "合计", "财政拨款收入", "事业收入", "事业单位经营收入", "其他收入", "上年结转", "上级补助收入",
                "附属单位上缴收入", "用事业基金弥补收支差额" },
    alias = { ["财政拨款"] = "财政拨款收入" } },
  { key = "T3", words = "支出预算总表", columns = { "合计", "基本支出", "项目支出", "事业单位经营支出", "上缴上级支出",
                                               "对附属单位补助支出" } },
  { key = "T5", words = "一般公共预算支出功能分类预算表", columns = { "合计", "基本支出", "项目支出" } },
  { key = "T6", words = "政府性基金预算支出功能分类预算表", columns = { "合计", "基本支出", "项目支出" } },
  { key = "T6b", words = "国有资本经营预算支出功能分类预算表", columns = { "合计", "基本支出", "项目支出" } },
  { key = "T7", words = "经济分类预算表", columns = { "合计", "人员经费", "公用经费" } },
  { key = "T8", words = "三公”经费", columns = { "合计", "因公出国(境)费", "公务接待费", "小计", "购置费", "运行费",
                                          "机关运行经费" } },
}

-- The kind of table a title line names, and the title as the model keeps it.
local function table_kind(line)
  local flat = lpeg.match(to_ascii, line):gsub("%s", "")
  if #flat > 120 or not flat:find("表$") then return nil end
  if flat:find("%d[%d,]*%d%d%d") and flat:find(",") then return nil end
  for _, k in ipairs(KINDS) do
    if k.key == "T8" and (flat:find("三公”经费", 1, true) or flat:find("三公\"经费", 1, true)) and flat:find("预算表$") then
      return k
    end
    if k.key ~= "T8" and flat:find(k.words, 1, true) and (flat:find("部门") or flat:find("单位")) then
      if not (k.key == "T3" and (flat:find("财政拨款", 1, true) or flat:find("功能分类", 1, true))) and
         not (k.key == "T2" and flat:find("财政拨款", 1, true)) then
        return k
      end
    end
  end
end

-- The title without a numbering prefix ('表3', '三、', '(三)'), as printed otherwise.
local function clean_title(line)
  local t = line:gsub("^%s+", ""):gsub("%s+$", "")
  local start = t:find("%d%d%d%d年") or t:find("部门") or t:find("单位")
  if start then t = t:sub(start) end
  return t
end

-- The view's name: the title without its year.
local function view_name(title)
  return (title:gsub("^%d%d%d%d年", ""))
end

-- }==================================================================

-- {==================================================================
-- Reading the lines of a table
-- ===================================================================

-- The columns a header names, in the order it names them. A name may be split over lines
-- ('事业单位' / '经营收入') but must start and end at word boundaries, so that '项目 支出预算'
-- is not taken for 项目支出.
local function header_columns(kind, header_text, name, line)
  local flat, starts, ends = {}, {}, {}
  local pos = 1
  for tok in lpeg.match(to_ascii, header_text):gmatch("%S+") do
    starts[pos] = true
    flat[#flat + 1] = tok
    pos = pos + #tok
    ends[pos - 1] = true
  end
  flat = table.concat(flat)
  local function place(word)
    local init = 1
    while true do
      local a, b = flat:find(word, init, true)
      if not a then return nil end
      if starts[a] and ends[b] then return a, b end
      init = a + 1
    end
  end
  local found = {}
  for _, col in ipairs(kind.columns) do
    local a, b = place(col)
    if not a and kind.alias then
      for alias, target in pairs(kind.alias) do
        if target == col then a, b = place(alias) end
      end
    end
    if a then found[#found + 1] = { col = col, at = a, stop = b } end
  end
  table.sort(found, function(x, y) return x.at < y.at end)
  local cols = {}
  for _, f in ipairs(found) do cols[#cols + 1] = f.col end
  if #cols == 0 then fail(name, line, "the header of this table names no column this importer knows (合计, …)") end
  return cols
end

-- A figure as an amount in the table's unit, or an error naming the line.
local function parse_figure(tok, unit, name, line)
  if tok == "-" then return C.fen(0) end
  local text = lpeg.match(to_ascii, tok)
  local ok, m = pcall(C.money, text .. (unit == "万元" and "万元" or ""))
  if not ok then fail(name, line, "%s", m) end
  return m
end

-- A coded row: code, name, figures; nil when the line is not one.
local function coded_row(line)
  local code = lpeg.match(sp * spaced_code, line) or lpeg.match(sp * compact_code, line)
  if not code then return nil end
  local rest = line:sub(#line:match("^%s*") + #code + 1)
  local toks = split_tokens(rest)
  local name, figs = {}, {}
  for _, tok in ipairs(toks) do
    if #figs == 0 and not is_figure(tok) then name[#name + 1] = tok else figs[#figs + 1] = tok end
  end
  if #name == 0 then return nil end
  local compact = code:gsub("%s+", "")
  local spaced = compact:sub(1, 3)
  for i = 4, #compact, 2 do spaced = spaced .. " " .. compact:sub(i, i + 1) end
  return { code = spaced, name = table.concat(name, " "), figs = figs }
end

-- The items of a two-sided row: each a label (its words) and the figures after it.
-- A new item starts at a numbered word ('一、', '1.', '二、 ') or a 总计.
local item_start = (R("\228\233") * (1 - P "、") ^ -6 * P "、") + digit ^ 1 * P "." + P "收入总计" + P "支出总计"
  + P "总计"
local function sided_items(line)
  local items, cur = {}, nil
  for _, tok in ipairs(split_tokens(line)) do
    if is_figure(tok) then
      if not cur then return nil end
      cur.figs[#cur.figs + 1] = tok
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
  return items
end

-- }==================================================================

-- {==================================================================
-- Splitting the document
-- ===================================================================

local function lines_of(text)
  local out = {}
  for l in (text .. "\n"):gmatch("(.-)\r?\n") do out[#out + 1] = l end
  if out[#out] == "" then out[#out] = nil end
  return out
end

-- Finds the tables: each {kind, title, first, last (lines), unit, header, rows}.
local function find_tables(lines, name)
  local tables, current = {}, nil
  for i, l in ipairs(lines) do
    local kind = table_kind(l)
    local trimmed = l:gsub("^%s+", ""):gsub("%s+$", "")
    local is_prose = false
    for _, h in ipairs(prose_heads) do
      if trimmed:find(h, 1, true) == 1 or (trimmed:find(h, 1, true) and #trimmed < 60 and not trimmed:find("%d,%d")) then
        is_prose = true
      end
    end
    if kind then
      current = { kind = kind, title = clean_title(l), first = i, last = i, lines = {} }
      tables[#tables + 1] = current
    elseif is_prose and current then
      current = nil
    elseif current then
      current.lines[#current.lines + 1] = { text = l, no = i }
      current.last = i
    end
  end
  return tables
end

-- Reads a coded table: its unit, columns and rows (figures still unplaced).
local function read_coded(t, name)
  local header, unit = {}, nil
  t.rows, t.total = {}, nil
  for _, l in ipairs(t.lines) do
    local text = l.text
    local u = lpeg.match(unit_line, lpeg.match(to_ascii, text))
    if u then unit = unit or u end
    if lpeg.match(page_marker, text) or text:match("^%s*$") then
      -- a page break or an empty line
    elseif u or text:find("编制部门", 1, true) or text:find("编制单位", 1, true) then
      -- the unit line
    else
      local row = coded_row(text)
      local toks = split_tokens(text)
      local first = toks[1] and lpeg.match(to_ascii, toks[1])
      local all_figures = #toks > 0
      for _, tok in ipairs(toks) do all_figures = all_figures and is_figure(tok) end
      if t.kind.key == "T8" and all_figures then  -- the 三公 table: one row of figures, no code
        t.rows[#t.rows + 1] = { code = "", figs = toks, line = l.no }
      elseif row then
        row.line = l.no
        t.rows[#t.rows + 1] = row
      elseif (first == "合计" or first == "总计") and (#toks > 1 or table.concat(header, " "):find("合计", 1, true)) then
        local figs = {}
        for k = 2, #toks do
          if not is_figure(toks[k]) then fail(name, l.no, "%s: a figure after 合计, not '%s'", t.title, toks[k]) end
          figs[#figs + 1] = toks[k]
        end
        t.total = { code = toks[1], name = nil, figs = figs, line = l.no, is_total = true }
      else
        local has_fig = false
        for _, tok in ipairs(toks) do has_fig = has_fig or (is_figure(tok) and tok:find("%d") and tok:find("[,.]")) end
        if has_fig then
          fail(name, l.no, "%s: expected a row as 'code name figures' (such as '201 29 01 行政运行 17,573,692'), got '%s'",
            t.title, text)
        end
        if #t.rows == 0 and not t.total then header[#header + 1] = text end  -- headers repeated after a page break are skipped
      end
    end
  end
  t.unit = unit or "元"
  if t.kind.key == "T8" then
    -- a standard form, whose header the text scrambles (机关运行经费 first, words run together):
    -- its columns in the form's own order
    t.columns = t.kind.columns
  else
    t.columns = header_columns(t.kind, table.concat(header, "\n"), name, t.first)
  end
  for _, row in ipairs(t.rows) do
    if #row.figs > #t.columns then
      fail(name, row.line, "%s: row '%s %s' has %d figures for %d columns (%s)", t.title, row.code, row.name,
        #row.figs, #t.columns, table.concat(t.columns, ", "))
    end
    row.values = {}
    for k, f in ipairs(row.figs) do
      row.values[k] = parse_figure(f, t.unit, name, row.line)
      local d = f:match("%.(%d+)$")
      if d and #d > (t.decimals or 0) then t.decimals = #d end
    end
  end
  if t.total then
    t.total.values = {}
    for k, f in ipairs(t.total.figs) do t.total.values[k] = parse_figure(f, t.unit, name, t.total.line) end
  elseif #t.rows > 0 and t.kind.key ~= "T8" then
    fail(name, t.last, "%s: the table ends without its 合计 row (is the document cut short?)", t.title)
  end
end

-- }==================================================================

-- {==================================================================
-- Placing figures in columns: the identities decide, or the import stops
-- ===================================================================

local ZERO = C.fen(0)

-- Every way to place k figures in n columns, in order, with zeros elsewhere.
local function placements(values, n)
  local out = {}
  local k = #values
  local function rec(start, idx, acc)
    if idx > k then
      local row = {}
      for c = 1, n do row[c] = ZERO end
      for i, c in ipairs(acc) do row[c] = values[i] end
      out[#out + 1] = row
      return
    end
    for c = start, n - (k - idx) do
      acc[idx] = c
      rec(c + 1, idx + 1, acc)
    end
  end
  rec(1, 1, {})
  return out
end

-- Which columns sum which: 合计 = the rest; in the 三公 table, 合计 = 出国 + 接待 + 小计, 小计 = 购置 + 运行.
local function column_sums(t)
  local idx = {}
  for i, c in ipairs(t.columns) do idx[c] = i end
  local sums = {}
  if t.kind.key == "T8" then
    if idx["合计"] then sums[idx["合计"]] = { idx["因公出国(境)费"], idx["公务接待费"], idx["小计"] } end
    if idx["小计"] then sums[idx["小计"]] = { idx["购置费"], idx["运行费"] } end
  elseif idx["合计"] then
    local parts = {}
    for i = 1, #t.columns do if i ~= idx["合计"] then parts[#parts + 1] = i end end
    sums[idx["合计"]] = parts
  end
  return sums
end

local function row_adds_up(sums, v)
  for total, parts in pairs(sums) do
    local s = ZERO
    for _, p in ipairs(parts) do if p then s = s + v[p] end end
    if s ~= v[total] then return false end
  end
  return true
end

local function same(a, b)
  for i = 1, #a do if a[i] ~= b[i] then return false end end
  return true
end

-- The candidates of every row: placements that add up across the row (and pass 'filter').
local function candidates(t, row, filter)
  local sums = column_sums(t)
  local all = placements(row.values, #t.columns)
  local good = {}
  for _, v in ipairs(all) do if row_adds_up(sums, v) then good[#good + 1] = v end end
  if #good == 0 then good = all end  -- a row that does not add up: its place is decided elsewhere, or not at all
  if filter then
    local kept = {}
    for _, v in ipairs(good) do if filter(row, v) then kept[#kept + 1] = v end end
    if #kept > 0 then good = kept end
  end
  return good
end

-- The parent of each coded row in the table (the row whose code this one extends), and the top rows.
local function tree(t)
  local by_code, kids, tops = {}, {}, {}
  for _, row in ipairs(t.rows) do by_code[row.code] = row end
  for _, row in ipairs(t.rows) do
    local parent
    local code = row.code
    while #code > 3 and not parent do
      code = code:sub(1, #code - 3)
      parent = by_code[code]
    end
    if parent then
      kids[parent] = kids[parent] or {}
      table.insert(kids[parent], row)
    else
      tops[#tops + 1] = row
    end
  end
  return kids, tops
end

local SEARCH_LIMIT = 200000

-- Places the figures of every row of a table; rows still open keep several candidates.
-- The identities are constraints between rows; each is checked on intervals (the least and
-- most a column can hold over a row's candidates), which prunes before anything is assigned.
local function infer(t, filter)
  local rows = {}
  for _, row in ipairs(t.rows) do rows[#rows + 1] = row end
  if t.total then rows[#rows + 1] = t.total end
  for _, row in ipairs(rows) do
    if not row.placed then
      row.cands = candidates(t, row, filter)
      if #row.cands == 1 then row.placed = row.cands[1] end
    end
  end
  local kids, tops = tree(t)
  local cons = {}
  for parent, ks in pairs(kids) do cons[#cons + 1] = { parent = parent, kids = ks } end
  if t.total then cons[#cons + 1] = { parent = t.total, kids = tops } end
  table.sort(cons, function(a, b) return a.parent.line < b.parent.line end)
  local of = {}  -- the constraints each row is in
  for _, con in ipairs(cons) do
    for _, r in ipairs { con.parent, table.unpack(con.kids) } do
      of[r] = of[r] or {}
      table.insert(of[r], con)
    end
  end
  local ncol = #t.columns
  local function range(row, c, assign)
    local v = row.placed or assign[row]
    if v then return v[c], v[c] end
    local lo, hi
    for _, x in ipairs(row.cands) do
      if not lo or x[c] < lo then lo = x[c] end
      if not hi or x[c] > hi then hi = x[c] end
    end
    return lo, hi
  end
  -- A column where no open row's candidates differ cannot tell them apart: a constraint is
  -- checked only on the columns that can, so a sum the document gets wrong elsewhere does
  -- not stop the placement (the check reports it later).
  local function telling(con)
    if con.cols then return con.cols end
    con.cols = {}
    for c = 1, ncol do
      for _, r in ipairs { con.parent, table.unpack(con.kids) } do
        if not r.placed then
          local first = r.cands[1][c]
          for _, v in ipairs(r.cands) do if v[c] ~= first then con.cols[#con.cols + 1] = c goto next_col end end
        end
      end
      ::next_col::
    end
    return con.cols
  end
  local function feasible(con, assign)
    for _, c in ipairs(telling(con)) do
      local plo, phi = range(con.parent, c, assign)
      local slo, shi = ZERO, ZERO
      for _, k in ipairs(con.kids) do
        local lo, hi = range(k, c, assign)
        slo, shi = slo + lo, shi + hi
      end
      if shi < plo or slo > phi then return false end
    end
    return true
  end
  local function fits(row, v, assign)
    assign[row] = v
    local ok = true
    for _, con in ipairs(of[row] or {}) do
      if not feasible(con, assign) then ok = false break end
    end
    assign[row] = nil
    return ok
  end
  -- propagation: drop the candidates no identity can accept, until nothing changes
  local changed = true
  while changed do
    changed = false
    for _, r in ipairs(rows) do
      if not r.placed and of[r] then
        local kept = {}
        for _, v in ipairs(r.cands) do if fits(r, v, {}) then kept[#kept + 1] = v end end
        if #kept >= 1 and #kept < #r.cands then
          r.cands = kept
          changed = true
          if #kept == 1 then r.placed = kept[1] end
          for _, con in ipairs(cons) do con.cols = nil end
        end
      end
    end
  end
  -- search: the rows still open, together; a unique way that every identity accepts places them
  local open = {}
  for _, row in ipairs(rows) do if not row.placed and of[row] then open[#open + 1] = row end end
  if #open == 0 then return end
  local assign, found, first, steps = {}, 0, nil, 0
  local function rec(i)
    if found > 1 or steps > SEARCH_LIMIT then return end
    if i > #open then
      found = found + 1
      if found == 1 then
        first = {}
        for k, v in pairs(assign) do first[k] = v end
      end
      return
    end
    local r = open[i]
    for _, v in ipairs(r.cands) do
      steps = steps + 1
      if fits(r, v, assign) then
        assign[r] = v
        rec(i + 1)
        assign[r] = nil
      end
    end
  end
  rec(1)
  if found == 1 and steps <= SEARCH_LIMIT then
    for r, v in pairs(first) do r.placed = v end
  end
end

-- After every pass: a row still open is an error naming the table, row, line and candidates.
local function require_placed(t, name)
  local rows = {}
  for _, row in ipairs(t.rows) do rows[#rows + 1] = row end
  if t.total then rows[#rows + 1] = t.total end
  for _, row in ipairs(rows) do
    if not row.placed then
      local opts = {}
      for _, v in ipairs(row.cands) do
        local cols = {}
        for c, x in ipairs(v) do if x ~= ZERO then cols[#cols + 1] = t.columns[c] end end
        opts[#opts + 1] = table.concat(cols, "+")
      end
      fail(name, row.line, "%s: row '%s%s' prints %d figures for %d columns, and the identities of the document "
        .. "leave open which: %s", t.title, row.code, row.name and (" " .. row.name) or "", #row.values, #t.columns,
        table.concat(opts, " or "))
    end
  end
end

-- }==================================================================

-- {==================================================================
-- The two-sided tables (1 and 4)
-- ===================================================================

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

-- A label without its numbering: '一、一般公共服务支出' → '一般公共服务支出', '1. 一般公共预算资金' → '一般公共预算资金'.
local unmarked = sp * (R("\228\233") * (1 - P "、") ^ -6 * P "、" + digit ^ 1 * P ".") ^ -1 * sp * Cg(P(1) ^ 0)
local function strip_marker(label)
  return lpeg.match(unmarked, label)
end

-- Reads table 1 or 4: left items (income), right items (spending by 类).
local function read_sided(t, classes, name)
  local unit
  t.left, t.right, t.right_columns = {}, {}, nil
  local header = {}
  for _, l in ipairs(t.lines) do
    local text = l.text
    local u = lpeg.match(unit_line, lpeg.match(to_ascii, text))
    if u then unit = unit or u
    elseif lpeg.match(page_marker, text) or text:match("^%s*$") then
    else
      local items = sided_items(text)
      local data = false  -- a data line has a figure, or a numbered label ('四、其他收入')
      for _, it in ipairs(items or {}) do
        if #it.figs > 0 or lpeg.match(item_start, it.words[1]) or table.concat(it.words):find("总计") then data = true end
      end
      if items and data then
        for _, it in ipairs(items) do
          local label = table.concat(it.words, " ")
          local bare = strip_marker(label)
          local entry = { label = label, figs = it.figs, line = l.no }
          if label:find("支出总计") or classes[bare] then
            entry.class = classes[bare]
            t.right[#t.right + 1] = entry
          elseif label:find("收入总计") or source_of(label) then
            entry.source = source_of(label)
            t.left[#t.left + 1] = entry
          else
            fail(name, l.no, "%s: '%s' is neither a source of income nor a 类 of spending", t.title, label)
          end
        end
      else
        header[#header + 1] = text
      end
    end
  end
  t.unit = unit or "元"
  local flat = lpeg.match(to_ascii, table.concat(header, " ")):gsub("%s", "")
  if t.kind.key == "T4" then
    t.right_columns = { "合计" }
    local a, b = flat:find("一般公共预算", (flat:find("合计", 1, true) or 1), true), flat:find("政府性基金预算", 1, true)
    local cols = {}
    if a then cols[#cols + 1] = { "一般公共预算", a } end
    if b then cols[#cols + 1] = { "政府性基金预算", b } end
    local c = flat:find("国有资本经营预算", 1, true)
    if c then cols[#cols + 1] = { "国有资本经营预算", c } end
    table.sort(cols, function(x, y) return x[2] < y[2] end)
    for _, x in ipairs(cols) do t.right_columns[#t.right_columns + 1] = x[1] end
  else
    t.right_columns = { "预算数" }
  end
  for _, e in ipairs(t.left) do
    if #e.figs > 1 then fail(name, e.line, "%s: '%s' has %d figures; income has one column", t.title, e.label, #e.figs) end
    e.value = e.figs[1] and parse_figure(e.figs[1], t.unit, name, e.line) or ZERO
  end
  for _, e in ipairs(t.right) do
    e.values = {}
    for k, f in ipairs(e.figs) do e.values[k] = parse_figure(f, t.unit, name, e.line) end
    if #e.values > #t.right_columns then
      fail(name, e.line, "%s: '%s' has %d figures for %d columns", t.title, e.label, #e.values, #t.right_columns)
    end
  end
end

-- }==================================================================

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
  local other = text:find("其他相关情况说明", 1, true)
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
        local list = total and text:match("包括(.-)。") or (text:gsub("。$", ""))
        for _, item in ipairs(lpeg.match(list_items, list or "")) do
          local iname, amount = item:match("^%s*(.-)%s*([%d,%.]+)万元%s*$")
          if iname and iname ~= "" then p.items[#p.items + 1] = { name = iname, amount = amount } end
        end
        if #p.items == 0 then fail(name, j, "project '%s': expected its sums as '名称N万元' after 六、年度预算安排", pname) end
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

local FISCAL = { T5 = "一般公共预算", T6 = "政府性基金", T6b = "国有资本经营预算" }

local function col(t, name)
  for i, c in ipairs(t.columns) do if c == name then return i end end
end

local function row_by_code(t)
  local m = {}
  if t then for _, r in ipairs(t.rows) do m[r.code] = r end end
  return m
end

-- The filters one table's placements must pass, from the other tables' placed rows.
local function filters(T)
  local rows = {}
  for k, t in pairs(T) do if t.rows then rows[k] = row_by_code(t) end end
  local f = {}
  local function fiscal_of(code, column)
    local sum, known = ZERO, true
    for key in pairs(FISCAL) do
      if T[key] then
        local r = rows[key][code]
        if r then
          if not r.placed then known = false else
            local c = col(T[key], column)
            if c then sum = sum + r.placed[c] end
          end
        end
      end
    end
    return known and sum or nil
  end
  f.T2 = function(row, v)
    local fc = col(T.T2, "财政拨款收入")
    if row.is_total then
      if T.T1 and T.T1.left then  -- the total row's sources = table 1's income
        for i, c in ipairs(T.T2.columns) do
          for _, e in ipairs(T.T1.left) do
            if (c == "合计" and e.label:find("收入总计")) or (c ~= "合计" and e.source == c) then
              if e.value ~= v[i] then return false end
            end
          end
        end
      end
      return true
    end
    if fc then
      local fiscal = fiscal_of(row.code, "合计")
      if fiscal and v[fc] ~= fiscal then return false end
    end
    local r3 = rows.T3 and rows.T3[row.code]
    if r3 and r3.placed and v[col(T.T2, "合计")] ~= r3.placed[col(T.T3, "合计")] then return false end
    return true
  end
  f.T3 = function(row, v)
    if row.is_total then return true end
    for i, c in ipairs(T.T3.columns) do
      local fiscal = fiscal_of(row.code, c)
      if fiscal and v[i] < fiscal then return false end
    end
    return true
  end
  for key in pairs(FISCAL) do
    f[key] = function(row, v)
      local r3 = rows.T3 and rows.T3[row.code]
      if row.is_total or not (r3 and r3.placed) then return true end
      for i, c in ipairs(T[key].columns) do
        local c3 = col(T.T3, c)
        if c3 and v[i] > r3.placed[c3] then return false end
      end
      return true
    end
  end
  f.T8 = function(row, v)
    local econ = rows.T7 or {}
    for _, pair in ipairs { { "因公出国(境)费", "302 12" }, { "公务接待费", "302 17" }, { "运行费", "302 31" } } do
      local i, r = col(T.T8, pair[1]), econ[pair[2]]
      if i and r and r.placed then
        local want = r.placed[col(T.T7, "合计")]:round(C.money("0.01万元"))
        if v[i] ~= want then return false end
      end
    end
    return true
  end
  return f
end

-- Places table 4's spending rows: 合计 = the columns, each column = its function table's 类 row.
local function place_T4(T, name)
  local t = T.T4
  local cols = t.right_columns
  local by = { ["一般公共预算"] = "T5", ["政府性基金预算"] = "T6", ["国有资本经营预算"] = "T6b" }
  for _, e in ipairs(t.right) do
    local best = {}
    for _, v in ipairs(placements(e.values, #cols)) do
      local ok, sum = true, ZERO
      for c = 2, #cols do sum = sum + v[c] end
      if sum ~= v[1] then ok = false end
      for c = 2, #cols do
        local tk = T[by[cols[c]]]
        if ok and tk then
          local want
          if e.class then
            local r = row_by_code(tk)[e.class]
            want = r and r.placed and r.placed[col(tk, "合计")] or (not r and ZERO) or nil
          elseif tk.total and tk.total.placed then
            want = tk.total.placed[col(tk, "合计")]
          elseif not tk.total then
            want = ZERO
          end
          if want and v[c] ~= want then ok = false end
        end
      end
      if ok then best[#best + 1] = v end
    end
    if #best == 1 then e.placed = best[1]
    elseif #e.values == #cols then e.placed = placements(e.values, #cols)[1]
    else
      fail(name, e.line, "%s: '%s' prints %d figures for %d columns, and the identities leave open which",
        t.title, e.label, #e.values, #cols)
    end
  end
end

-- }==================================================================

-- '预算主管部门：X', '编制部门：X' or '编制单位：X' (after to_ascii): the department X.
local department_line = (1 - (P "预算主管部门" + P "编制部门" + P "编制单位")) ^ 0
  * (P "预算主管部门" + P "编制部门" + P "编制单位") * sp * P ":" * sp * Cg((1 - space) ^ 1)

-- Everything the document says, read and placed: the tables, the prose, the projects.
function M.read(text, name)
  local bad = text:find("%z")
  if bad then
    fail(name, select(2, text:sub(1, bad):gsub("\n", "")) + 1, "a NUL byte: this is not a text document")
  end
  local len, at = utf8.len(text)
  if not len then
    local line = select(2, text:sub(1, at):gsub("\n", "")) + 1
    fail(name, line, "invalid UTF-8 at byte %d: expected the document's text in UTF-8", at)
  end
  local lines = lines_of(text)
  local tables = find_tables(lines, name)
  if #tables == 0 then
    fail(name, 1, "not a departmental budget document: no table such as 2021年部门支出预算总表 was found")
  end
  local T = {}
  for _, t in ipairs(tables) do
    if T[t.kind.key] then fail(name, t.first, "%s: a second table of this kind (the first is at line %d)", t.title,
      T[t.kind.key].first) end
    T[t.kind.key] = t
  end
  for _, key in ipairs { "T2", "T3", "T5" } do
    if not T[key] then fail(name, #lines, "the document has no %s table", ({ T2 = "收入预算总表", T3 = "支出预算总表",
      T5 = "一般公共预算支出功能分类预算表" })[key]) end
  end
  for _, t in ipairs(tables) do if not t.kind.sided then read_coded(t, name) end end
  local classes = {}
  for _, r in ipairs(T.T3.rows) do if #r.code == 3 then classes[r.name] = r.code end end
  for _, t in ipairs(tables) do if t.kind.sided then read_sided(t, classes, name) end end
  -- place the figures: each table by its own identities and the others', until nothing moves
  local order = { "T7", "T5", "T6", "T6b", "T3", "T2", "T8" }
  for _ = 1, 4 do
    local f = filters(T)
    for _, key in ipairs(order) do if T[key] then infer(T[key], f[key]) end end
  end
  for _, key in ipairs(order) do if T[key] then require_placed(T[key], name) end end
  if T.T4 then place_T4(T, name) end
  local doc = { name = name, lines = lines, tables = tables, T = T }
  doc.year = tables[1].title:match("(%d%d%d%d)年")
  for _, t in ipairs(tables) do doc.year = doc.year or t.title:match("(%d%d%d%d)年") end
  doc.unit_doc = tables[1].title:find("单位", 1, true) ~= nil and not tables[1].title:find("部门", 1, true)
  for _, l in ipairs(lines) do
    local dept = lpeg.match(department_line, lpeg.match(to_ascii, l))
    if dept then doc.department = dept break end
  end
  doc.units = read_units(lines, doc.department)
  doc.scalars, doc.prose_classes = read_prose(lines, doc)
  doc.projects = read_projects(lines, name)
  doc.fiscal_tables = FISCAL
  doc.column = col
  doc.by_code = row_by_code
  return doc
end

-- budget import: the model text for a document's text. 'name' is the file for messages,
-- 'docname' the document's file name the model records.
function M.import(text, name, docname)
  return require("budget.emit").model(M.read(text, name), docname or name)
end

return M
