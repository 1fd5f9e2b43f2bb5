-- tests/lua/test_import_pdf.lua
-- The importer's PDF reader (budget.import.pdf) and the binding under it
-- (budget.capture): every real PDF reads to a source with pdfinfo's page
-- count, its table titles, its rows' figures left to right and, page by
-- page, the same figures as pdftotext -layout; malformed TSV gives an error
-- or an empty source; a missing pdftotext, a scan and a broken file each
-- give their message. The engine's modules are reached through small
-- scripts run by 'budget run --trusted'.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"

local DOCS = "../shared/data/docs/"

local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

-- Runs Lua text as a trusted script of the budget command; its output and exit status.
local function script(text, opts)
  local path = H.tmpname(".lua")
  H.write(path, text)
  if opts and opts.bare then  -- run without BUDGET_WRAP: timing, or an environment of its own
    return H.sh((opts.env or "") .. " " .. H.bin .. " run --trusted " .. q(path))
  end
  return H.budget("run", "--trusted", path)
end

local function pdfs()
  local list = {}
  for f in H.sh("ls " .. DOCS .. "*.pdf 2>/dev/null"):gmatch("[^\n]+") do list[#list + 1] = f end
  assert(#list > 0, "no PDF in " .. DOCS .. " (the shared data sit beside the checkout)")
  return list
end

-- {=====================================================================
-- The real PDFs, read once: a dump of each source (S: name, pages; L: page, no, text; W: a word).
-- ======================================================================

local DUMP = [[
local pdf = require "budget.import.pdf"
for _, path in ipairs(%s) do
  local s = pdf.read(path, path:match("[^/]*$"))
  print(string.format("S\t%%s\t%%d\t%%s", s.name, s.pages, s.form))
  for _, l in ipairs(s.lines) do
    print(string.format("L\t%%d\t%%d\t%%s", l.page, l.no, l.text))
    for _, w in ipairs(l.words) do print(string.format("W\t%%s\t%%.17g\t%%.17g", w.s, w.x0, w.x1)) end
  end
end
]]

local function lua_list(t)
  local parts = {}
  for i, s in ipairs(t) do parts[i] = string.format("%q", s) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

local sources = nil
local function read_all()
  if sources then return sources end
  local out, status = script(DUMP:format(lua_list(pdfs())))
  H.eq(status, 0, "reading the PDFs\n" .. out:sub(1, 3000))
  sources = {}
  local s, l
  for row in out:gmatch("[^\n]+") do
    local kind, a, b, c = row:match("^(%u)\t([^\t]*)\t?([^\t]*)\t?(.*)$")
    if kind == "S" then
      s = { name = a, pages = tonumber(b), form = c, lines = {} }
      sources[#sources + 1] = s
    elseif kind == "L" then
      l = { page = tonumber(a), no = tonumber(b), text = c, words = {} }
      s.lines[#s.lines + 1] = l
    elseif kind == "W" then
      l.words[#l.words + 1] = { s = a, x0 = tonumber(b), x1 = tonumber(c) }
    else
      error("unexpected output: " .. row)
    end
  end
  H.eq(#sources, #pdfs(), "sources read")
  return sources
end

-- A figure as a table prints it: 1,252,300 or 96282213.44 or -3.5.
local function amount(w) return w:find("^%-?%d[%d,]*%.?%d*$") ~= nil end
-- Anything that looks like a number: figures, codes, percentages, dates, page numbers.
local function numeric(w) return w:find("%d") ~= nil and w:find("^[%d,.%%%-]+$") ~= nil end

local function pdfinfo_pages(path)
  local out, status = H.sh("pdfinfo " .. q(path))
  H.eq(status, 0, "pdfinfo " .. path .. "\n" .. out)
  return tonumber(out:match("\nPages:%s*(%d+)") or out:match("^Pages:%s*(%d+)"))
end

H.test("every PDF reads to a source: form pdf, pdfinfo's page count, lines numbered within their page", function()
  for i, path in ipairs(pdfs()) do
    local s = read_all()[i]
    H.eq(s.name, path:match("[^/]*$"), "name")
    H.eq(s.form, "pdf", s.name .. ": form")
    H.eq(s.pages, pdfinfo_pages(path), s.name .. ": pages")
    local page, no = 0, 0
    for _, l in ipairs(s.lines) do
      assert(l.page >= page and l.page <= s.pages, s.name .. ": lines out of page order")
      if l.page ~= page then page, no = l.page, 0 end
      no = no + 1
      H.eq(l.no, no, s.name .. ": page " .. l.page .. " line number")
      assert(#l.words > 0, s.name .. ": an empty line")
      local texts = {}
      for k, w in ipairs(l.words) do
        assert(not w.s:find("%s"), s.name .. ": a word with a space: " .. w.s)
        assert(w.x1 >= w.x0, s.name .. ": a word ending before it starts: " .. w.s)
        if k > 1 then assert(w.x0 >= l.words[k - 1].x0, s.name .. ": words out of x order: " .. l.text) end
        texts[k] = w.s
      end
      H.eq(l.text, table.concat(texts, " "), s.name .. ": the text is the words")
    end
  end
end)

H.test("every PDF has a table title on a line of its own, 支出预算总表", function()
  for _, s in ipairs(read_all()) do
    local found = nil
    for _, l in ipairs(s.lines) do
      -- a title, not a sentence of the prose: a few words at most, the last one the title's end
      if #l.words <= 3 and l.words[#l.words].s:find("支出预算总表$") then found = l break end
    end
    assert(found, s.name .. ": no title line with 支出预算总表")
  end
end)

H.test("a table row is one line: its figures left to right, no two words on top of each other", function()
  for i, path in ipairs(pdfs()) do
    local s = read_all()[i]
    -- the rows pdftotext -layout prints, as their figures in order, page by page
    local layout, page = {}, 0
    for ptext in H.read((path:gsub("%.pdf$", ".layout.txt"))):gmatch("([^\f]*)\f") do
      page = page + 1
      layout[page] = {}
      for line in ptext:gmatch("[^\n]+") do
        local figs = {}
        for w in line:gmatch("%S+") do if amount(w) then figs[#figs + 1] = w end end
        if #figs >= 2 then layout[page][table.concat(figs, " ")] = true end
      end
    end
    local rows = 0
    for _, l in ipairs(s.lines) do
      local figs = {}
      for k, w in ipairs(l.words) do
        if amount(w.s) then figs[#figs + 1] = w.s end
        if k > 1 then
          assert(w.x0 > l.words[k - 1].x0, s.name .. ": x not increasing on " .. l.text)
        end
      end
      if #figs >= 2 then
        rows = rows + 1
        for k = 2, #l.words do
          assert(l.words[k].x0 >= l.words[k - 1].x1 - 0.5,
            string.format("%s: page %d, line %d: '%s' overlaps '%s': two rows merged? %s", s.name, l.page, l.no,
              l.words[k].s, l.words[k - 1].s, l.text))
        end
        assert(layout[l.page][table.concat(figs, " ")],
          string.format("%s: page %d, line %d: figures in an order pdftotext -layout has on no line: %s", s.name,
            l.page, l.no, l.text))
      end
    end
    assert(rows >= 20, s.name .. ": only " .. rows .. " table rows")
  end
end)

H.test("page by page, the number-looking words are those of pdftotext -layout", function()
  for i, path in ipairs(pdfs()) do
    local s = read_all()[i]
    local mine = {}
    for _, l in ipairs(s.lines) do
      local t = mine[l.page] or {}
      mine[l.page] = t
      for _, w in ipairs(l.words) do if numeric(w.s) then t[w.s] = (t[w.s] or 0) + 1 end end
    end
    local page = 0
    for ptext in H.read((path:gsub("%.pdf$", ".layout.txt"))):gmatch("([^\f]*)\f") do
      page = page + 1
      local theirs, m = {}, mine[page] or {}
      for w in ptext:gmatch("%S+") do if numeric(w) then theirs[w] = (theirs[w] or 0) + 1 end end
      for w, n in pairs(theirs) do
        H.eq(m[w] or 0, n, string.format("%s: page %d: how many times '%s'", s.name, page, w))
      end
      for w, n in pairs(m) do
        H.eq(theirs[w] or 0, n, string.format("%s: page %d: how many times '%s' (not in the layout text)", s.name, page, w))
      end
    end
    H.eq(page, s.pages, s.name .. ": pages of the layout text")
  end
end)

H.test("every PDF is read three times, and the time each took is printed (a benchmark judges it)", function()
  local list = pdfs()
  local longest, most = nil, -1
  for _, path in ipairs(list) do
    local n = pdfinfo_pages(path)
    if n > most then longest, most = path, n end
  end
  local out, status = script(string.format([[
local pdf, C = require "budget.import.pdf", require "budget.c"
for _, path in ipairs(%s) do
  local best = math.huge
  for _ = 1, 3 do
    local t = C.clock()
    pdf.read(path, "x.pdf")
    best = math.min(best, C.clock() - t)
  end
  print(string.format("%%s\t%%.3f", path, best))
end
]], lua_list(list)), { bare = true })
  H.eq(status, 0, "timing\n" .. out)
  io.write(out)  -- the figures, for the log
  -- speed is a benchmark's to judge (make bench-import), never a test's: this one reads every PDF
  local t = tonumber(out:match(longest:gsub("%p", "%%%0") .. "\t([%d.]+)"))
  assert(t, string.format("%s (%d pages) was not read", longest, most))
end)

-- }=====================================================================

-- {=====================================================================
-- parse_tsv on TSV made by hand: the grouping rule, and malformed input.
-- ======================================================================

local HEADER = "level\tpage_num\tpar_num\tblock_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
local function word(page, left, top, width, height, text)
  return string.format("5\t%d\t0\t0\t0\t0\t%s\t%s\t%s\t%s\t100\t%s\n", page, left, top, width, height, text)
end
local function pagerow(page) return string.format("1\t%d\t0\t0\t0\t0\t0.000000\t0.000000\t595.0\t842.0\t-1\t###PAGE###\n", page) end

-- Runs parse_tsv over each case in one script: for each, "ok pages lines | text/text/..." or "error MESSAGE".
local function parse_cases(cases)
  local parts = {}
  for i, c in ipairs(cases) do parts[i] = string.format("%q", c) end
  local out, status = script([[
local pdf = require "budget.import.pdf"
for _, tsv in ipairs {]] .. table.concat(parts, ",\n") .. [[} do
  local ok, s = pcall(pdf.parse_tsv, tsv, "hand.tsv")
  if ok then
    local t = {}
    for _, l in ipairs(s.lines) do
      local ws = {}
      for _, w in ipairs(l.words) do ws[#ws + 1] = string.format("%s@%g-%g", w.s, w.x0, w.x1) end
      t[#t + 1] = l.page .. "." .. l.no .. ":" .. table.concat(ws, ",")
    end
    print(string.format("ok %s %d %d | %s", s.form, s.pages, #s.lines, table.concat(t, " / ")))
  else
    print("error " .. tostring(s))
  end
end
]])
  H.eq(status, 0, "parse_tsv\n" .. out)
  local results = {}
  for l in out:gmatch("[^\n]+") do results[#results + 1] = l end
  H.eq(#results, #cases, "results\n" .. out)
  return results
end

H.test("parse_tsv: words overlapping by more than half the smaller height are one line, sorted by x", function()
  local r = parse_cases {
    -- a table row as pdftotext gives it, column by column: codes first, then names, then figures
    HEADER .. pagerow(1) .. word(1, 72.79, 44.15, 18, 12.04, "204") .. word(1, 72.79, 68.75, 18, 12.04, "204")
      .. word(1, 110.34, 68.75, 12, 12.04, "06") .. word(1, 169.74, 44.15, 72, 12.04, "公共安全支出")
      .. word(1, 169.74, 68.75, 24, 12.04, "司法") .. word(1, 385.64, 44.15, 54, 12.04, "1,252,300")
      .. word(1, 397.64, 68.75, 42, 12.04, "150,000"),
    -- overlap 7 of heights 12: one line; overlap 6 of 12 (exactly half): not
    HEADER .. word(1, 10, 100, 5, 12, "a") .. word(1, 20, 105, 5, 12, "b") .. word(1, 30, 111, 5, 12, "c"),
    -- a small word inside a tall one's extent is on its line; the smaller height decides
    HEADER .. word(1, 50, 100, 5, 30, "tall") .. word(1, 10, 125, 5, 4, "tiny"),
    -- pages in order whatever the order of the rows; a page with no words counts
    HEADER .. word(2, 10, 10, 5, 5, "two") .. pagerow(1) .. pagerow(2) .. pagerow(3) .. word(1, 10, 10, 5, 5, "one"),
    -- white space alone is no word (ASCII, U+00A0, U+3000); a text with a space is two words
    HEADER .. word(1, 10, 10, 5, 5, " ") .. word(1, 20, 10, 5, 5, "\194\160") .. word(1, 30, 10, 5, 5, "\227\128\128")
      .. word(1, 40, 10, 30, 5, "ab cd"),
    -- CRLF line ends, no header, no final newline
    (word(1, 20, 10, 5, 5, "y") .. word(1, 10, 10, 5, 5, "x")):gsub("\n", "\r\n"):sub(1, -3),
  }
  H.eq(r[1], "ok pdf 1 2 | 1.1:204@72.79-90.79,公共安全支出@169.74-241.74,1,252,300@385.64-439.64 / "
    .. "1.2:204@72.79-90.79,06@110.34-122.34,司法@169.74-193.74,150,000@397.64-439.64", "a table row")
  H.eq(r[2], "ok pdf 1 2 | 1.1:a@10-15,b@20-25 / 1.2:c@30-35", "half a line")
  H.eq(r[3], "ok pdf 1 1 | 1.1:tiny@10-15,tall@50-55", "a small word beside a tall one")
  H.eq(r[4], "ok pdf 3 2 | 1.1:one@10-15 / 2.1:two@10-15", "pages")
  H.eq(r[5], "ok pdf 1 1 | 1.1:ab@40-52,cd@58-70", "white space")
  H.eq(r[6], "ok pdf 1 1 | 1.1:x@10-15,y@20-25", "CRLF")
end)

H.test("parse_tsv: malformed TSV gives an error that says what and where, or an empty source", function()
  local r = parse_cases {
    "",
    HEADER,
    "\n\n\n",
    HEADER .. pagerow(1) .. pagerow(2),
    HEADER .. "5\t1\t0\t0\t0\t0\t10\t10\t5\n",
    HEADER .. "5\t1\t0\t0\t0\t0\t10\t10\t5\t5\t100\tx\textra\n",
    HEADER .. word(1, "abc", 10, 5, 5, "x"),
    HEADER .. word(1, 10, "nan", 5, 5, "x"),
    HEADER .. word(1, 10, 10, "inf", 5, "x"),
    HEADER .. word(1, 10, 10, 5, "1e999", "x"),
    HEADER .. word(1, "0x10", 10, 5, 5, "x"),
    HEADER .. word(1, 10, 10, -5, 5, "x"),
    HEADER .. word(1, 10, 10, 5, 5, "x"):gsub("^5", "five"),
    HEADER .. word(0, 10, 10, 5, 5, "x"),
    HEADER .. word(1, 10, 10, 5, 5, "x"):gsub("^5\t1", "5\t99999999999999999999"),
    "\0\1\2\255",
  }
  H.eq(r[1], "ok pdf 0 0 | ", "empty")
  H.eq(r[2], "ok pdf 0 0 | ", "the header alone")
  H.eq(r[3], "ok pdf 0 0 | ", "empty lines")
  H.eq(r[4], "ok pdf 2 0 | ", "pages without words")
  H.eq(r[5], "error hand.tsv: pdftotext's output, line 2: expected 12 tab-separated columns, found 9", "too few columns")
  H.eq(r[6], "error hand.tsv: pdftotext's output, line 2: expected 12 tab-separated columns, found 13", "too many")
  H.eq(r[7], "error hand.tsv: pdftotext's output, line 2: the position 'abc, 10' is not a pair of numbers", "x")
  H.eq(r[8], "error hand.tsv: pdftotext's output, line 2: the position '10, nan' is not a pair of numbers", "nan")
  H.eq(r[9], "error hand.tsv: pdftotext's output, line 2: the size 'inf x 5' is not a pair of numbers at least 0", "inf")
  H.eq(r[10], "error hand.tsv: pdftotext's output, line 2: the size '5 x 1e999' is not a pair of numbers at least 0",
    "1e999")
  H.eq(r[11], "error hand.tsv: pdftotext's output, line 2: the position '0x10, 10' is not a pair of numbers", "hex")
  H.eq(r[12], "error hand.tsv: pdftotext's output, line 2: the size '-5 x 5' is not a pair of numbers at least 0",
    "negative")
  H.eq(r[13], "error hand.tsv: pdftotext's output, line 2: the level 'five' is not a number", "level")
  H.eq(r[14], "error hand.tsv: pdftotext's output, line 2: the page number '0' is not a page number", "page 0")
  H.eq(r[15], "error hand.tsv: pdftotext's output, line 2: the page number '99999999999999999999' is not a page number",
    "a page number past the integers")
  H.eq(r[16], "error hand.tsv: pdftotext's output, line 1: expected 12 tab-separated columns, found 1", "binary")
end)

H.test("parse_tsv: random damage to real TSV gives a source or a message of its own, never a Lua error", function()
  local tsv = assert(H.sh("pdftotext -tsv -f 12 -l 13 " .. q(pdfs()[1]) .. " - 2>/dev/null"))
  local out, status = script(string.format([[
local pdf = require "budget.import.pdf"
local tsv = %q
math.randomseed(20240601)
local alphabet = { "\t", "\n", "\r", " ", "-", ".", "e", "0", "9", "x", "5", "1", "\0", "\255", "年" }
local sources, errors = 0, 0
for run = 1, 400 do
  local t = tsv
  for _ = 1, math.random(1, 8) do
    if #t == 0 then break end
    local at = math.random(1, #t)
    local k = math.random(1, 3)
    if k == 1 then t = t:sub(1, at - 1) .. t:sub(at + math.random(1, 40))
    elseif k == 2 then t = t:sub(1, at - 1) .. alphabet[math.random(#alphabet)] .. t:sub(at)
    else t = t:sub(1, at) end
  end
  local ok, s = pcall(pdf.parse_tsv, t, "hand.tsv")
  if ok then
    assert(s.form == "pdf" and type(s.pages) == "number" and type(s.lines) == "table")
    for _, l in ipairs(s.lines) do assert(#l.words > 0 and l.page <= s.pages) end
    sources = sources + 1
  else
    assert(type(s) == "string" and s:find("^hand%%.tsv: pdftotext's output, line %%d+: ") and not s:find("%%.lua:"), s)
    errors = errors + 1
  end
end
print(sources, errors)
]], tsv))
  H.eq(status, 0, "damaged TSV\n" .. out)
  local sources, errors = out:match("^(%d+)\t(%d+)")
  assert(tonumber(sources) > 0 and tonumber(errors) > 0, "both outcomes: " .. out)
end)

H.test("parse_tsv groups 100,000 words on one line, then each on its own (the times printed for a benchmark)", function()
  local out, status = script([[
local pdf, C = require "budget.import.pdf", require "budget.c"
local rows = { "level\tpage_num\tpar_num\tblock_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext" }
for i = 1, 100000 do
  rows[#rows + 1] = string.format("5\t1\t0\t0\t0\t0\t%d\t%.2f\t3\t10\t100\tw%d", (i * 7919) % 100003, (i % 3) * 0.01, i)
end
local t = C.clock()
local s = pdf.parse_tsv(table.concat(rows, "\n"), "big.tsv")
local one = C.clock() - t
assert(#s.lines == 1 and #s.lines[1].words == 100000)
for i = 2, #rows do rows[i] = rows[i]:gsub("^(5\t1\t0\t0\t0\t0\t%d+\t)[%d.]+", "%1" .. ((i * 7919) % 100003) * 20) end
t = C.clock()
s = pdf.parse_tsv(table.concat(rows, "\n"), "big.tsv")
local each = C.clock() - t
assert(#s.lines == 100000)
print(string.format("%.3f %.3f", one, each))
]], { bare = true })
  H.eq(status, 0, "100,000 words\n" .. out)
  local one, each = out:match("^([%d.]+) ([%d.]+)")
  io.write("one line: " .. one .. " s, a line each: " .. each .. " s\n")  -- the figures; a benchmark judges them
end)

-- }=====================================================================

-- {=====================================================================
-- read's messages: no pdftotext, a scan, not a PDF; and budget.capture itself.
-- ======================================================================

-- A PDF of one page whose content stream is 'content' (empty: a page with no text, as a scan's).
local function make_pdf(content)
  local objs = {
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    string.format("<< /Length %d >>\nstream\n%s\nendstream", #content, content),
  }
  local out, offsets = { "%PDF-1.4\n" }, {}
  local len = #out[1]
  for i, o in ipairs(objs) do
    offsets[i] = len
    local s = string.format("%d 0 obj\n%s\nendobj\n", i, o)
    out[#out + 1] = s
    len = len + #s
  end
  out[#out + 1] = string.format("xref\n0 %d\n0000000000 65535 f \n", #objs + 1)
  for _, o in ipairs(offsets) do out[#out + 1] = string.format("%010d 00000 n \n", o) end
  out[#out + 1] = string.format("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", #objs + 1, len)
  return table.concat(out)
end

local READ = [[
local ok, e = pcall(require("budget.import.pdf").read, %q, %q)
print(ok and ("ok " .. #e.lines .. " " .. e.lines[1].text) or ("error " .. e))
]]

H.test("no pdftotext on PATH: the message names the Debian package to install", function()
  local empty = H.tmpname("-empty-path")
  H.sh("mkdir -p " .. q(empty))
  H.defer(function() H.sh("rm -rf " .. q(empty)) end)
  local out, status = script(READ:format(pdfs()[1], "doc.pdf"), { bare = true, env = "PATH=" .. q(empty) })
  H.eq(status, 0, "run\n" .. out)
  H.eq(out, "error doc.pdf: pdftotext (Debian package poppler-utils) is needed to read a PDF; install it with "
    .. "'apt-get install poppler-utils', or import the text form\n", "message")
end)

H.test("a PDF with no text layer: 'no text in this PDF'", function()
  local path = H.tmpname(".pdf")
  H.write(path, make_pdf(""))
  local out = script(READ:format(path, "scan.pdf"))
  H.eq(out, "error scan.pdf: no text in this PDF (a scanned image?): expected a PDF with a text layer\n", "message")
  -- the same file with a line of text reads
  H.write(path, make_pdf("BT /F1 12 Tf 72 700 Td (Total 1,234.00) Tj ET"))
  H.eq(script(READ:format(path, "text.pdf")), "ok 1 Total 1,234.00\n", "a text layer")
end)

H.test("a file pdftotext cannot read: its error, not its warning, and no engine file names", function()
  local path = H.tmpname(".pdf")
  H.write(path, "this is not a PDF\n")
  local out = script(READ:format(path, "broken.pdf"))
  H.has(out, "error broken.pdf: pdftotext cannot read it: Syntax Error: ")
  H.has(out, "(it exited with status 1)")
  assert(not out:find("Warning") and not out:find("%.lua"), out)
  local missing = H.tmpname(".pdf")
  out = script(READ:format(missing, "gone.pdf"))
  H.has(out, "error gone.pdf: pdftotext cannot read it: I/O Error: Couldn't open file")
end)

H.test("a path that starts with '-' is a file, not an option of pdftotext", function()
  local dir = H.tmpname("-dashdir")
  H.sh("mkdir -p " .. q(dir))
  H.defer(function() H.sh("rm -rf " .. q(dir)) end)
  H.write(dir .. "/-layout.pdf", make_pdf("BT /F1 12 Tf 72 700 Td (dash) Tj ET"))
  local path = H.tmpname(".lua")
  H.write(path, READ:format("-layout.pdf", "-layout.pdf"))
  local bin = H.bin:sub(1, 1) == "/" and H.bin or (H.sh("pwd"):gsub("\n", "") .. "/" .. H.bin)
  local out = H.sh("cd " .. q(dir) .. " && " .. q(bin) .. " run --trusted " .. q(path))
  H.eq(out, "ok 1 dash\n", "read")
end)

H.test("budget.capture: no shell, stdout whole, the kinds of failure, both pipes drained", function()
  local out, status = script([==[
local C = require "budget.c"
local function show(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = tostring(t[i]) end
  print((table.concat(t, "|"):gsub("\n", "\\n")))
end
show(C.capture({ "printf", "%s;", "a b", "$HOME", "*", "'q'" }, 100))
show(C.capture({ "sh", "-c", "echo; echo '  first line  ' >&2; echo second >&2; exit 3" }, 100))
show(C.capture({ "sh", "-c", "kill -9 $$" }, 100))
show(C.capture({ "yes" }, 100000))
show(C.capture({ "true" }, 0))
-- 1 MB on stderr before any stdout, then 3 MB on stdout: a reader of one pipe at a time would hang
local s = assert(C.capture({ "sh", "-c", "head -c 1000000 /dev/zero >&2; head -c 3000000 /dev/zero" }, 3000000))
print(#s)
print(pcall(C.capture, {}, 1))
print(pcall(C.capture, { "echo", 1 }, 1))
print(pcall(C.capture, { "echo" }, -1))
]==])
  H.eq(status, 0, "capture\n" .. out)
  out = out:gsub("to '[%w.]*capture'", "to 'capture'")  -- Lua names the function by where it finds it
  H.eq(out, table.concat({
    "a b;$HOME;*;'q';|0",
    "nil|sh: exited with status 3: first line|exit|  first line  \\nsecond\\n",
    "nil|sh: was killed by signal 9 (Killed)|exit|",
    "nil|yes: writes more than 100000 bytes|limit",
    "|0",
    "3000000",
    "false\tbad argument #1 to 'capture' (argv must name a program)",
    "false\tbad argument #1 to 'capture' (argv must be a list of strings)",
    "false\tbad argument #2 to 'capture' (max_bytes must not be negative)",
  }, "\n") .. "\n", "results")
end)

H.test("budget.capture: a program that is not there is 'not found', which a caller tells apart", function()
  -- bare: under valgrind a failed exec leaves a copy of the command that exits holding its heap
  local out, status = script([[
local C = require "budget.c"
print(C.capture({ "no-such-program-budget-test", "x" }, 100))
print(C.capture({ "/no/such/dir/program" }, 100))
]], { bare = true })
  H.eq(status, 0, "capture\n" .. out)
  H.eq(out, "nil\tno-such-program-budget-test: not found\tnot found\n"
    .. "nil\t/no/such/dir/program: not found\tnot found\n", "results")
end)

-- }=====================================================================

H.run()
