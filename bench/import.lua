-- bench/import.lua: 'make bench-import'. How long 'budget import' takes, as figures to read
-- (never a test that passes or fails on a time). Three tables:
--   1. every PDF in the docs folder, whole process ('budget import DOC.pdf -o MODEL', so
--      pdftotext included): its pages, best and median wall clock of the runs, the median
--      for 30 pages at its rate, and pdftotext -tsv alone; then the target, a 30-page PDF
--      under 0.5 s, and whether the PDFs of 30 pages or more meet it;
--   2. time against size: a real '.layout.txt' with each 项 row of its 功能分类 tables made
--      1, 2, 4, 8 and 16 rows (bench/import-scaling.lua gen distinct; every row, 款, 类 and 合计 still adds
--      up), each imported whole process and in process (budget.import's import of the bytes,
--      no process start), with the time per row, the time per row added since the size before
--      and the growth, and whether it is linear;
--   3. the read and find-tables stages alone (budget.import.source's read, budget.import.
--      tables' find) on 1, 10 and 100 concatenated copies of the same document's text.
-- Programs run without a shell (budget.capture); times are the monotonic clock's
-- (budget.clock), through the Lua module. Prints Markdown and writes BUILD/bench/import.md.
-- Environment: BUILD (build), BUDGET_DOCS (../shared/data/docs), BENCH_IMPORT_REPS (10 runs a
-- figure, after one warm-up), BENCH_IMPORT_DOC (shanghai_putuo_wanli_jiedao_2025_dept_budget.
-- layout.txt), BENCH_IMPORT_SCALES ("1 2 4 8 16"), BENCH_IMPORT_COPIES ("1 10 100").
-- Usage: LUA_CPATH='BUILD/lua/?.so' lua5.4 bench/import.lua (the Makefile sets it).
local budget = require "budget"
local build = os.getenv("BUILD") or "build"
local docs = os.getenv("BUDGET_DOCS") or "../shared/data/docs"
local reps = tonumber(os.getenv("BENCH_IMPORT_REPS") or "10")
local synth_doc = os.getenv("BENCH_IMPORT_DOC") or "shanghai_putuo_wanli_jiedao_2025_dept_budget.layout.txt"
local scales = os.getenv("BENCH_IMPORT_SCALES") or "1 2 4 8 16"
local copies = os.getenv("BENCH_IMPORT_COPIES") or "1 10 100"
local bin = build .. "/budget"
local dir = build .. "/bench/import"
local MAX_OUT = 64 * 1024 * 1024
local TARGET_PAGES, TARGET_SECONDS = 30, 0.5

local clock, capture = budget.clock, budget.capture

local function die(msg)
  io.stderr:write("bench-import: ", msg, "\n")
  os.exit(1)
end

-- Runs argv; its stdout, or nil and the exit status (nil if it did not exit) and the first line of its message.
local function run(argv)
  local out, msg, kind = capture(argv, MAX_OUT)
  if out then return out end
  if kind ~= "exit" then die(msg) end
  return nil, tonumber(msg:match("exited with status (%d+)")), msg
end

local function stats(xs)
  local s = {}
  for i, x in ipairs(xs) do s[i] = x end
  table.sort(s)
  local mid = #s // 2 + 1
  return { best = s[1], median = #s % 2 == 1 and s[mid] or (s[mid - 1] + s[mid]) / 2, worst = s[#s] }
end

-- Wall clock of f() over one warm-up and n runs, each after a full collection (so that one
-- run's garbage is not collected in the next's time).
local function timed(n, f)
  f()
  local ts = {}
  for i = 1, n do
    collectgarbage("collect")
    local t = clock()
    f()
    ts[i] = clock() - t
  end
  return stats(ts)
end

-- Lua VM instructions f() runs, to the nearest 1,000.
local function instructions(f)
  local n = 0
  debug.sethook(function() n = n + 1 end, "", 1000)
  f()
  debug.sethook()
  return n * 1000
end

local function secs(t)
  if t >= 1 then return string.format("%.2f s", t) end
  if t >= 0.001 then return string.format("%.1f ms", t * 1e3) end
  return string.format("%.0f µs", t * 1e6)
end
local function signed(t) return t < 0 and "−" .. secs(-t) or secs(t) end
local function grouped(n)
  if n < 0 then return "−" .. grouped(-n) end
  return (tostring(n):reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", ""))
end
local function slurp(path)
  local f = io.open(path, "rb")
  if not f then die("cannot read " .. path) end
  local s = f:read("a")
  f:close()
  return s
end

if not io.open(bin) then die(bin .. " is not built (make BUILD=" .. build .. ")") end
if not io.open(docs .. "/" .. synth_doc) then die("no " .. docs .. "/" .. synth_doc .. " (set BUDGET_DOCS)") end
os.execute("mkdir -p '" .. dir .. "'")
local model = dir .. "/model.lua"
local text = {}
local function say(s) text[#text + 1] = s end

-- 1. Every PDF, whole process.
local pdfs = {}
for name in run({ "ls", docs }):gmatch("[^\n]+") do
  if name:match("%.pdf$") then pdfs[#pdfs + 1] = name end
end
if #pdfs == 0 then die("no PDF in " .. docs) end
say("Every PDF of `" .. docs .. "`, whole process (`budget import DOC.pdf -o MODEL`, pdftotext included; wall clock, "
  .. reps .. " runs after a warm-up):")
say("")
say("| document | pages | import | best | median | median for 30 pages | pdftotext -tsv alone (median) |")
say("|---|---:|---|---:|---:|---:|---:|")
local worst_big, big, refused = nil, 0, 0
for _, name in ipairs(pdfs) do
  local path = docs .. "/" .. name
  io.stderr:write("bench-import: " .. name .. "\n")
  local info = run({ "pdfinfo", path }) or ""
  local pages = tonumber(info:match("\nPages:%s*(%d+)") or info:match("^Pages:%s*(%d+)"))
  local _, status, msg = run({ bin, "import", path, "-o", model })
  local outcome = status and string.format("refused (exit %d)", status) or "exit 0"
  if msg and status ~= 2 then die(name .. ": " .. msg) end  -- a crash is not a figure
  if status then
    refused = refused + 1
    io.stderr:write("bench-import: " .. msg .. "\n")
  end
  local t = timed(reps, function() run({ bin, "import", path, "-o", model }) end)
  local p = timed(reps, function() run({ "pdftotext", "-tsv", path, "-" }) end)
  say(string.format("| %s | %s | %s | %s | %s | %s | %s |", name, pages or "?", outcome, secs(t.best), secs(t.median),
    pages and secs(t.median * TARGET_PAGES / pages) or "?", secs(p.median)))
  if pages and pages >= TARGET_PAGES and not status then
    big = big + 1
    if not worst_big or t.median > worst_big.t then worst_big = { t = t.median, name = name, pages = pages } end
  end
end
say("")
if worst_big then
  say(string.format("Target: a %d-page PDF imported under %.1f s. The %d PDFs of %d pages or more that import take at "
    .. "most %s (median, %s, %d pages): %s.", TARGET_PAGES, TARGET_SECONDS, big, TARGET_PAGES, secs(worst_big.t),
    worst_big.name, worst_big.pages, worst_big.t < TARGET_SECONDS and "met" or "**not met**"))
else
  say(string.format("Target: a %d-page PDF imported under %.1f s. No PDF here of %d pages or more imports.",
    TARGET_PAGES, TARGET_SECONDS, TARGET_PAGES))
end
if refused > 0 then say(string.format("%d refused (the message is on stderr): timed to the refusal.", refused)) end
say("")

-- 2. Time against size.
local import = require "budget.import"
local function count_rows(bytes, name)
  local doc = import.read(bytes, name)
  local n = 0
  for _, t in ipairs(doc.tables) do n = n + (t.rows and #t.rows or 0) end
  return n, #doc.src.lines
end
say(string.format("Time against size: `%s` with each 项 row of its 功能分类 tables made K rows (bench/import-scaling.lua gen distinct; "
  .. "K-1 new 项 under the same 款, every row, 款, 类 and 合计 still adding up). Rows are the coded rows of all its "
  .. "tables as the importer reads them. Whole process is `budget import DOC.layout.txt -o MODEL` (best and median of "
  .. "%d runs; the time per row, per row added and the growth are of the best, the least disturbed by the machine); "
  .. "in process is `budget.import`'s import of the bytes (no process start; median of %d runs), and the Lua VM "
  .. "instructions it takes (debug.sethook's count, exact to 1,000, the same on any machine):", synth_doc, reps, reps))
say("")
say("| K | 项 rows | rows | lines | bytes | whole process (best, median) | per row | per row added | "
  .. "× time / × rows | in process | per row | instructions | per row | per row added |")
say("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
local sizes, failed = {}, nil
for ks in scales:gmatch("%d+") do
  local k = tonumber(ks)
  local path = string.format("%s/x%d.layout.txt", dir, k)
  io.stderr:write(string.format("bench-import: %s ×%d\n", synth_doc, k))
  local counts, _, gm = run({ "lua5.4", "bench/import-scaling.lua", "gen", "distinct", ks, docs .. "/" .. synth_doc, path })
  if not counts then die("bench/import-scaling.lua gen distinct: " .. tostring(gm)) end
  local xiang = tonumber(counts:match("(%d+) 项 rows"))
  local _, status, msg = run({ bin, "import", path, "-o", model })
  if status or msg then
    failed = string.format("×%d: `budget import %s` %s", k, path, msg)
    say(string.format("| %d | %d | – | – | – | import fails: %s | | | | | | | | |", k, xiang, msg))
    break
  end
  local bytes = slurp(path)
  local rows, lines = count_rows(bytes, path)
  local t = timed(reps, function() run({ bin, "import", path, "-o", model }) end)
  local ip = timed(reps, function() import.import(bytes, path) end)
  local ins = instructions(function() import.import(bytes, path) end)
  local s = { k = k, rows = rows, t = t.best, ip = ip.median, ins = ins }
  local prev = sizes[#sizes]
  sizes[#sizes + 1] = s
  local added, grow, added_ins = "–", "–", "–"
  if prev then
    s.marginal = (s.t - prev.t) / (rows - prev.rows)
    s.marginal_ins = (s.ins - prev.ins) / (rows - prev.rows)
    added, added_ins = secs(s.marginal), grouped(math.floor(s.marginal_ins + 0.5))
    grow = string.format("%.2f / %.2f", s.t / prev.t, rows / prev.rows)
  end
  say(string.format("| %d | %s | %s | %s | %s | %s, %s | %s | %s | %s | %s | %s | %s | %s | %s |", k, grouped(xiang),
    grouped(rows), grouped(lines), grouped(#bytes), secs(t.best), secs(t.median), secs(t.best / rows), added, grow,
    secs(ip.median), secs(ip.median / rows), grouped(ins), grouped(ins // rows), added_ins))
end
say("")
if failed then
  say("**Import fails on a synthetic document:** " .. failed)
elseif #sizes >= 3 then
  -- a least-squares line t = a + b·rows through every size, and how far off it the worst size is
  local function fit(key)
    local n, sx, sy, sxx, sxy = #sizes, 0, 0, 0, 0
    for _, z in ipairs(sizes) do
      sx, sy, sxx, sxy = sx + z.rows, sy + z[key], sxx + z.rows * z.rows, sxy + z.rows * z[key]
    end
    local b = (n * sxy - sx * sy) / (n * sxx - sx * sx)
    local a = (sy - b * sx) / n
    local off = 0
    for _, z in ipairs(sizes) do off = math.max(off, math.abs(z[key] - (a + b * z.rows)) / z[key]) end
    return a, b, off
  end
  local first, last = sizes[2], sizes[#sizes]
  local a, b, off = fit("t")
  local ai, bi, offi = fit("ins")
  -- linear: a row added at the largest size takes no more instructions than one added at the smallest (within
  -- 20%, as the rows added differ), and the whole-process times lie on a line within the VM's noise (15%)
  local lin_ins = last.marginal_ins <= 1.2 * first.marginal_ins
  local lin_t = off <= 0.15
  say(string.format("Growth from %s to %s rows (×%.1f): whole process (best) %s → %s (×%.1f), in process %s → %s "
    .. "(×%.1f), instructions ×%.1f. Least-squares lines: whole process %s + %s a row (the worst size %.0f%% off it); "
    .. "instructions %s + %s a row (%.1f%% off at most). A row added takes %s instructions from ×%d to ×%d and %s "
    .. "from ×%d to ×%d (whole process, best: %s, then %s).", grouped(sizes[1].rows), grouped(last.rows),
    last.rows / sizes[1].rows, secs(sizes[1].t), secs(last.t), last.t / sizes[1].t, secs(sizes[1].ip), secs(last.ip),
    last.ip / sizes[1].ip, last.ins / sizes[1].ins, signed(a), secs(b), off * 100, grouped(math.floor(ai + 0.5)),
    grouped(math.floor(bi + 0.5)), offi * 100, grouped(math.floor(first.marginal_ins + 0.5)), sizes[1].k, first.k,
    grouped(math.floor(last.marginal_ins + 0.5)), sizes[#sizes - 1].k, last.k, secs(first.marginal),
    secs(last.marginal)))
  say("")
  if lin_ins and lin_t then
    say(string.format("**Linear**: a row costs the same in a document of %.1f times the rows; what does not grow "
      .. "(process start, the tables without 项 rows, the prose) is the line's constant.", last.rows / sizes[1].rows))
  elseif lin_ins then
    say("**Linear in instructions**; the whole-process times stray from a line by more than the noise allowed "
      .. "here: rerun with more BENCH_IMPORT_REPS on a quiet machine before reading them as superlinear.")
  else
    say("**Not linear**: a row added takes more instructions in a bigger document.")
  end
end
say("")

-- 3. The read and find-tables stages alone, on concatenated copies.
local source = require "budget.import.source"
local tables = require "budget.import.tables"
local templates = require "budget.import.templates"
local one = slurp(docs .. "/" .. synth_doc)
if one:sub(-1) ~= "\n" then one = one .. "\n" end
say(string.format("The read and find-tables stages alone, in process, on N concatenated copies of `%s`: wall clock "
  .. "(median of the runs; 3 runs at 100 copies and more) and the Lua VM instructions each takes (debug.sethook's "
  .. "count, exact to 1,000: what the stage's own code does, whatever the machine and its memory):", synth_doc))
say("")
say("| copies | bytes | lines | source.read | per copy | instructions per copy | tables.find | per copy | "
  .. "instructions per copy | tables found |")
say("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
local base = {}
for cs in copies:gmatch("%d+") do
  local c = tonumber(cs)
  io.stderr:write(string.format("bench-import: source.read, tables.find ×%d copies\n", c))
  local bytes = one:rep(c)
  local n = c >= 100 and 3 or reps
  local src, found
  local r = timed(n, function() src = source.read(bytes, "copies.txt") end)
  local f = timed(n, function() found = tables.find(src, templates.all) end)
  local ri = instructions(function() source.read(bytes, "copies.txt") end)
  local fi = instructions(function() tables.find(src, templates.all) end)
  base.r, base.f = base.r or r.median / c, base.f or f.median / c
  base.ri, base.fi = base.ri or ri / c, base.fi or fi / c
  say(string.format("| %d | %s | %s | %s | %s (%.2f×) | %s (%.3f×) | %s | %s (%.2f×) | %s (%.3f×) | %d |", c,
    grouped(#bytes), grouped(#src.lines), secs(r.median), secs(r.median / c), r.median / c / base.r,
    grouped(ri // c), ri / c / base.ri, secs(f.median), secs(f.median / c), f.median / c / base.f, grouped(fi // c),
    fi / c / base.fi, #found.tables))
end
say("")
say("(×: per copy against one copy's; 1 where a stage is linear. The instructions are the measure of the algorithm; "
  .. "the wall clock per copy also grows with the heap, through the collector and the caches.)")

local out = table.concat(text, "\n") .. "\n"
io.write(out)
local f = assert(io.open(build .. "/bench/import.md.tmp", "w"))
f:write(out)
f:close()
os.rename(build .. "/bench/import.md.tmp", build .. "/bench/import.md")
os.remove(model)
