-- bench/import_synth.lua: a bigger document from a real one, for 'make bench-import'. It
-- reads a Shanghai budget's 'pdftotext -layout' text and writes the same document with every
-- 项 row (类 款 项, e.g. '201 05 07 专项普查活动') of its 功能分类 tables (收入预算总表,
-- 支出预算总表, the 一般公共预算 / 政府性基金 / 国有资本经营预算 支出功能分类预算表) turned into K
-- rows: the row itself and K-1 new 项 under the same 款, with codes that no row of that 款
-- uses ('201 05 01', '201 05 02', ...) and the row's name with 分项一, 分项二, ... after it.
-- Each new row takes an equal share d of the row's 合计 and of one of its parts (the largest
-- part of the row in 支出预算总表, and 财政拨款收入 in 收入预算总表 where the 项 is in a fiscal
-- table), and the row keeps the rest, so every row still adds up, every 款, 类 and 合计 row
-- and every other table is unchanged, and one code has the same 合计 in every table. Figures
-- keep their right edges (the columns of the layout); amounts keep their decimals.
-- Usage: lua5.4 bench/import_synth.lua IN.layout.txt K OUT.layout.txt
-- Prints the number of 项 rows it read and wrote.
local inpath, k, outpath = arg[1], math.tointeger(tonumber(arg[2] or "")), arg[3]
if not (inpath and k and k >= 1 and outpath) then
  io.stderr:write("usage: lua5.4 bench/import_synth.lua IN.layout.txt K OUT.layout.txt\n")
  os.exit(2)
end

local f = assert(io.open(inpath, "rb"))
local text = f:read("a")
f:close()
local lines = {}
for l in (text .. "\n"):gmatch("(.-)\n") do lines[#lines + 1] = l end
if lines[#lines] == "" then lines[#lines] = nil end

-- The table a title line starts, or nil. Titles print no amounts.
local function kind_of(l)
  local flat = l:gsub("[%s\f]", "")
  if #flat > 180 or flat:find("%d,%d%d%d") or not flat:find("表$") then return nil end
  if flat:find("收支预算总表$") then return "other" end
  if flat:find("收入预算总表$") then return "income" end
  if flat:find("支出预算总表$") then return "spending" end
  if flat:find("一般公共预算支出功能分类预算表$") or flat:find("政府性基金预算支出功能分类预算表$")
    or flat:find("国有资本经营预算支出功能分类预算表$") then return "fiscal" end
  if flat:find("预算表$") then return "other" end
  return nil
end

-- A 项 row: its parts and its figures (each with its value in fen, its decimals and the code
-- point where it ends), or nil.
local function parse_row(l)
  local lead, a, s1, b, s2, c, s3, name, rest = l:match("^([%s\f]*)(%d%d%d)(%s+)(%d%d)(%s+)(%d%d)(%s+)(%S+)(.*)$")
  if not lead or name:find("^[%d,.]+$") then return nil end
  local head = lead:match("[^\f]*$") .. a .. s1 .. b .. s2 .. c .. s3 .. name
  local col = utf8.len(head)
  local figs = {}
  for gap, tok in rest:gmatch("(%s*)(%S+)") do
    local int, dec = tok:match("^(%d[%d,]*)%.(%d%d)$")
    if not int then int = tok:match("^(%d[%d,]*)$") end
    if not int then return nil end
    col = col + #gap + #tok
    local v = tonumber((int:gsub(",", ""))) * 100 + (dec and tonumber(dec) or 0)
    figs[#figs + 1] = { v = v, dec = dec ~= nil, right = col }
  end
  if #figs < 2 then return nil end
  return { lead = lead, a = a, s1 = s1, b = b, s2 = s2, c = c, s3 = s3, name = name, figs = figs }
end

local function format(v, dec)
  local int = tostring(v // 100):reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")
  if dec then return string.format("%s.%02d", int, v % 100) end
  return int
end

-- The line of a row with code c, name and figures (values), each figure ending where the
-- original's did (at least three spaces after what precedes it).
local function render(r, lead, c, name, values)
  local out = lead .. r.a .. r.s1 .. r.b .. r.s2 .. c .. r.s3 .. name
  local col = utf8.len((lead:match("[^\f]*$") .. r.a .. r.s1 .. r.b .. r.s2 .. c .. r.s3 .. name))
  for i, fig in ipairs(r.figs) do
    local s = format(values[i], fig.dec)
    local pad = math.max(3, fig.right - col - #s)
    out = out .. string.rep(" ", pad) .. s
    col = col + pad + #s
  end
  return out
end

-- Pass 1: every 项 row, by table, and the codes each 款 uses.
local rows, used, order = {}, {}, {}
local kind = nil
for i, l in ipairs(lines) do
  local kd = kind_of(l)
  if kd then
    kind = kd
  elseif kind == "income" or kind == "spending" or kind == "fiscal" then
    local r = parse_row(l)
    if r then
      r.kind = kind
      local kuan, code = r.a .. r.b, r.a .. r.b .. r.c
      rows[i] = r
      used[kuan] = used[kuan] or {}
      used[kuan][r.c] = true
      if not order[code] then order[#order + 1] = code order[code] = { rows = {} } end
      table.insert(order[code].rows, r)
    end
  end
end
if #order == 0 then
  io.stderr:write(inpath .. ": no 项 rows ('201 05 07 name figures') in a 功能分类 table\n")
  os.exit(1)
end

-- Per code: the new codes, the column each table moves shares from, and the share d.
local cn = { "一", "二", "三", "四", "五", "六", "七", "八", "九", "十" }
local function numeral(n)
  if n <= 10 then return cn[n] end
  if n < 20 then return "十" .. cn[n - 10] end
  return cn[n // 10] .. "十" .. (n % 10 > 0 and cn[n % 10] or "")
end
for _, code in ipairs(order) do
  local e = order[code]
  local kuan = code:sub(1, 5)
  e.codes = {}
  local next_c = 1
  for _ = 2, k do
    while next_c <= 99 and used[kuan][string.format("%02d", next_c)] do next_c = next_c + 1 end
    if next_c > 99 then
      io.stderr:write(string.format("%s: 款 %s has no free 项 codes left for %d× its rows\n", inpath, kuan, k))
      os.exit(1)
    end
    local c = string.format("%02d", next_c)
    used[kuan][c] = true
    e.codes[#e.codes + 1] = c
  end
  -- the part of the spending rows to take from: the largest in 支出预算总表 (else the first table)
  local ref = e.rows[1]
  for _, r in ipairs(e.rows) do if r.kind == "spending" then ref = r break end end
  local part = 2
  for j = 3, #ref.figs do if ref.figs[j].v > ref.figs[part].v then part = j end end
  local in_fiscal = false
  for _, r in ipairs(e.rows) do if r.kind == "fiscal" then in_fiscal = true end end
  local unit, least = 1, math.huge
  for _, r in ipairs(e.rows) do
    if r.kind == "income" then
      r.part = 2
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

-- Pass 2: the document with every 项 row as K rows.
local out, read, wrote = {}, 0, 0
for i, l in ipairs(lines) do
  local r = rows[i]
  if not r or k == 1 then
    out[#out + 1] = l
    if r then read, wrote = read + 1, wrote + 1 end
  else
    local e = order[r.a .. r.b .. r.c]
    local keep, share = {}, {}
    for j, fig in ipairs(r.figs) do
      local moved = (j == 1 or j == r.part) and e.d or 0
      keep[j] = fig.v - (k - 1) * moved
      share[j] = moved
    end
    out[#out + 1] = render(r, r.lead, r.c, r.name, keep)
    local lead = r.lead:match("[^\f]*$")
    for n, c in ipairs(e.codes) do
      out[#out + 1] = render(r, lead, c, r.name .. "分项" .. numeral(n), share)
    end
    read, wrote = read + 1, wrote + k
  end
end
f = assert(io.open(outpath, "wb"))
f:write(table.concat(out, "\n"), text:sub(-1) == "\n" and "\n" or "")
f:close()
print(string.format("%d %d", read, wrote))
