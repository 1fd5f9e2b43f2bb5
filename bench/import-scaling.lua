-- bench/import-scaling.lua: 'make bench-import-scaling'. Whether 'budget import' takes time in
-- proportion to its document. From real documents (the SAST text in models/, a 普陀区 layout
-- text in BUDGET_DOCS) it makes versions 1, 2, 4 and 8 times as large and times the import of
-- each (median of BENCH_SCALING_REPS runs, a whole process: 'budget import DOC -o MODEL'):
--   same      every coded row of every coded table printed K times (a page printed twice;
--             the importer reads every copy and keeps one);
--   repeats   every 项 row printed 16·K times, each copy with other figures (n units above the
--             row's, n its number): kept, so each 款 has 16·K times its 项 and none adds up;
--   distinct  every 项 row ('206 07 02 科普活动 ...') followed by K-1 new 项 of the same 款 (codes
--             no row of that 款 uses, names with 分项一, 分项二, ...), each taking an equal share of
--             the row's 合计 and of one of its parts, so that every row, 款, 类 and 合计 still adds
--             up and a code has the same 合计 in every table: the hierarchy grows (a 款 has 99
--             codes at most: 8× is as far as most documents go);
--   misprint  as distinct, with the 合计 of every new row printed one unit of its last digit too
--             high (1 元, or 0.01 where figures print decimals): a misprint the importer mends;
--   headers   the header of every coded table printed 100·K times over (the lines between its
--             unit line and its first row).
-- For each it prints rows (coded rows of the generated text), bytes, seconds, µs per row and
-- the ratio of each time to the 1× time, then whether the growth is linear: 8× the input in
-- at most 10× the time of 1× (BENCH_SCALING_LIMIT). Prints figures; never fails on a time
-- (an import that fails or is stopped is a figure too, said in its row).
-- Environment: BUILD (build), BUDGET_DOCS (../shared/data/docs), BENCH_SCALING_DOCS (the
-- documents, space-separated; a name without '/' is looked up in BUDGET_DOCS), BENCH_SCALING_MODES
-- ("same repeats distinct misprint headers"), BENCH_SCALING_SCALES ("1 2 4 8"), BENCH_SCALING_REPS
-- (3), BENCH_SCALING_TIMEOUT (seconds an import may take before it is stopped and shown as such:
-- 300), BENCH_SCALING_LIMIT (10).
-- Usage: LUA_CPATH='BUILD/lua/?.so' lua5.4 bench/import-scaling.lua    (the benchmark; the Makefile
--        sets it; without it the times are taken with date)
--        lua5.4 bench/import-scaling.lua gen MODE K IN.txt OUT.txt   (one generated document)

-- {==================================================================
-- Generating the documents
-- ===================================================================

local function split_lines(text)
  local lines = {}
  for l in (text .. "\n"):gmatch("(.-)\n") do lines[#lines + 1] = l end
  if lines[#lines] == "" then lines[#lines] = nil end
  return lines
end

-- The table a title line starts ("income", "spending", "fiscal", "other", "sided"), or nil.
-- Titles print no amounts.
local function kind_of(l)
  local flat = l:gsub("[%s\f]", "")
  if #flat > 180 or flat:find("%d,%d%d%d") or not flat:find("表$") then return nil end
  if flat:find("收支预算总表$") then return "sided" end
  if flat:find("收入预算总表$") then return "income" end
  if flat:find("支出预算总表$") then return "spending" end
  if flat:find("一般公共预算支出功能分类预算表$") or flat:find("政府性基金预算支出功能分类预算表$")
    or flat:find("国有资本经营预算支出功能分类预算表$") then return "fiscal" end
  if flat:find("经济分类预算表$") then return "economic" end
  if flat:find("预算表$") then return "other" end
  return nil
end
local CODED = { income = true, spending = true, fiscal = true, economic = true }

-- A figure word: its value in fen and whether it prints decimals, or nil.
local function figure(tok)
  local int, dec = tok:match("^(%d[%d,]*)%.(%d%d)$")
  if not int then int = tok:match("^(%d[%d,]*)$") end
  if not int then return nil end
  return tonumber((int:gsub(",", ""))) * 100 + (dec and tonumber(dec) or 0), dec ~= nil
end

-- A coded row of 1 to 3 code words, then a name, then figures: its parts, or nil.
local function parse_row(l)
  local lead, rest = l:match("^([%s\f]*)(.*)$")
  local seg, sep
  seg, sep, rest = rest:match("^(%d%d%d)(%s+)(.*)$")
  if not seg then return nil end
  local segs, seps = { seg }, { sep }
  for _ = 2, 3 do
    local s2, p2, r2 = rest:match("^(%d%d)(%s+)(.*)$")
    if not s2 then break end
    segs[#segs + 1], seps[#seps + 1], rest = s2, p2, r2
  end
  local name
  name, rest = rest:match("^(%S+)(.*)$")
  if not name or figure(name) then return nil end
  local code = {}
  for i, s in ipairs(segs) do code[i] = s .. seps[i] end
  local col = utf8.len(lead:match("[^\f]*$") .. table.concat(code) .. name)  -- where the name ends
  local figs = {}
  for gap, tok in rest:gmatch("(%s*)(%S+)") do
    local v, dec = figure(tok)
    if not v then return nil end
    col = col + #gap + utf8.len(tok)
    figs[#figs + 1] = { v = v, dec = dec, gap = gap, right = col }
  end
  if #figs < 1 then return nil end
  return { lead = lead, segs = segs, seps = seps, name = name, figs = figs }
end

local function format(v, dec)
  local int = tostring(v // 100):reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")
  if dec then return string.format("%s.%02d", int, v % 100) end
  return int
end

-- The line of row r with the last code segment 'last', name and figures (values; nil: not
-- printed). A layout text (gaps of 3 spaces or more) keeps each figure's right edge; a text
-- with empty cells dropped keeps the row's own gaps.
local function render(r, last, name, values)
  local lead = r.lead:match("[^\f]*$")
  local code = {}
  for i, s in ipairs(r.segs) do code[#code + 1] = (i == #r.segs and last or s) .. r.seps[i] end
  local out = lead .. table.concat(code) .. name
  local col = utf8.len(out)
  local layout = false
  for _, f in ipairs(r.figs) do if #f.gap >= 3 then layout = true end end
  for i, f in ipairs(r.figs) do
    if values[i] then
      local s = format(values[i], f.dec)
      local pad = layout and math.max(3, f.right - col - #s) or #f.gap
      out = out .. string.rep(" ", pad) .. s
      col = col + pad + #s
    end
  end
  return out
end

-- Every line with the table it is in (nil outside the coded tables) and its row, if a coded row.
local function classify(lines)
  local kind, out = nil, {}
  for i, l in ipairs(lines) do
    local kd = kind_of(l)
    if kd then
      kind = kd
      out[i] = { title = kd }
    elseif CODED[kind] then
      local r = parse_row(l)
      if r then r.kind = kind end
      out[i] = { kind = kind, row = r }
    end
  end
  return out
end

-- 'same': every coded row K times.
local function gen_same(lines, k)
  local info, out = classify(lines), {}
  for i, l in ipairs(lines) do
    out[#out + 1] = l
    local r = info[i] and info[i].row
    if r then
      local copy = l:gsub("^[%s\f]*\f", "")
      for _ = 2, k do out[#out + 1] = copy end
    end
  end
  return out
end

-- 'headers': each coded table's header (from the line after its unit line to the line before
-- its first row) printed 100·K times; the 1× document prints it 100 times.
local HEADER_COPIES = 100
local function gen_headers(lines, k)
  local info, out = classify(lines), {}
  local i = 1
  while i <= #lines do
    out[#out + 1] = lines[i]
    local t = info[i]
    if t and t.title and CODED[t.title] then
      -- the unit line, then the header up to the first row or 合计
      local j = i + 1
      while j <= #lines and not lines[j]:find("单位") and j < i + 4 do out[#out + 1] = lines[j] j = j + 1 end
      local from = j + 1
      local to = from
      while to <= #lines and not (info[to] and (info[to].row or info[to].title)) and not lines[to]:find("合%s*计") do
        to = to + 1
      end
      for n = i + 1, to - 1 do if n >= j then out[#out + 1] = lines[n] end end
      if to > from then
        local block = {}
        for n = from, to - 1 do block[#block + 1] = lines[n]:gsub("\f", "") end
        for _ = 2, HEADER_COPIES * k do
          for _, b in ipairs(block) do out[#out + 1] = b end
        end
      end
      i = to
    else
      i = i + 1
    end
  end
  return out
end

local NUMERAL = { "一", "二", "三", "四", "五", "六", "七", "八", "九", "十" }
local function numeral(n)
  if n <= 10 then return NUMERAL[n] end
  if n < 20 then return "十" .. NUMERAL[n - 10] end
  return NUMERAL[n // 10] .. "十" .. (n % 10 > 0 and NUMERAL[n % 10] or "")
end

-- 'distinct' (and 'misprint'): every 项 row of the function tables as K rows, as bench/
-- 'make bench-import' makes its bigger documents with this mode, for text with empty cells dropped too.
local function gen_distinct(lines, k, misprint)
  local info = classify(lines)
  local used, order, zeros = {}, {}, false
  for i in ipairs(lines) do
    local r = info[i] and info[i].row
    if r and r.kind ~= "economic" then
      for _, f in ipairs(r.figs) do if f.v == 0 then zeros = true end end
      if #r.segs == 3 then
        local kuan, code = r.segs[1] .. r.segs[2], table.concat(r.segs)
        used[kuan] = used[kuan] or {}
        used[kuan][r.segs[3]] = true
        if not order[code] then order[#order + 1] = code order[code] = { rows = {} } end
        table.insert(order[code].rows, r)
        r.entry = order[code]
      end
    end
  end
  if #order == 0 then return nil, "no 项 rows ('201 05 07 name figures') in a 功能分类 table" end
  for _, code in ipairs(order) do
    local e = order[code]
    local kuan = code:sub(1, 5)
    e.codes = {}
    local next_c = 1
    for _ = 2, k do
      while next_c <= 99 and used[kuan][string.format("%02d", next_c)] do next_c = next_c + 1 end
      if next_c > 99 then return nil, string.format("款 %s has no free 项 codes left for %d× its rows", kuan, k) end
      local c = string.format("%02d", next_c)
      used[kuan][c] = true
      e.codes[#e.codes + 1] = c
    end
    -- the part the shares come from: the largest of the row in 支出预算总表 (else its first
    -- table), and 财政拨款收入 in 收入预算总表 where the 项 is in a fiscal table
    local ref = e.rows[1]
    for _, r in ipairs(e.rows) do if r.kind == "spending" then ref = r break end end
    local part = math.min(2, #ref.figs)
    for j = 3, #ref.figs do if ref.figs[j].v > ref.figs[part].v then part = j end end
    local in_fiscal = false
    for _, r in ipairs(e.rows) do if r.kind == "fiscal" then in_fiscal = true end end
    local unit, least = 1, math.huge
    for _, r in ipairs(e.rows) do
      if r.kind == "income" then
        r.part = math.min(2, #r.figs)
        if not in_fiscal then
          for j = 3, #r.figs do if r.figs[j].v > r.figs[r.part].v then r.part = j end end
        end
      else
        r.part = math.min(part, #r.figs)
      end
      if not r.figs[1].dec then unit = 100 end
      least = math.min(least, r.figs[1].v, r.figs[r.part].v)
    end
    e.d = (least // k) // unit * unit
  end
  local out = {}
  for i, l in ipairs(lines) do
    local r = info[i] and info[i].row
    if not (r and r.entry) or k == 1 then
      out[#out + 1] = l
    else
      local e = r.entry
      local keep, share = {}, {}
      for j, f in ipairs(r.figs) do
        local moved = (j == 1 or j == r.part) and e.d or 0
        keep[j] = f.v - (k - 1) * moved
        share[j] = (moved > 0 or zeros) and moved or nil  -- a text that prints no zeros prints none
      end
      if misprint and share[1] then share[1] = share[1] + (r.figs[1].dec and 1 or 100) end
      out[#out + 1] = r.lead .. render(r, r.segs[3], r.name, keep)
      for n, c in ipairs(e.codes) do out[#out + 1] = render(r, c, r.name .. "分项" .. numeral(n), share) end
    end
  end
  local xiang = 0  -- the 项 rows written: each one read, and its K - 1 new ones
  for i in ipairs(lines) do
    local r = info[i] and info[i].row
    if r and r.entry then xiang = xiang + k end
  end
  return out, nil, xiang
end

-- 'repeats': every 项 row of the function tables printed 16·K times, the copies with each figure
-- n units (1 元, or 0.01) above the row's, n the copy's number: the same rows printed again with
-- other figures, which the importer keeps (for 'check' to judge), so a 款 has 16·K times its 项.
local REPEAT_COPIES = 16
local function gen_repeats(lines, k)
  local info, out = classify(lines), {}
  for i, l in ipairs(lines) do
    out[#out + 1] = l
    local r = info[i] and info[i].row
    if r and r.kind ~= "economic" and #r.segs == 3 then
      for n = 1, REPEAT_COPIES * k - 1 do
        local values = {}
        for j, f in ipairs(r.figs) do values[j] = f.v + n * (f.dec and 1 or 100) end
        out[#out + 1] = render(r, r.segs[3], r.name, values)
      end
    end
  end
  return out
end

-- The text of document 'text' made K times as large in 'mode', or nil and a message.
local function generate(mode, text, k)
  local lines = split_lines(text)
  local out, err, xiang
  if mode == "same" then out = gen_same(lines, k)
  elseif mode == "distinct" then out, err, xiang = gen_distinct(lines, k, false)
  elseif mode == "misprint" then out, err, xiang = gen_distinct(lines, k, true)
  elseif mode == "headers" then out = gen_headers(lines, k)
  elseif mode == "repeats" then out = gen_repeats(lines, k)
  else return nil, "no mode " .. tostring(mode) .. " (same, repeats, distinct, misprint, headers)" end
  if not out then return nil, err end
  return table.concat(out, "\n") .. (text:sub(-1) == "\n" and "\n" or ""), nil, xiang
end

-- How many coded rows a text prints (a line that starts with a code and ends with figures).
local function count_rows(text)
  local n = 0
  for _, i in pairs(classify(split_lines(text))) do if i.row then n = n + 1 end end
  return n
end

-- }==================================================================

local function slurp(path)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local s = f:read("a")
  f:close()
  return s
end
local function spit(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

if arg[1] == "gen" then
  local mode, k, inpath, outpath = arg[2], math.tointeger(tonumber(arg[3] or "")), arg[4], arg[5]
  if not (mode and k and k >= 1 and inpath and outpath) then
    io.stderr:write("usage: lua5.4 bench/import-scaling.lua gen same|repeats|distinct|misprint|headers K IN.txt OUT.txt\n")
    os.exit(2)
  end
  local text = assert(slurp(inpath))
  local out, err, xiang = generate(mode, text, k)
  if not out then io.stderr:write(inpath, ": ", err, "\n") os.exit(1) end
  spit(outpath, out)
  print(string.format("%d rows, %d bytes", count_rows(out), #out) .. (xiang and string.format(", %d 项 rows", xiang) or ""))
  os.exit(0)
end

-- {==================================================================
-- The benchmark
-- ===================================================================

local build = os.getenv("BUILD") or "build"
local docs = os.getenv("BUDGET_DOCS") or "../shared/data/docs"
local which = os.getenv("BENCH_SCALING_DOCS") or "models/sast-2021.txt shanghai_putuo_wanli_jiedao_2025_dept_budget.layout.txt"
local modes = os.getenv("BENCH_SCALING_MODES") or "same repeats distinct misprint headers"
local scales = os.getenv("BENCH_SCALING_SCALES") or "1 2 4 8"
local reps = math.tointeger(tonumber(os.getenv("BENCH_SCALING_REPS") or "3")) or 3
local timeout = tonumber(os.getenv("BENCH_SCALING_TIMEOUT") or "300") or 300
local limit = tonumber(os.getenv("BENCH_SCALING_LIMIT") or "10") or 10
local bin = build .. "/budget"
local dir = build .. "/bench/import-scaling"

local function sh_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

if not io.open(bin) then
  io.stderr:write("bench-import-scaling: ", bin, " is not built (make BUILD=", build, ")\n")
  os.exit(1)
end
os.execute("mkdir -p " .. sh_quote(dir))

-- Seconds one import takes (wall clock: budget.clock, else date's nanoseconds), and how it ended: "ok",
-- "exit N" (the first line of its message kept) or "timeout".
local has_budget, budget = pcall(require, "budget")  -- LUA_CPATH='BUILD/lua/?.so': its monotonic clock
local function now()
  if has_budget then return budget.clock() end
  local p = io.popen("date +%s.%N")
  local t = tonumber(p:read("l"))
  p:close()
  return t
end
local function import_once(path, model)
  local err = dir .. "/stderr.txt"
  local cmd = string.format("timeout %d %s import %s -o %s 2>%s >/dev/null", math.ceil(timeout), sh_quote(bin),
    sh_quote(path), sh_quote(model), sh_quote(err))
  local t0 = now()
  local ok, how, code = os.execute(cmd)
  local t = now() - t0
  if ok then return t, "ok" end
  if how == "exit" and code == 124 then return t, "timeout" end
  local msg = (slurp(err) or ""):match("[^\n]*")
  return t, string.format("exit %s: %s", tostring(code), msg)
end

local function median(xs)
  local s = { table.unpack(xs) }
  table.sort(s)
  local n = #s
  return n % 2 == 1 and s[(n + 1) // 2] or (s[n // 2] + s[n // 2 + 1]) / 2
end

local function secs(t)
  if t >= 10 then return string.format("%.1f", t) end
  if t >= 1 then return string.format("%.2f", t) end
  return string.format("%.3f", t)
end
local function grouped(n)
  return (tostring(math.floor(n)):reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", ""))
end

io.stdout:setvbuf("line")
print(string.format("# budget import against the size of its document (%s; median of %d runs a size, whole process)",
  bin, reps))
print("")
local verdicts = {}
for name in which:gmatch("%S+") do
  local path = name:find("/", 1, true) and name or (docs .. "/" .. name)
  local text = slurp(path)
  if not text then
    print(string.format("%s: cannot read it (set BUDGET_DOCS or BENCH_SCALING_DOCS); left out", path))
    print("")
  else
    local base = path:match("[^/]*$"):gsub("%.txt$", "")
    for mode in modes:gmatch("%S+") do
      print(string.format("## %s, %s", path:match("[^/]*$"), mode))
      print("")
      print("| × | rows | bytes | seconds | µs per row | × time of 1× | import |")
      print("|---:|---:|---:|---:|---:|---:|---|")
      local first, last, broke
      for ks in scales:gmatch("%d+") do
        local k = tonumber(ks)
        local out, err = generate(mode, text, k)
        if not out then
          print(string.format("| %d | – | – | – | – | – | not generated: %s |", k, err))
          broke = true
          break
        end
        local file = string.format("%s/%s.%s.x%d.txt", dir, base, mode, k)
        spit(file, out)
        local rows = count_rows(out)
        local ts, how = {}, nil
        for r = 1, reps do
          local t, h = import_once(file, dir .. "/model.lua")
          ts[r], how = t, h
          if h == "timeout" then break end  -- one is enough
        end
        local t = median(ts)
        local s = { k = k, t = t, rows = rows, bytes = #out }
        first = first or s
        last = s
        print(string.format("| %d | %s | %s | %s | %.1f | %.2f | %s |", k, grouped(rows), grouped(#out), secs(t),
          t / math.max(rows, 1) * 1e6, t / first.t, how))
        if how == "timeout" then broke = true break end
      end
      print("")
      if first and last and last ~= first and not broke then
        local grow, ratio = last.k / first.k, last.t / first.t
        local allowed = limit * grow / 8  -- 8× the input within 10× the time, and so on
        local lin = ratio <= allowed
        print(string.format("%g× the %s (rows ×%.2f, bytes ×%.2f): %.2f× the time of %g× (at most %g× for linear): %s.",
          grow, mode == "headers" and "headers" or "rows", last.rows / first.rows, last.bytes / first.bytes, ratio,
          first.k, allowed, lin and "linear" or "**not linear**"))
        verdicts[#verdicts + 1] = string.format("%s, %s: %.2f× the time for %g× (%s)", base, mode, ratio, grow,
          lin and "linear" or "NOT linear")
      elseif broke then
        verdicts[#verdicts + 1] = string.format("%s, %s: not measured to the end", base, mode)
      end
      print("")
    end
  end
end
print("## Summary")
print("")
for _, v in ipairs(verdicts) do print("- " .. v) end
os.remove(dir .. "/model.lua")
os.remove(dir .. "/stderr.txt")
