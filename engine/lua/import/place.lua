-- engine/lua/import/place.lua
-- The place-figures stage: every figure of every read table in its column.
-- Where the source has positions, a figure belongs to the column whose
-- header spans its x (the nearest, in order); where it has none (empty cells
-- dropped), the identities of the document decide: parent = Σ children,
-- 合计 = Σ columns, the same row in the other tables. Where they leave a
-- choice open, the import stops and names the table, the row and the
-- candidates.
-- See LICENSE for copyright and license.

local C = require "budget.c"

local M = {}

local ZERO = C.fen(0)
local fail = require("budget.import.source").fail
local templates = require "budget.import.templates"

local function colnames(t)
  if not t.colnames then
    t.colnames = {}
    for i, c in ipairs(t.columns) do t.colnames[i] = type(c) == "table" and c.name or c end
  end
  return t.colnames
end

local function col(t, name)
  for i, c in ipairs(colnames(t)) do if c == name then return i end end
end
M.col = col

local place_T1  -- below

local function row_by_code(t)
  local m = {}
  if t then for _, r in ipairs(t.rows) do m[r.code] = r end end
  return m
end
M.by_code = row_by_code

-- The placement of a row's figures by their x: each figure to a column, in order, the sum of
-- the distances the least. 'cols' are {x0, x1} spans; 'edge' measures right edges (figures
-- are right-aligned under a page's anchors), else centres (under a header's words).
local function assign(cols, row, edge)
  local figs = row.figs
  local n, m = #figs, #cols
  if n == 0 or n > m then return nil end
  local function cost(i, j)
    local f, c = figs[i], cols[j]
    if edge then return math.abs(f.x1 - c.x1) end
    return math.abs((f.x0 + f.x1) / 2 - (c.x0 + c.x1) / 2)
  end
  -- best[i][j]: least cost placing figures 1..i with figure i in column j
  local best, from = {}, {}
  for i = 1, n do
    best[i], from[i] = {}, {}
    for j = i, m - (n - i) do
      if i == 1 then
        best[i][j] = cost(1, j)
      else
        local b, bj
        for k = i - 1, j - 1 do
          local v = best[i - 1][k]
          if v and (not b or v < b) then b, bj = v, k end
        end
        best[i][j] = b + cost(i, j)
        from[i][j] = bj
      end
    end
  end
  local bj, b
  for j = n, m do
    local v = best[n][j]
    if v and (not b or v < b) then b, bj = v, j end
  end
  local v, at = {}, {}
  for c = 1, m do v[c] = ZERO end
  for i = n, 1, -1 do
    v[bj] = row.values[i]
    at[i] = bj
    bj = from[i][bj]
  end
  v.at = at
  return v, at
end

-- The median of a list of numbers.
local function median(xs)
  table.sort(xs)
  return xs[(#xs + 1) // 2]
end

-- Places by position every row of a positioned table, page by page. A page with a header
-- is read under its header's words; a page without one (a table continued) under the
-- right edges the figures of the page before had, shifted by the one offset that fits this
-- page's figures best. Where no offset fits clearly, the page's rows are left to the identities.
local function positions(t)
  if not (t.columns[1] and t.columns[1].x0) then return end
  local by_page, pages = {}, {}
  local all = {}
  for _, r in ipairs(t.rows) do all[#all + 1] = r end
  if t.total then all[#all + 1] = t.total end
  for _, r in ipairs(all) do
    local p = r.line.page
    if not by_page[p] then by_page[p] = {} pages[#pages + 1] = p end
    table.insert(by_page[p], r)
  end
  table.sort(pages)
  local anchors  -- {x1 per column}, from the last page read under a header or one clear offset
  for _, p in ipairs(pages) do
    local rows = by_page[p]
    local cols = t.page_columns and t.page_columns[p]
    local shifts = {}
    if not cols and anchors then
      -- the offsets that bring this page's right edges near the anchors: the best, and any other
      -- that fits within a quarter of the narrowest gap between columns a figure
      local xs = {}
      for _, r in ipairs(rows) do for _, f in ipairs(r.figs) do xs[#xs + 1] = f.x1 end end
      local gap = math.huge
      for j = 2, #anchors do gap = math.min(gap, math.abs(anchors[j] - anchors[j - 1])) end
      -- (where every edge and anchor is a whole number, characters of a layout text, each
      -- distinct edge is measured once and counted as often as it occurs: the sums are the same
      -- integers, and a long page costs its distinct edges, not its figures, a shift)
      local ys, count = xs, nil
      local whole = true
      for _, x in ipairs(xs) do if math.type(x) ~= "integer" then whole = false break end end
      for _, a in ipairs(anchors) do if math.type(a) ~= "integer" then whole = false break end end
      if whole then
        ys, count = {}, {}
        for _, x in ipairs(xs) do
          if not count[x] then ys[#ys + 1], count[x] = x, 0 end
          count[x] = count[x] + 1
        end
      end
      local tried = {}
      for _, x in ipairs(ys) do
        for _, a in ipairs(anchors) do
          local sft = x - a
          if not tried[sft] then
            tried[sft] = true
            local c = 0
            for _, y in ipairs(ys) do
              local d = math.huge
              for _, b in ipairs(anchors) do d = math.min(d, math.abs(y - b - sft)) end
              c = c + (count and count[y] * d or d)
            end
            if #xs > 0 and c <= #xs * gap / 4 then shifts[#shifts + 1] = { shift = sft, cost = c } end
          end
        end
      end
      table.sort(shifts, function(x, y) return x.cost < y.cost end)
    end
    if cols then
      local seen = {}
      for j = 1, #cols do seen[j] = {} end
      for _, r in ipairs(rows) do
        local v, at = assign(cols, r, false)
        if v then
          r.at = v
          for i, j in ipairs(at) do table.insert(seen[j], r.figs[i].x1) end
        end
      end
      anchors = {}
      for j, c in ipairs(cols) do anchors[j] = #seen[j] > 0 and median(seen[j]) or c.x1 end
    elseif #shifts > 0 then
      -- each plausible offset places a row one way; where they differ, the identities choose
      for _, r in ipairs(rows) do
        local cands, keys = {}, {}
        for _, sh in ipairs(shifts) do
          local cs = {}
          for j, a in ipairs(anchors) do cs[j] = { x0 = a + sh.shift, x1 = a + sh.shift } end
          local v = assign(cs, r, true)
          if v then
            local key = {}
            for c, x in ipairs(v) do key[c] = tostring(x) end
            key = table.concat(key, "|")
            if not keys[key] then keys[key] = true cands[#cands + 1] = v end
          end
        end
        if #cands == 1 then r.at = cands[1] elseif #cands > 1 then r.pos_cands = cands end
      end
      if #shifts == 1 then
        local sft = shifts[1].shift
        for j = 1, #anchors do anchors[j] = anchors[j] + sft end
      end
    end
  end
end

-- Every way to place k figures in n columns, in order, with zeros elsewhere.
local function placements(values, n)
  local out = {}
  local k = #values
  local function rec(start, idx, acc)
    if idx > k then
      local row = { at = {} }  -- at: the column of each figure, so the writer keeps the printed words
      for c = 1, n do row[c] = ZERO end
      for i, c in ipairs(acc) do row[c], row.at[i] = values[i], c end
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

M.placements = placements

-- Which columns sum which: 合计 = the rest; in the 三公 table, 合计 = 出国 + 接待 + 小计, 小计 = 购置 + 运行.
local function column_sums(t)
  local idx = {}
  for i, c in ipairs(colnames(t)) do idx[c] = i end
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

-- The candidates of every row: placements that add up across the row (and pass 'filter').
local function candidates(t, row, filter)
  local sums = column_sums(t)
  if row.at then return { row.at } end
  -- the placements that add up across the row, made once a row (the passes ask again)
  if not row.adding then
    local all = row.pos_cands or placements(row.values, #t.columns)
    local good = {}
    for _, v in ipairs(all) do if row_adds_up(sums, v) then good[#good + 1] = v end end
    if #good == 0 then good = all end  -- a row that does not add up: its place is decided elsewhere, or not at all
    row.adding = good
  end
  local good = row.adding
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
local SEARCH_ROWS = 64

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
  table.sort(cons, function(a, b) return a.parent.line.index < b.parent.line.index end)
  local of = {}  -- the constraints each row is in
  local function enter(r, con)
    of[r] = of[r] or {}
    table.insert(of[r], con)
  end
  for _, con in ipairs(cons) do
    enter(con.parent, con)
    for _, r in ipairs(con.kids) do enter(r, con) end
  end
  local ncol = #t.columns
  -- The ranges and sums below are counts of fen, Lua integers, where no sum of the table can
  -- overflow one (any real document): the search tries up to SEARCH_LIMIT candidates, and an
  -- amount's arithmetic (a budget.money, checked in C) would cost each of them many times
  -- more. Otherwise they stay amounts, whose arithmetic raises on an overflow.
  local largest = 0
  for _, r in ipairs(rows) do
    for _, x in ipairs(r.placed and { r.placed } or r.cands) do
      for c = 1, ncol do
        local f = x[c]:fen()
        if f < 0 then f = f == math.mininteger and math.maxinteger or -f end
        if f > largest then largest = f end
      end
    end
  end
  local exact = largest == 0 or #rows + 2 <= math.maxinteger // largest
  local zero = exact and 0 or ZERO
  local fen = {}  -- each candidate's figures as counts of fen
  local function nums(v)
    if not exact then return v end
    local n = fen[v]
    if not n then
      n = {}
      for c = 1, ncol do n[c] = v[c]:fen() end
      fen[v] = n
    end
    return n
  end
  -- Each row's range in each column (the least and most its candidates give, or its figure once
  -- placed), each constraint's sum of its rows' ranges, and how many of its open rows can still
  -- differ in each column: kept up to date as candidates fall, so checking one candidate costs
  -- the constraints of its row, not the size of the table.
  local lo, hi, differs = {}, {}, {}
  local function measure(r)
    local l, h, d = {}, {}, {}
    local set = r.placed and { r.placed } or r.cands
    for c = 1, ncol do
      local a, b = nums(set[1])[c], nums(set[1])[c]
      for _, x in ipairs(set) do
        x = nums(x)
        if x[c] < a then a = x[c] end
        if x[c] > b then b = x[c] end
      end
      l[c], h[c], d[c] = a, b, a ~= b
    end
    return l, h, d
  end
  for _, r in ipairs(rows) do lo[r], hi[r], differs[r] = measure(r) end
  for _, con in ipairs(cons) do
    con.slo, con.shi, con.open = {}, {}, {}
    for c = 1, ncol do
      local sl, sh, n = zero, zero, differs[con.parent][c] and 1 or 0
      for _, k in ipairs(con.kids) do
        sl, sh = sl + lo[k][c], sh + hi[k][c]
        if differs[k][c] then n = n + 1 end
      end
      con.slo[c], con.shi[c], con.open[c] = sl, sh, n
    end
  end
  -- A column where no open row's candidates differ cannot tell them apart: a constraint is
  -- checked only on the columns that can, so a sum the document gets wrong elsewhere does
  -- not stop the placement (the check reports it later).
  local function set_range(r, l, h, d)
    local cs = of[r]
    if cs then
      local rl, rh, rd = lo[r], hi[r], differs[r]
      for i = 1, #cs do
        local con = cs[i]
        if con.parent ~= r then
          local slo, shi = con.slo, con.shi
          for c = 1, ncol do
            slo[c] = slo[c] - rl[c] + l[c]
            shi[c] = shi[c] - rh[c] + h[c]
          end
        end
        if d then
          local open = con.open
          for c = 1, ncol do open[c] = open[c] - (rd[c] and 1 or 0) + (d[c] and 1 or 0) end
        end
      end
    end
    lo[r], hi[r] = l, h
    if d then differs[r] = d end
  end
  -- whether row r taking figures v (nums of a candidate) keeps every constraint it is in satisfiable
  local function fits(r, v)
    local cs = of[r]
    if not cs then return true end
    local rl, rh = lo[r], hi[r]
    for i = 1, #cs do
      local con = cs[i]
      local p, open, slo, shi = con.parent, con.open, con.slo, con.shi
      if p == r then
        for c = 1, ncol do
          if open[c] > 0 then
            local x = v[c]
            if shi[c] < x or slo[c] > x then return false end
          end
        end
      else
        local pl, ph = lo[p], hi[p]
        for c = 1, ncol do
          if open[c] > 0 then
            local x = v[c]
            local sl, sh = slo[c] - rl[c] + x, shi[c] - rh[c] + x
            if sh < pl[c] or sl > ph[c] then return false end
          end
        end
      end
    end
    return true
  end
  -- propagation: drop the candidates no identity can accept, until nothing changes; a row is
  -- looked at again only when a constraint it is in has changed
  local queue, queued = {}, {}
  for _, r in ipairs(rows) do
    if not r.placed and of[r] then queue[#queue + 1] = r queued[r] = true end
  end
  local head = 1
  while head <= #queue do
    local r = queue[head]
    head = head + 1
    queued[r] = nil
    if not r.placed then
      local kept = {}
      for _, v in ipairs(r.cands) do if fits(r, nums(v)) then kept[#kept + 1] = v end end
      if #kept >= 1 and #kept < #r.cands then
        r.cands = kept
        if #kept == 1 then r.placed = kept[1] end
        set_range(r, measure(r))
        -- (the rows of a sum of very many rows are looked at again only when a smaller sum they
        -- are in changes: all of them after each change would grow with the square of the rows)
        for _, con in ipairs(of[r]) do
          local others = #con.kids <= SEARCH_ROWS and { con.parent, table.unpack(con.kids) } or { con.parent }
          for _, o in ipairs(others) do
            if o ~= r and not o.placed and not queued[o] then queue[#queue + 1] = o queued[o] = true end
          end
        end
      end
    end
  end
  -- search: the rows still open, together; a unique way that every identity accepts places them
  -- (not again on a pass that left every row's candidates as the last search saw them)
  local open, size = {}, 0
  for _, row in ipairs(rows) do
    if not row.placed and of[row] then
      open[#open + 1] = row
      size = size + #row.cands
    end
  end
  if #open == 0 then return end
  local seen = #open .. ":" .. size
  if t.searched == seen then return end
  t.searched = seen
  -- so many rows open at once leave no unique way to the search; they are left to the majority
  -- of their table (require_placed), and the work stays linear in the rows
  if #open > SEARCH_ROWS then return end
  -- The search tries the open rows' candidates in order, depth first, counting each candidate
  -- tried; it places them only where exactly one way is found and no more than SEARCH_LIMIT
  -- candidates were tried in all. What rows i.. can do depends only on the sums of the
  -- constraints that rows before i share with them (and on those rows' figures where they are
  -- a constraint's parent): a subtree met again in that same state is the same subtree, so its
  -- count of candidates tried and of ways found, and its first way, are kept and added again
  -- instead of walked again. The counts, and so what is placed, are the walk's own: a search
  -- that found a second way or went past the limit stops, and places nothing.
  local at = {}  -- each open row's place in the order
  for i, r in ipairs(open) do at[r] = i end
  local first_at, last_at = {}, {}  -- each constraint's first and last open row
  for i, r in ipairs(open) do
    for _, con in ipairs(of[r]) do
      first_at[con] = first_at[con] or i
      last_at[con] = i
    end
  end
  -- frontier[i]: the constraints with an open row before i and one at i or after, in a fixed order
  local frontier = {}
  for i = 1, #open do frontier[i] = {} end
  for _, con in ipairs(cons) do
    if first_at[con] then
      for i = first_at[con] + 1, last_at[con] do table.insert(frontier[i], con) end
    end
  end
  local value = exact and function(x) return x end or function(x) return x:fen() end
  local function state(i)
    local parts, n = {}, 0
    for _, con in ipairs(frontier[i]) do
      local p, open_c, slo, shi = con.parent, con.open, con.slo, con.shi
      local chosen_p = at[p] and at[p] < i
      for c = 1, ncol do
        if open_c[c] > 0 then
          parts[n + 1], parts[n + 2] = value(slo[c]), value(shi[c])
          n = n + 2
          if chosen_p then
            parts[n + 1] = value(lo[p][c])
            n = n + 1
          end
        end
      end
    end
    return table.concat(parts, ",")
  end
  local memo = {}
  for i = 1, #open do memo[i] = {} end
  local steps, found, stop = 0, 0, false
  local LAST = {}  -- the end of a way: a way is {candidate, rest of the way}
  -- the candidates tried and ways found in rows i.., and the first way; nothing once stopped
  local function rec(i)
    if i > #open then
      found = found + 1
      if found > 1 then stop = true end
      return 0, 1, LAST
    end
    local key = state(i)
    local known = memo[i][key]
    if known then
      steps, found = steps + known.steps, found + known.ways
      if steps > SEARCH_LIMIT or found > 1 then stop = true end
      return known.steps, known.ways, known.way
    end
    local r = open[i]
    local l, h = lo[r], hi[r]
    local tried, ways, way = 0, 0, nil
    for _, v in ipairs(r.cands) do
      steps, tried = steps + 1, tried + 1
      if steps > SEARCH_LIMIT then stop = true return end
      local n = nums(v)
      if fits(r, n) then
        set_range(r, n, n)
        local t2, w2, rest = rec(i + 1)
        set_range(r, l, h)
        if stop then return end
        tried, ways = tried + t2, ways + w2
        if w2 > 0 and not way then way = { v, rest } end
      end
    end
    memo[i][key] = { steps = tried, ways = ways, way = way }
    return tried, ways, way
  end
  local _, ways, way = rec(1)
  if not stop and ways == 1 then
    for i = 1, #open do
      open[i].placed = way[1]
      way = way[2]
    end
  end
end

-- After every pass: a row still open is an error naming the table, row, line and candidates.
local function require_placed(t, src)
  local rows = {}
  for _, row in ipairs(t.rows) do rows[#rows + 1] = row end
  if t.total then rows[#rows + 1] = t.total end
  -- where a misprint leaves the identities no way to hold, a row still open is placed as the
  -- table's other rows of as many figures are, if most of them are placed one way
  local patterns = {}
  for _, row in ipairs(rows) do
    if row.placed and row.placed.at then
      local key = #row.values .. ":" .. table.concat(row.placed.at, ",")
      patterns[key] = (patterns[key] or 0) + 1
    end
  end
  for _, row in ipairs(rows) do
    -- candidates that differ only in where a zero was printed give the same figures: any will do
    if not row.placed and row.cands and #row.cands > 1 then
      local same_all = true
      for _, v in ipairs(row.cands) do
        for c = 1, #v do if v[c] ~= row.cands[1][c] then same_all = false end end
      end
      if same_all then row.placed = row.cands[1] end
    end
    if not row.placed and row.cands then
      local best, n, tie = nil, 0, false
      for _, v in ipairs(row.cands) do
        local c = v.at and patterns[#row.values .. ":" .. table.concat(v.at, ",")] or 0
        if c > n then best, n, tie = v, c, false elseif c == n and c > 0 then tie = true end
      end
      if best and n >= 2 and not tie then row.placed = best end
    end
  end
  for _, row in ipairs(rows) do
    if not row.placed then
      local opts, seen = {}, {}
      for _, v in ipairs(row.cands) do
        local cols = {}
        if v.at then
          for _, c in ipairs(v.at) do cols[#cols + 1] = colnames(t)[c] end
        else
          for c, x in ipairs(v) do if x ~= ZERO then cols[#cols + 1] = colnames(t)[c] end end
        end
        local o = table.concat(cols, "+")
        if not seen[o] then opts[#opts + 1] = o seen[o] = true end
      end
      fail(src, row.line, "%s: row '%s%s' prints %d figures for %d columns, and the identities of the document "
        .. "leave open which: %s", t.title, row.code, row.name and (" " .. row.name) or "", #row.values, #t.columns,
        table.concat(opts, " or "))
    end
  end
end

-- }==================================================================

local FISCAL = templates.FISCAL
M.FISCAL = FISCAL

-- The economic line of table 7 that a 三公 line is: found by its name, since some documents
-- renumber their economic codes ('302 10 车辆运行费'). 'word' is 因公出国, 公务接待 or 运行
-- (公务用车运行维护费, 车辆运行费). nil when the table has no such line.
local SANGONG_NAMES = { ["因公出国"] = { "因公出国" }, ["公务接待"] = { "公务接待" }, ["运行"] = { "公务用车运行", "车辆运行" } }
function M.sangong_line(t7, word)
  if not t7 then return nil end
  for _, r in ipairs(t7.rows) do
    if #r.segs == 2 then
      for _, w in ipairs(SANGONG_NAMES[word]) do
        if r.name:gsub("%s", ""):find(w, 1, true) then return r end
      end
    end
  end
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
        for i, c in ipairs(colnames(T.T2)) do
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
    for i, c in ipairs(colnames(T.T3)) do
      local fiscal = fiscal_of(row.code, c)
      if fiscal and v[i] < fiscal then return false end
    end
    return true
  end
  f.fiscal = function(row, v, key)
    local r3 = rows.T3 and rows.T3[row.code]
    if row.is_total or not (r3 and r3.placed) then return true end
    for i, c in ipairs(colnames(T[key])) do
      local c3 = col(T.T3, c)
      if c3 and v[i] > r3.placed[c3] then return false end
    end
    return true
  end
  for key in pairs(FISCAL) do
    if key ~= "T5" then f[key] = function(row, v) return f.fiscal(row, v, key) end end
  end
  f.T8 = function(row, v)
    for _, pair in ipairs { { "因公出国(境)费", "因公出国" }, { "公务接待费", "公务接待" }, { "运行费", "运行" } } do
      local i, r = col(T.T8, pair[1]), M.sangong_line(T.T7, pair[2])
      if i and r and r.placed then
        local want = r.placed[col(T.T7, "合计")]:round(C.money("0.01万元"))
        if v[i] ~= want then return false end
      end
    end
    return true
  end
  f.T5 = function(row, v)
    local t7 = T.T7 and T.T7.total
    local b5, c7 = col(T.T5, "基本支出"), T.T7 and col(T.T7, "合计")
    if row.is_total and t7 and t7.placed and b5 and c7 then return v[b5] == t7.placed[c7] end
    return f.fiscal(row, v, "T5")
  end
  return f
end

-- Places table 4's spending rows: 合计 = the columns, each column = its function table's 类 row.
local function place_T4(T, src)
  local t = T.T4
  local cols = t.right_columns
  local by = { ["一般公共预算"] = "T5", ["政府性基金预算"] = "T6", ["国有资本经营预算"] = "T6b" }
  local codes = {}  -- each function table's rows by code, made once (not once a candidate)
  for _, key in pairs(by) do codes[key] = T[key] and row_by_code(T[key]) end
  for _, e in ipairs(t.right) do
    -- each candidate scores the identities it keeps: 合计 = Σ columns, each column = its table's row
    -- (ties go to the candidate nearest the figures the other tables imply)
    local best, top, near = {}, -1, nil
    for _, v in ipairs(placements(e.values, #cols)) do
      local score, sum, off = 0, ZERO, ZERO
      for c = 2, #cols do sum = sum + v[c] end
      if sum == v[1] then score = score + 1 end
      for c = 2, #cols do
        local tk = T[by[cols[c]]]
        local want = ZERO
        if tk then
          if e.class then
            local r = codes[by[cols[c]]][e.class]
            want = r and r.placed and r.placed[col(tk, "合计")] or (not r and ZERO) or nil
          elseif tk.total and tk.total.placed then
            want = tk.total.placed[col(tk, "合计")]
          elseif tk.total then
            want = nil
          end
        end
        if want and v[c] == want then score = score + 1 end
        if want then off = off + (v[c] > want and v[c] - want or want - v[c]) end
      end
      if score > top or (score == top and off < near) then best, top, near = { v }, score, off
      elseif score == top and off == near then best[#best + 1] = v end
    end
    if #best == 1 or #e.values == 0 then e.placed = best[1]
    elseif #e.values == #cols then e.placed = placements(e.values, #cols)[1]
    else
      fail(src, e.line, "%s: '%s' prints %d figures for %d columns, and the identities leave open which",
        t.title, e.label, #e.values, #cols)
    end
  end
end

-- }==================================================================

-- A repeated page prints its rows twice: the second copy of a row with the same code and
-- figures is dropped (a repeat with other figures is kept, for 'check' to judge).
local function drop_repeats(t)
  local seen, kept = {}, {}
  for _, r in ipairs(t.rows) do
    local key = r.code .. "\0" .. (r.name or "")
    for _, v in ipairs(r.values) do key = key .. "\0" .. tostring(v) end
    if r.code == "" or not seen[key] then kept[#kept + 1] = r end
    seen[key] = true
  end
  t.rows = kept
end

-- The sided tables' right side by position, where the header gave a span to every column.
local function sided_by_position(t)
  if not t.right_spans then return end
  for _, e in ipairs(t.right) do
    local v = assign(t.right_spans, e)
    if v then e.placed = v end
  end
end

-- {==================================================================
-- Misprints: the cells the most identities keep
-- ===================================================================

-- A leaf row whose own figures do not add up (合计 ≠ Σ columns) has one figure misprinted: of
-- the ways to mend one figure from the others, the one that keeps the most of its parent's
-- column sums is taken for the cells; the row keeps its printed figures for the view, where
-- 'check' reports the difference once, at that row. A row no mending improves stays as printed.
local function repair(t)
  local sums = column_sums(t)
  local total_col, parts
  for c, ps in pairs(sums) do total_col, parts = c, ps end
  if not total_col or t.kind.shape ~= "coded" then return end
  local kids, tops = tree(t)
  local parent, siblings = {}, {}
  for p, ks in pairs(kids) do for _, k in ipairs(ks) do parent[k], siblings[k] = p, ks end end
  if t.total then for _, k in ipairs(tops) do parent[k], siblings[k] = t.total, tops end end
  local ncol = #t.columns
  -- each family's column sums, made the first time a row of it is tried and kept up to date as
  -- its rows are mended: trying a row costs its columns, not its siblings (a sum over every
  -- sibling for each row tried grew with the square of a family's rows)
  local sums_of = {}
  local function family_sums(ks)
    local sum = sums_of[ks]
    if not sum then
      sum = {}
      for c = 1, ncol do
        local x = ZERO
        for _, k in ipairs(ks) do x = x + k.placed[c] end
        sum[c] = x
      end
      sums_of[ks] = sum
    end
    return sum
  end
  local function kept(r, v)
    local p = parent[r]
    if not (p and p.placed) then return 0 end
    local sum = family_sums(siblings[r])
    local n = 0
    for c = 1, ncol do
      if sum[c] - r.placed[c] + v[c] == p.placed[c] then n = n + 1 end
    end
    return n
  end
  for _, r in ipairs(t.rows) do
    if not kids[r] and r.placed and not row_adds_up(sums, r.placed) then
      local best, score = nil, kept(r, r.placed)
      local function try(c, value)
        local v = { table.unpack(r.placed) }  -- the cells' figures: no printed words
        v[c] = value
        local n = kept(r, v)
        if n > score then best, score = v, n end
      end
      local s = ZERO
      for _, p in ipairs(parts) do s = s + r.placed[p] end
      try(total_col, s)
      for _, p in ipairs(parts) do try(p, r.placed[total_col] - (s - r.placed[p])) end
      if best then
        local sum = sums_of[siblings[r]]
        if sum then for c = 1, ncol do sum[c] = sum[c] - r.placed[c] + best[c] end end
        r.printed, r.placed = r.placed, best
      end
    end
  end
end

-- }==================================================================

-- The 单位 form of table 1 splits spending by 类 into 合计 / 人员经费 / 公用经费 / 项目支出: rows
-- the text prints with fewer figures are placed as a coded table's are, by 合计 = Σ columns,
-- 支出总计 = Σ 类, and each 类's 合计 and 项目支出 as table 3 prints them.
place_T1 = function(T, src)
  local t = T.T1
  local open = false
  for _, e in ipairs(t.right) do if not e.placed then open = true end end
  if not open then return end
  local pseudo = { kind = { shape = "coded", key = "T1" }, title = t.title, rows = {}, columns = {} }
  for i, c in ipairs(t.right_columns) do pseudo.columns[i] = { name = c } end
  for _, e in ipairs(t.right) do
    local r = { code = e.class or "合计", name = e.label, values = e.values, figs = e.figs, line = e.line,
                is_total = e.class == nil, entry = e }
    if e.class then pseudo.rows[#pseudo.rows + 1] = r else pseudo.total = r end
  end
  local r3 = row_by_code(T.T3)
  local c3, p3 = col(T.T3, "合计"), col(T.T3, "项目支出")
  local filter = function(row, v)
    local x = r3[row.code]
    if row.is_total then x = T.T3.total end
    if not (x and x.placed) then return true end
    return (not c3 or v[1] == x.placed[c3]) and (not p3 or v[4] == x.placed[p3])
  end
  infer(pseudo, filter)
  require_placed(pseudo, src)
  for _, r in ipairs(pseudo.rows) do r.entry.placed = r.placed end
  if pseudo.total then pseudo.total.entry.placed = pseudo.total.placed end
end

-- A row of figures 'v' whose sums fail ('sums': {total column, {part columns}}): of the ways to
-- mend one figure from a sum it is in, the one that keeps the most of the sums and of 'links'
-- ({column, the figure another table gives it}); nil where no mending keeps more than v does.
local function mend_score(x, sums, links)
  local n = 0
  for _, s in ipairs(sums) do
    local sum = ZERO
    for _, p in ipairs(s[2]) do sum = sum + x[p] end
    if sum == x[s[1]] then n = n + 1 end
  end
  for _, l in ipairs(links) do if x[l[1]] == l[2] then n = n + 1 end end
  return n
end
M.mend_score = mend_score

function M.mend(v, sums, links)
  local function score(x) return mend_score(x, sums, links) end
  local best, top = nil, score(v)
  if top == #sums + #links then return nil end
  for _, s in ipairs(sums) do
    for _, c in ipairs { s[1], table.unpack(s[2]) } do
      local x = { table.unpack(v) }
      local others = ZERO
      for _, p in ipairs(s[2]) do if p ~= c then others = others + x[p] end end
      x[c] = c == s[1] and others or (x[s[1]] - others)
      local n = score(x)
      if n > top then best, top = x, n end
    end
  end
  return best
end

-- The 三公 table's one row: where positions did not place it, the placement that keeps the
-- most of its sums and of its lines' equality with the economic lines (因公出国, 公务接待,
-- 运行费 = 302 12, 302 17, 302 31 at 0.01万元), counting what a mended figure keeps at a little
-- less; then the one misprinted figure, if any, mended for the cells (M.mend).
local function place_sangong(T, src)
  local t = T.T8
  local r = t and t.rows[1]
  if not r then return end
  local by = column_sums(t)
  local sums = {}
  for total, parts in pairs(by) do
    local ps = {}
    for _, p in ipairs(parts) do if p then ps[#ps + 1] = p end end
    sums[#sums + 1] = { total, ps }
  end
  table.sort(sums, function(x, y) return x[1] < y[1] end)
  local links = {}
  for _, pair in ipairs { { "因公出国(境)费", "因公出国" }, { "公务接待费", "公务接待" }, { "运行费", "运行" } } do
    local i, e = col(t, pair[1]), M.sangong_line(T.T7, pair[2])
    if i and e and e.placed then links[#links + 1] = { i, e.placed[col(T.T7, "合计")]:round(C.money("0.01万元")) } end
  end
  if not r.placed then
    local best, top = {}, -1
    for _, v in ipairs(r.at and { r.at } or placements(r.values, #t.columns)) do
      local score = mend_score(v, sums, links)
      local m = M.mend(v, sums, links)
      if m then score = math.max(score, mend_score(m, sums, links) - 0.5) end
      if score > top then best, top = { v }, score elseif score == top then best[#best + 1] = v end
    end
    if #best > 1 and top == #sums + #links then
      r.cands = best
      require_placed(t, src)  -- every identity holds either way: the choice is open, and said
    end
    r.placed = best[1]
  end
  local m = M.mend(r.placed, sums, links)
  if m then r.printed, r.placed = r.placed, m end
end

-- Places the figures of every table of a read document: T is the tables by key.
function M.place(T, src)
  for _, t in pairs(T) do
    if t.rows then
      drop_repeats(t)
      positions(t)
    end
  end
  local order = { "T7", "T5", "T6", "T6b", "T3", "T2" }
  for _ = 1, 4 do
    local f = filters(T)
    for _, key in ipairs(order) do if T[key] then infer(T[key], f[key]) end end
  end
  for _, key in ipairs(order) do if T[key] then require_placed(T[key], src) end end
  for _, key in ipairs(order) do if T[key] then repair(T[key]) end end
  place_sangong(T, src)
  if T.T4 then
    sided_by_position(T.T4)
    local open = false
    for _, e in ipairs(T.T4.right) do if not e.placed then open = true end end
    if open then place_T4(T, src) end
  end
  if T.T1 then
    sided_by_position(T.T1)
    if #T.T1.right_columns > 1 then place_T1(T, src) end
  end
end

return M
