-- engine/lua/import/source.lua
-- The read stage for text: a document's text as a source (FORMAT.md), pages
-- of lines of words. Two forms: 'layout' (pdftotext -layout: empty cells are
-- runs of spaces, so a word's character offset stands in for its x) and
-- 'text' (pdf.js style, empty cells dropped: no positions). CRLF, a BOM, form
-- feeds and '-- page N --' markers are layout, never words.
-- See LICENSE for copyright and license.

local M = {}

local function fail(name, line, fmt, ...)
  error(string.format("%s:%s: %s", name, line, string.format(fmt, ...)), 0)
end

-- The line a byte offset falls on.
local function line_at(text, at)
  return select(2, text:sub(1, at):gsub("\n", "")) + 1
end

-- Refuses bytes that are not a text document, naming the line.
local function check_text(text, name)
  local nul = text:find("%z")
  if nul then fail(name, line_at(text, nul), "a NUL byte: this is not a text document (expected a PDF or its text)") end
  local len, at = utf8.len(text)
  if not len then
    fail(name, line_at(text, at), "invalid UTF-8 at byte %d: expected the document's text in UTF-8", at)
  end
end

-- '-- page 3 --' (pdf.js dumps) or a line that is only a form feed's remainder.
local function page_mark(l)
  return l:match("^%s*%-%-%s*page%s+%d+%s*%-%-%s*$") ~= nil
end

-- The words of a line with their character offsets (code points from the line's start), or,
-- without positions, each word as the one {s = ...} the whole text shares for its string
-- ('same': the shared words by string; a word is read, never written to, by the stages).
local function words_of(l, positions, same)
  local words = {}
  local col = 0
  local i = 1
  while true do
    local a, b = l:find("[^ \t]+", i)
    if not a then break end
    local s = l:sub(a, b)
    if positions then
      col = col + (a - i)  -- the spaces before it
      local w = utf8.len(s)
      words[#words + 1] = { s = s, x0 = col, x1 = col + w }
      col = col + w
    else
      local w = same[s]
      if not w then
        w = { s = s }
        same[s] = w
      end
      words[#words + 1] = w
    end
    i = b + 1
  end
  return words
end

-- Which form a text is: 'layout' when its rows keep their columns as runs of spaces
-- (pdftotext -layout pads every cell), 'text' when items are one or two spaces apart.
local function detect(lines)
  local wide, rows = 0, 0
  for _, l in ipairs(lines) do
    if l:find("%d,%d%d%d") or l:find("%d%.%d%d") then
      rows = rows + 1
      if l:find("%S   +%S") then wide = wide + 1 end
    end
  end
  if rows == 0 then return "text" end
  return wide * 2 >= rows and "layout" or "text"
end

-- The source of a text document: 'text' is the file's bytes, 'name' names it in messages.
function M.read(text, name)
  check_text(text, name)
  if text:sub(1, 3) == "\239\187\191" then text = text:sub(4) end
  local raw = {}
  for l in (text .. "\n"):gmatch("(.-)\n") do raw[#raw + 1] = l end
  if raw[#raw] == "" then raw[#raw] = nil end
  local form = detect(raw)
  local src = { form = form, name = name, lines = {} }
  local page = 1
  local seen_mark = false
  local same = {}  -- the text form's words by string: a table a distinct word, not one a word printed
  for no, l in ipairs(raw) do
    l = l:gsub("\r$", "")
    if page_mark(l) then
      if seen_mark or #src.lines > 0 then page = page + 1 end
      seen_mark = true
    else
      -- a form feed ends a page; what follows it on the line is the next page's first line
      local parts = { l }
      if l:find("\f", 1, true) then
        parts = {}
        for part in (l .. "\f"):gmatch("(.-)\f") do parts[#parts + 1] = part end
      end
      for k, part in ipairs(parts) do
        if k > 1 then page = page + 1 end
        -- tabs, stray CRs and no-break spaces are spaces (most lines have none: not copied)
        if part:find("[\t\v\r]") then part = part:gsub("[\t\v\r]", " ") end
        if part:find("\194\160", 1, true) then part = part:gsub("\194\160", " ") end
        if part:find("%S") then
          local words = words_of(part, form == "layout", same)
          local texts = {}
          for j, w in ipairs(words) do texts[j] = w.s end
          src.lines[#src.lines + 1] = { page = page, no = no, text = table.concat(texts, " "), words = words }
        end
      end
    end
  end
  -- a form feed ends the last page too: one among the spaces that end the text (found from the
  -- end, where the pattern '\f%s*$' tried every form feed against all the spaces after it)
  local e = #text
  while e > 0 do
    local c = text:byte(e)
    if c == 32 or (c >= 9 and c <= 13) then e = e - 1 else break end
  end
  if text:find("\f", e + 1, true) and page > 1 then page = page - 1 end
  src.pages = page
  return src
end

-- Raises the importer's error about a line of a source: 'doc.txt:17: message'. The one way
-- the stages report a document they cannot read.
function M.fail(src, line, fmt, ...)
  error(string.format("%s: %s", M.where(src, line), string.format(fmt, ...)), 0)
end

-- A line's place for a message: 'doc.txt:17', or 'doc.pdf: page 5, line 12'.
function M.where(src, line)
  if not line then return src.name .. ":1" end  -- an empty document: its first line
  if src.form == "pdf" then return string.format("%s: page %d, line %d", src.name, line.page, line.no) end
  return string.format("%s:%d", src.name, line.no)
end

return M
