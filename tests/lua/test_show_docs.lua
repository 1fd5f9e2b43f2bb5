-- tests/lua/test_show_docs.lua
-- 'budget show' against the real documents of ../shared/data/docs (BUDGET_DOCS
-- to look elsewhere): each form (PDF, pdftotext -layout text, pdf.js text) is
-- imported, and every row of the document's coded tables (the 功能分类 and
-- 经济分类 tables, with their 合计 rows) must come out of 'budget show' with
-- the same code, the same name and the same figures, as printed and in the
-- printed order. The rows expected are read here from the document's own text
-- (its .layout.txt, or the .txt where there is no layout), by a reader of its
-- own, never from the engine's output. Prints '<file>: N of M rows exact'.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"

local docs = require "docs"
local DOCS = docs.dir
-- SHOW_DOCS_VERBOSE=1: each document table, its rows and the view it was compared with.
local VERBOSE = os.getenv("SHOW_DOCS_VERBOSE")

-- {==================================================================
-- The document's coded tables, read from its text
-- ===================================================================

local function trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end

local function tokens(s)
  local t = {}
  for w in s:gmatch("%S+") do t[#t + 1] = w end
  return t
end

-- A figure as printed: '96282213.44', '96,282,213.44', '0', '0.00', '6.4', '-12'.
local function is_figure(w) return w:find("^%-?[%d,]*%d%.?%d*$") ~= nil and w:find("^%-?%d") ~= nil end

-- A line that is all text: no digit in it.
local function text_only(ws)
  if #ws == 0 then return false end
  for _, w in ipairs(ws) do if w:find("%d") then return false end end
  return true
end

-- The code at the start of a line's words, in any of the printed forms: separate segments
-- ('204 06 01', '301 2', the misprinted '7 11 02'), compact ('2040601'), glued to the name
-- ('2010506统计管理', '301 01基本工资'). Returns the segments and the index of the first word
-- after them, with the name's start when it was glued to the last segment. A compact code
-- (3, 5 or 7 digits) stands alone; a separate one is a 类 of at most 3 digits and up to two
-- segments of 1 or 2 digits (so '208 05 4412547' is 208 05 and a figure).
local function leading_code(ws)
  local segs, i, glued = {}, 1, nil
  local function glue(w)  -- '2010506统计管理', '01基本工资'; not '2024年', '1.', '3、'
    local d, rest = w:match("^(%d+)(%D.*)$")
    if not d then return nil end
    local c = rest:sub(1, 1)
    if c == "." or c == "," or c == "%" or rest:find("^．") or rest:find("^、") or rest:find("^年") then return nil end
    return d, rest
  end
  local first = ws[1] or ""
  if first:find("^%d+$") then
    segs[1], i = first, 2
  else
    local d, rest = glue(first)
    if not d then return nil end
    segs[1], glued, i = d, rest, 2
  end
  if not segs[1]:find("^[1-9]") then return nil end
  local n = #segs[1]
  if glued or n == 5 or n == 7 then
    if n ~= 3 and n ~= 5 and n ~= 7 then return nil end
    return segs, i, glued
  end
  if n > 3 then return nil end
  while i <= #ws and #segs < 3 do
    local w = ws[i]
    if w:find("^%d%d?$") then
      segs[#segs + 1], i = w, i + 1
    else
      local d, rest = glue(w)
      if d and #d <= 2 then segs[#segs + 1], glued, i = d, rest, i + 1 end
      break
    end
  end
  if #segs == 1 and n ~= 3 then return nil end
  return segs, i, glued
end

-- A title line: '2024年预算单位收入预算总表', '公开05表', '三、支出预算总表'.
local function is_title(s, ws)
  if not s:find("表$") or #s > 200 then return false end
  for _, w in ipairs(ws) do if is_figure(w) then return false end end
  return not s:find("^注")
end

-- The lines of a text form, each {text, no = its line in the file}: form feeds and
-- '-- page N --' markers are page layout.
local function lines_of(text)
  local out, no = {}, 0
  for line in (text:gsub("\r\n", "\n") .. "\n"):gmatch("(.-)\n") do
    no = no + 1
    for part in (line .. "\f"):gmatch("(.-)\f") do
      if not part:find("^%-%- page %d+ %-%-%s*$") then out[#out + 1] = { text = part, no = no } end
    end
  end
  return out
end

-- The coded tables of a document: {title, rows = {{code = digits, name, figures = {...}, line}}}.
-- A table starts at its title; it is coded once a header line names a 编码 or 代码 column. Its
-- rows are the lines that start with a code and the 合计 lines (合计 and figures, or 合计 alone
-- in an empty table). A name printed around its row (a line of text above a row that has none,
-- a short remainder below: '机关事业单位基本养老保险缴费支' / '208 05 05 ...' / '出') is joined.
local function document_tables(path)
  local lines = lines_of(H.read(path))
  local tables, cur = {}, nil
  local i = 0
  while i < #lines do
    i = i + 1
    local s = trim(lines[i].text)
    local ws = tokens(s)
    if s == "" then
      -- nothing
    elseif is_title(s, ws) then
      cur = { title = s, rows = {}, coded = false, line = lines[i].no }
      tables[#tables + 1] = cur
    elseif cur and not cur.coded and (s:find("编码") or s:find("代码")) then
      cur.coded = true
    elseif cur and cur.coded then
      local row
      if ws[1] == "合计" then
        local figs, ok = {}, true
        for k = 2, #ws do if is_figure(ws[k]) then figs[#figs + 1] = ws[k] else ok = false end end
        if ok then row = { code = "", name = "合计", figures = figs, line = lines[i].no } end
      else
        local segs, k, glued = leading_code(ws)
        local k0 = i
        if segs then
          local name, figs = { glued }, {}
          while k <= #ws and not is_figure(ws[k]) do name[#name + 1] = ws[k]; k = k + 1 end
          while k <= #ws do figs[#figs + 1] = ws[k]; k = k + 1 end
          if #name == 0 then  -- the name printed around the row: the line of text above it
            local j = i - 1
            while j > 0 and trim(lines[j].text) == "" do j = j - 1 end
            local above = tokens(trim(lines[j] and lines[j].text or ""))
            if #above == 1 and text_only(above) then name[1] = above[1] end
          end
          if #name > 0 then
            local below = tokens(trim(lines[i + 1] and lines[i + 1].text or ""))
            if #below == 1 and text_only(below) and utf8.len(below[1]) and utf8.len(below[1]) <= 3
               and below[1] ~= "合计" and not below[1]:find("表$") then
              name[#name + 1] = below[1]
              i = i + 1
            end
            row = { code = table.concat(segs), printed_code = table.concat(segs, " "), name = table.concat(name),
                    figures = figs, line = lines[k0].no }
          end
        end
      end
      if row then cur.rows[#cur.rows + 1] = row
      elseif VERBOSE then
        for _, w in ipairs(ws) do
          if is_figure(w) then print(string.format("  %s:%d: not read as a row: %s", path, lines[i].no, s)); break end
        end
      end
    end
  end
  local out = {}
  for _, t in ipairs(tables) do if #t.rows > 0 then out[#out + 1] = t end end
  return out
end

-- }==================================================================

-- {==================================================================
-- What 'budget show --format json' gives: a JSON value a view
-- ===================================================================

-- A small JSON reader: objects, arrays, strings (with escapes), numbers, true, false, null.
local function json_values(text)
  local pos, values = 1, {}
  local function ws() pos = text:find("[^ \t\r\n]", pos) or #text + 1 end
  local value
  local function str()
    local out = {}
    pos = pos + 1
    while true do
      local c = text:sub(pos, pos)
      if c == "" then error("json: unterminated string") end
      if c == '"' then pos = pos + 1; break end
      if c == "\\" then
        local e = text:sub(pos + 1, pos + 1)
        local map = { n = "\n", t = "\t", r = "\r", b = "\b", f = "\f", ["/"] = "/", ["\\"] = "\\", ['"'] = '"' }
        if e == "u" then
          out[#out + 1] = utf8.char(tonumber(text:sub(pos + 2, pos + 5), 16))
          pos = pos + 6
        else
          out[#out + 1] = map[e] or error("json: bad escape \\" .. e)
          pos = pos + 2
        end
      else
        out[#out + 1] = c
        pos = pos + 1
      end
    end
    return table.concat(out)
  end
  function value()
    ws()
    local c = text:sub(pos, pos)
    if c == "{" then
      local t = {}
      pos = pos + 1
      ws()
      if text:sub(pos, pos) == "}" then pos = pos + 1; return t end
      while true do
        ws()
        local k = str()
        ws()
        assert(text:sub(pos, pos) == ":", "json: ':' expected")
        pos = pos + 1
        t[k] = value()
        ws()
        local d = text:sub(pos, pos)
        pos = pos + 1
        if d == "}" then return t end
        assert(d == ",", "json: ',' expected")
      end
    elseif c == "[" then
      local t = {}
      pos = pos + 1
      ws()
      if text:sub(pos, pos) == "]" then pos = pos + 1; return t end
      while true do
        t[#t + 1] = value()
        ws()
        local d = text:sub(pos, pos)
        pos = pos + 1
        if d == "]" then return t end
        assert(d == ",", "json: ',' expected")
      end
    elseif c == '"' then
      return str()
    else
      local lit = text:match("^[%w%.%+%-]+", pos)
      assert(lit, "json: a value expected at " .. pos)
      pos = pos + #lit
      if lit == "true" then return true elseif lit == "false" then return false elseif lit == "null" then return nil end
      return tonumber(lit)
    end
  end
  ws()
  while pos <= #text do
    values[#values + 1] = value()
    ws()
  end
  return values
end

-- The coded views show gives: one block, every row a member (with a code) or a total.
-- Each {title, rows = {{code = digits, shown_code, name, figures = {non-empty}, values}}}; only the
-- rows the document prints (a row marked printed = false is one only the cells give).
local function shown_tables(out)
  local views = {}
  for _, v in ipairs(json_values(out)) do
    local blk = v.blocks and #v.blocks == 1 and v.blocks[1]
    local coded = blk and true
    for _, r in ipairs(blk and blk.rows or {}) do
      if r.kind ~= "member" and r.kind ~= "total" then coded = false end
    end
    if coded then
      local rows, unprinted = {}, {}
      for _, r in ipairs(blk.rows) do
        local figs = {}
        for _, x in ipairs(r.values) do if x ~= "" then figs[#figs + 1] = x end end
        local row = { code = (r.code or ""):gsub("%s", ""), shown_code = r.code or "", name = r.name,
                      figures = figs, values = r.values, kind = r.kind }
        if r.printed == false then unprinted[#unprinted + 1] = row else rows[#rows + 1] = row end
      end
      views[#views + 1] = { title = v.title, name = v.name, rows = rows, unprinted = unprinted }
    end
  end
  return views
end

-- }==================================================================

-- {==================================================================
-- Comparing
-- ===================================================================

local function same_row(d, s)
  if d.code ~= s.code then return false end
  if d.name:gsub("%s", "") ~= s.name:gsub("%s", "") then return false end
  if #d.figures ~= #s.figures then return false end
  for k = 1, #d.figures do if d.figures[k] ~= s.figures[k] then return false end end
  return true
end

-- The longest run of rows alike in order (the rows exact), and the pairs that differ:
-- {{doc row or nil, shown row or nil}}, a document row beside the shown row in its place.
local function align(drows, srows)
  local n, m = #drows, #srows
  local L = {}
  for a = 0, n do L[a] = {}; for b = 0, m do L[a][b] = 0 end end
  for a = n, 1, -1 do
    for b = m, 1, -1 do
      if same_row(drows[a], srows[b]) then L[a - 1][b - 1] = L[a][b] + 1
      else L[a - 1][b - 1] = math.max(L[a][b - 1], L[a - 1][b]) end
    end
  end
  -- L[a-1][b-1] is the LCS of drows[a..n] and srows[b..m]
  local a, b, exact, diffs = 1, 1, 0, {}
  local pend_d, pend_s = {}, {}
  local function flush()
    for k = 1, math.max(#pend_d, #pend_s) do diffs[#diffs + 1] = { pend_d[k], pend_s[k] } end
    pend_d, pend_s = {}, {}
  end
  while a <= n and b <= m do
    if same_row(drows[a], srows[b]) then
      flush()
      exact = exact + 1
      a, b = a + 1, b + 1
    elseif L[a][b - 1] >= L[a - 1][b] then
      pend_d[#pend_d + 1] = drows[a]; a = a + 1
    else
      pend_s[#pend_s + 1] = srows[b]; b = b + 1
    end
  end
  while a <= n do pend_d[#pend_d + 1] = drows[a]; a = a + 1 end
  while b <= m do pend_s[#pend_s + 1] = srows[b]; b = b + 1 end
  flush()
  return exact, diffs
end

local function count_alike(drows, srows)
  return (align(drows, srows))
end

local function describe_doc(r)
  if not r then return "(none)" end
  return string.format("line %d: %s", r.line, H.words(table.concat({ r.printed_code or "", r.name,
    table.concat(r.figures, " ") }, " ")))
end

local function describe_shown(r)
  if not r then return "(none)" end
  return string.format("%s %s [%s]", r.shown_code, r.name, table.concat(r.values, "|"))
end

-- A CSV line as report.lua writes it (RFC 4180).
local function csv_line(cells)
  local f = {}
  for i, s in ipairs(cells) do f[i] = s:find('[,"\n\r]') and ('"' .. s:gsub('"', '""') .. '"') or s end
  return table.concat(f, ",")
end

-- }==================================================================

local exists = docs.exists

local expected = docs.expected()

local summary = {}
H.defer(function()
  print("rows exact, by document form:")
  for _, l in ipairs(summary) do print("  " .. l) end
end)

for _, doc in ipairs(expected) do
  local textpath = exists(DOCS .. "/" .. doc.stem .. ".layout.txt") and (DOCS .. "/" .. doc.stem .. ".layout.txt")
                   or (DOCS .. "/" .. doc.stem .. ".txt")
  for _, ext in ipairs { ".pdf", ".layout.txt", ".txt" } do
    local path = DOCS .. "/" .. doc.stem .. ext
    if exists(path) then
      local file = path:match("[^/]*$")
      H.test(string.format("%s: budget show gives every row of the coded tables as printed", file), function()
        local dtables = document_tables(textpath)
        local M = 0
        for _, t in ipairs(dtables) do M = M + #t.rows end
        assert(#dtables >= 2 and M >= 10, string.format("%s: only %d coded tables, %d rows read", textpath, #dtables, M))
        -- the reader finds the 合计 of 一般公共预算 spending that expected.tsv copied by hand
        local found = false
        for _, t in ipairs(dtables) do
          for _, r in ipairs(t.rows) do if r.name == "合计" and r.figures[1] == doc.gpb_expenditure then found = true end end
        end
        assert(found, string.format("%s: no 合计 row reads %s (expected.tsv gpb_expenditure)", textpath, doc.gpb_expenditure))
        if VERBOSE then
          print(string.format("  %s: %d coded tables, %d rows", textpath, #dtables, M))
          for _, t in ipairs(dtables) do print(string.format("    line %d: %s, %d rows", t.line, t.title, #t.rows)) end
        end
        local model = H.tmpname(".lua")
        local text, status = H.budget("import", path, "-o", model)
        if status ~= 0 then
          local note = string.format("%s: import exits %d, not compared (0 of %d rows): %s", file, status, M,
            (text:gsub("\n.*", "")):sub(1, 200))
          print(note)
          summary[#summary + 1] = note
          if doc.template == "shanghai" then error(note) end
          return
        end
        local out
        out, status = H.budget("show", model, "--format", "json")
        H.eq(status, 0, "show --format json " .. file .. "\n" .. out)
        local views = shown_tables(out)
        -- each document table against the shown table most like it: the pairs with the most rows
        -- alike first; a table no shown one has a row of takes the next one left, in order
        local pairs_, pick, taken = {}, {}, {}
        for di, dt in ipairs(dtables) do
          for vi, v in ipairs(views) do
            local n = count_alike(dt.rows, v.rows)
            if n > 0 then pairs_[#pairs_ + 1] = { n = n, d = di, v = vi } end
          end
        end
        table.sort(pairs_, function(x, y)
          if x.n ~= y.n then return x.n > y.n end
          if x.d ~= y.d then return x.d < y.d end
          return x.v < y.v
        end)
        for _, p in ipairs(pairs_) do
          if not pick[p.d] and not taken[p.v] then pick[p.d], taken[p.v] = p.v, true end
        end
        for di = 1, #dtables do
          if not pick[di] then
            for vi = 1, #views do
              if not taken[vi] then pick[di], taken[vi] = vi, true; break end
            end
          end
        end
        local exact, failures, extra = 0, {}, 0
        for di, dt in ipairs(dtables) do
          local best = pick[di]
          if not best then
            if VERBOSE then print(string.format("  %s (line %d): 0 of %d rows, no view left", dt.title, dt.line, #dt.rows)) end
            for _, r in ipairs(dt.rows) do failures[#failures + 1] = { dt.title, r, nil } end
          else
            local n, diffs = align(dt.rows, views[best].rows)
            if VERBOSE then
              print(string.format("  %s (line %d): %d of %d rows exact, against view '%s' (%d rows)", dt.title, dt.line, n,
                #dt.rows, views[best].name, #views[best].rows))
            end
            exact = exact + n
            for _, d in ipairs(diffs) do
              if d[1] and not d[2] then  -- the row show gives only from the cells, marked not printed?
                for _, u in ipairs(views[best].unprinted) do
                  if u.code == d[1].code and u.name:gsub("%s", "") == d[1].name:gsub("%s", "") then
                    d[2] = { shown_code = u.shown_code, name = u.name .. " (marked [not printed])", values = u.values }
                  end
                end
              end
              if d[1] then failures[#failures + 1] = { dt.title, d[1], d[2] } else
                extra = extra + 1  -- a row show states that the document does not print
                failures[#failures + 1] = { dt.title, nil, d[2] }
              end
            end
          end
        end
        local line = string.format("%s: %d of %d rows exact", file, exact, M)
        if extra > 0 then line = line .. string.format(" (and %d rows shown that the document does not print)", extra) end
        print(line)
        summary[#summary + 1] = line
        -- the other formats give the same rows: each CSV line, and each aligned line's words
        local csv = H.budget("show", model, "--format", "csv")
        local tbl = H.budget("show", model)
        local csv_lines, tbl_lines = {}, {}
        for l in csv:gmatch("([^\n]*)\r\n") do csv_lines[l] = true end
        for l in tbl:gmatch("[^\n]+") do tbl_lines[H.words(l)] = true end
        for _, v in ipairs(views) do
          for _, r in ipairs(v.rows) do
            local cells = { r.shown_code, r.name }
            for _, x in ipairs(r.values) do cells[#cells + 1] = x end
            if r.kind == "total" then cells[1], cells[2] = r.name, "" end
            local c = csv_line(cells)
            if not csv_lines[c] then error(string.format("%s: CSV lacks %s\n%s", file, c, csv:sub(1, 2000))) end
            local words = H.words(table.concat({ r.shown_code, r.name, table.concat(r.figures, " ") }, " "))
            if not tbl_lines[words] then error(string.format("%s: the table lacks '%s'", file, words)) end
          end
        end
        if exact < M or extra > 0 then
          local msg = { line .. "; the first rows that differ (document | show):" }
          for k = 1, math.min(#failures, 12) do
            local f = failures[k]
            msg[#msg + 1] = string.format("  %s: %s | %s", f[1], describe_doc(f[2]), describe_shown(f[3]))
          end
          error(table.concat(msg, "\n"), 0)
        end
      end)
    end
  end
end

-- {==================================================================
-- Every table, not only the coded ones: the figures it prints
-- ===================================================================

-- The tables of a document's text, each {title, figures = {[word] = count}}: a table starts at
-- a short line ending in 表 that names 预算, with 单位 in one of the next four lines, and runs to
-- the next; its figures are the words that are amounts (with separators, decimals, or a bare
-- number on a line with other words), page numbers alone on their line left out.
local function figure_tables(path)
  local lines = {}
  for l in (H.read(path):gsub("\r", "") .. "\n"):gmatch("(.-)\n") do
    for part in (l .. "\f"):gmatch("(.-)\f") do lines[#lines + 1] = part end
  end
  local out, cur = {}, nil
  for i, l in ipairs(lines) do
    local flat = l:gsub("%s", "")
    local nextflat = (lines[i + 1] or ""):gsub("%s", "")
    if #nextflat <= 9 and nextflat:find("表$") then flat = flat .. nextflat end  -- a title wrapped
    local head = false
    if #flat < 150 and flat:find("预算") and flat:find("表$") and not flat:find("%d,%d") then
      for j = i + 1, math.min(i + 4, #lines) do if lines[j]:find("单位") then head = true end end
    end
    if head then
      cur = { title = flat, figures = {}, n = 0 }
      out[#out + 1] = cur
    elseif cur and not l:find("^%s*%-%-%s*page") then
      -- amounts: words with separators or decimals; bare numbers only on a line of nothing
      -- else (the 三公 row), never a page number alone or a code
      local ws = tokens(l)
      local all = #ws > 1
      for _, w in ipairs(ws) do all = all and is_figure(w) end
      for _, w in ipairs(ws) do
        if is_figure(w) and (w:find("[,.]%d") or all) then
          cur.figures[w] = (cur.figures[w] or 0) + 1
          cur.n = cur.n + 1
        end
      end
      -- the prose after the last table is not a table: it starts at a heading of 说明 or 名词解释
      local f = l:gsub("%s", "")
      if #f < 90 and (f:find("说明$") or f:find("情况说明") or f:find("名词解释")) then cur = nil end
    end
  end
  return out
end

-- The figures 'budget show' prints for a table: {[word] = count}, from its CSV.
local function shown_figures(model, number)
  local out, status = H.budget("show", model, "--table", tostring(number), "--format", "csv")
  if status ~= 0 then return nil end
  local figs, n = {}, 0
  for line in out:gsub("\r", ""):gmatch("[^\n]+") do
    local i = 1
    while i <= #line do
      local cell
      if line:sub(i, i) == '"' then
        local j = line:find('"', i + 1, true)
        cell, i = line:sub(i + 1, j - 1), j + 2
      else
        local j = line:find(",", i, true) or (#line + 1)
        cell, i = line:sub(i, j - 1), j + 1
      end
      if is_figure(cell) then figs[cell] = (figs[cell] or 0) + 1 n = n + 1 end
    end
  end
  return figs, n
end

for _, doc in ipairs(expected) do
  local textpath = exists(DOCS .. "/" .. doc.stem .. ".layout.txt") and (DOCS .. "/" .. doc.stem .. ".layout.txt")
                   or (DOCS .. "/" .. doc.stem .. ".txt")
  H.test(string.format("%s: every table's printed figures are in budget show's table", doc.stem), function()
    local model = H.tmpname(".lua")
    local text, status = H.budget("import", textpath, "-o", model)
    H.eq(status, 0, "import " .. textpath .. "\n" .. text)
    local tables = figure_tables(textpath)
    assert(#tables >= 8, string.format("%s: %d tables found by the test's reader", textpath, #tables))
    local shown = {}
    for number = 1, #tables + 2 do
      local figs = shown_figures(model, number)
      if figs then shown[#shown + 1] = figs end
    end
    local missing, total = {}, 0
    for _, t in ipairs(tables) do
      -- the shown table holding the most of this table's figures is its reprint
      local best, score = nil, -1
      for _, f in ipairs(shown) do
        local n = 0
        for w, c in pairs(t.figures) do n = n + math.min(c, f[w] or 0) end
        if n > score then best, score = f, n end
      end
      total = total + t.n
      for w, c in pairs(t.figures) do
        if (best and best[w] or 0) < c then missing[#missing + 1] = string.format("%s: '%s'", t.title, w) end
      end
    end
    table.sort(missing)
    print(string.format("%s: %d of %d printed figures in %d tables shown", doc.stem, total - #missing, total, #tables))
    assert(#missing == 0, "figures the document prints that show does not:\n" .. table.concat(missing, "\n", 1,
      math.min(#missing, 30)))
  end)
end

H.run()
