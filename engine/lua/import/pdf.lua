-- engine/lua/import/pdf.lua
-- The importer's PDF reader: 'pdftotext -tsv' (poppler-utils) gives every word with its box;
-- the words of a page are grouped into lines by their vertical extent and each line is sorted
-- by x, which makes a source of form "pdf" (import/FORMAT.md).
-- See LICENSE for copyright and license.

local C = require "budget.c"

local M = {}

-- pdftotext's output is about 13 KB a page; past this a document is not a budget.
local MAX_TSV = 256 * 1024 * 1024

local COLUMNS = 12  -- level page_num par_num block_num line_num word_num left top width height conf text
local HEADER = "level\tpage_num\tpar_num\tblock_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
local LEVEL_WORD = 5  -- the rows of words; the others (1 page, 3 flow, 4 line) count only as pages

local INSTALL = "pdftotext (Debian package poppler-utils) is needed to read a PDF; install it with "
  .. "'apt-get install poppler-utils', or import the text form"

local huge, tointeger, tonumber, concat, sort = math.huge, math.tointeger, tonumber,
  table.concat, table.sort

-- One tab-separated row: its 12 fields, or nil and how many there are. A pattern match does the
-- common row at once; only a row it refuses is counted.
local ROW = "^" .. ("([^\t]*)\t"):rep(COLUMNS - 1) .. "([^\t]*)$"
local function columns(line)
  local t = { line:match(ROW) }
  if #t == COLUMNS then return t end
  local n = 1
  for _ in line:gmatch("\t") do n = n + 1 end
  return nil, n
end

-- A coordinate or size: a finite decimal number (pdftotext prints '%0.2f'), else nil.
local function number(s)
  if not s:find("^[-+]?%d*%.?%d*$") then return nil end
  local v = tonumber(s)
  if v == nil or v ~= v or v == huge or v == -huge then return nil end
  return v + 0.0
end

-- A level or a page number: digits that make a Lua integer, else nil.
local function count(s)
  if not s:find("^%d+$") then return nil end
  return tointeger(tonumber(s))
end

-- Is s only white space (ASCII, no-break U+00A0, the ideographic U+3000, U+2000..U+200B)?
local function blank(s)
  if not s:find("[^%s]") then return true end
  if not s:find("[\194\226\227]") then return false end
  return not s:gsub("\194\160", ""):gsub("\227\128\128", ""):gsub("\226\128[\128-\139]", ""):find("[^%s]")
end

-- The words of one word row: pdftotext never puts a space in a word, but a text that has one
-- (a fuzzed or hand-made TSV) is split, each piece getting its share of the box by code points,
-- so a source's words never hold a space (FORMAT.md).
local function addwords(list, text, left, top, width, height)
  if not text:find("%s") then
    if text ~= "" then
      list[#list + 1] = { s = text, x0 = left, x1 = left + width, top = top, bottom = top + height, h = height,
                          i = #list + 1 }
    end
    return
  end
  local total = utf8.len(text) or #text
  local at = 0
  for before, piece in text:gmatch("(%s*)(%S+)") do
    at = at + (utf8.len(before) or #before)
    local len = utf8.len(piece) or #piece
    local x0 = left + width * at / total
    at = at + len
    list[#list + 1] = { s = piece, x0 = x0, x1 = left + width * at / total, top = top, bottom = top + height,
                        h = height, i = #list + 1 }
  end
end

-- Words on one line: their vertical extents overlap by more than half the smaller height
-- (a word of no height: touches the other's extent).
local function sameline(u, w)
  local lo = u.top > w.top and u.top or w.top
  local hi = u.bottom < w.bottom and u.bottom or w.bottom
  local minh = u.h < w.h and u.h or w.h
  return hi - lo > minh / 2 or (minh == 0 and hi - lo >= 0)
end

local function by_top(a, b)
  if a.top ~= b.top then return a.top < b.top end
  if a.x0 ~= b.x0 then return a.x0 < b.x0 end
  return a.i < b.i
end

local function by_x(a, b)
  if a.x0 ~= b.x0 then return a.x0 < b.x0 end
  if a.top ~= b.top then return a.top < b.top end
  return a.i < b.i
end

-- The lines of one page's words, top to bottom, each left to right. The words are sorted by
-- their top; a word joins the line being built when it is on one line with that line's
-- lowest-reaching word (the one whose extent it overlaps most, since every word before it
-- starts no lower), else it starts the next line. One sort and one pass, then a sort per line:
-- O(n log n). pdftotext's own block and line numbers are not used: it puts each column of a
-- table in a block of its own, so a row's cells come in different blocks.
local function group(words, page, out)
  sort(words, by_top)
  local lines, cur, low = {}, nil, nil
  for _, w in ipairs(words) do
    if cur and sameline(low, w) then
      cur[#cur + 1] = w
      if w.bottom > low.bottom then low = w end
    else
      cur, low = { w }, w
      lines[#lines + 1] = cur
    end
  end
  for no, ws in ipairs(lines) do
    sort(ws, by_x)
    local words_out, texts = {}, {}
    for k, w in ipairs(ws) do
      words_out[k] = { s = w.s, x0 = w.x0, x1 = w.x1 }
      texts[k] = w.s
    end
    out[#out + 1] = { page = page, no = no, text = concat(texts, " "), words = words_out }
  end
end

-- M.parse_tsv(tsv, name) → source: the text of 'pdftotext -tsv' as a source of form "pdf".
-- Pages are counted from the page number of every row (pdftotext prints a page row, level 1,
-- for each page), so a page with no words counts; the boxes of rows other than words are not
-- read (a page row's left and top are left over from the page before). Empty text gives a source with no pages. Raises "NAME: ..." (a string)
-- for a row that is not pdftotext's: a wrong number of columns, a level or page number that is
-- not a count, a coordinate or size that is not a finite number.
function M.parse_tsv(tsv, name)
  if type(tsv) ~= "string" then error(string.format("%s: pdftotext's output is not text", name), 0) end
  local pages, byp, order = 0, {}, {}
  local n = 0
  local function bad(what)
    error(string.format("%s: pdftotext's output, line %d: %s", name, n, what), 0)
  end
  for line in (tsv .. "\n"):gmatch("(.-)\n") do
    n = n + 1
    if line:byte(-1) == 13 then line = line:sub(1, -2) end  -- CRLF
    if not (n == 1 and line == HEADER) and line ~= "" then
      local f, found = columns(line)
      if not f then bad(string.format("expected %d tab-separated columns, found %d", COLUMNS, found)) end
      local level, page = count(f[1]), count(f[2])
      if not level then bad(string.format("the level '%s' is not a number", f[1])) end
      if not page or page < 1 then bad(string.format("the page number '%s' is not a page number", f[2])) end
      if page > pages then pages = page end
      if level == LEVEL_WORD then
        local left, top, width, height = number(f[7]), number(f[8]), number(f[9]), number(f[10])
        if not (left and top) then bad(string.format("the position '%s, %s' is not a pair of numbers", f[7], f[8])) end
        if not (width and height) or width < 0 or height < 0 then
          bad(string.format("the size '%s x %s' is not a pair of numbers at least 0", f[9], f[10]))
        end
        if not blank(f[12]) then
          local list = byp[page]
          if not list then
            list = {}
            byp[page] = list
            order[#order + 1] = page
          end
          addwords(list, f[12], left, top, width, height)
        end
      end
    end
  end
  sort(order)
  local lines = {}
  for _, page in ipairs(order) do group(byp[page], page, lines) end
  return { form = "pdf", name = name, lines = lines, pages = pages }
end

-- M.read(path, name) → source: the PDF at 'path' through 'pdftotext -tsv PATH -', named 'name' in
-- messages. Raises "NAME: ..." when pdftotext is missing (with the package to install), when it
-- fails (with its first line of complaint), or when no page has any text (a scan).
function M.read(path, name)
  name = name or path
  -- a path that starts with '-' would be taken for an option
  local arg = path:sub(1, 1) == "-" and "./" .. path or path
  local tsv, msg, kind, stderr = C.capture({ "pdftotext", "-tsv", arg, "-" }, MAX_TSV)
  if not tsv then
    if kind == "not found" then error(name .. ": " .. INSTALL, 0) end
    msg = msg:gsub("^pdftotext: ", "")
    if kind == "limit" then error(string.format("%s: pdftotext's text of it is too long (it %s)", name, msg), 0) end
    -- poppler warns before it fails ('Syntax Warning: May not be a PDF file'): its first
    -- 'Error' line says why, the status what came of it
    local why = stderr and stderr:match("[^\n]*Error[^\n]*")
    local status = msg:match("^[^:]*")
    if why then error(string.format("%s: pdftotext cannot read it: %s (it %s)", name, (why:gsub("%s+$", "")), status), 0) end
    error(string.format("%s: pdftotext cannot read it: it %s", name, msg), 0)
  end
  local source = M.parse_tsv(tsv, name)
  if #source.lines == 0 then
    error(name .. ": no text in this PDF (a scanned image?): expected a PDF with a text layer", 0)
  end
  return source
end

return M
