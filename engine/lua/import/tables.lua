-- engine/lua/import/tables.lua
-- The find-tables stage: which template a source follows and where each of
-- its tables is. A title is a short line (or a line and the short line that
-- finishes it) whose text ends with a kind's words; it starts a table only
-- where the table's unit or issuer line follows it, so the entries of the
-- 目录, the running heads and the prose that names a table are passed by. A
-- table runs to the next table's title or to the prose that follows the
-- tables; page numbers between its rows are dropped.
-- See LICENSE for copyright and license.

local lex = require "budget.import.lex"
local source = require "budget.import.source"

local M = {}

local fail = source.fail

-- The last character of every suffix of a template's kinds (a title must end with one), made
-- once a template: a line ending otherwise is passed by without trying each kind.
local endings = setmetatable({}, { __mode = "k" })
local function endings_of(template)
  local set = endings[template]
  if not set then
    set = {}
    for _, k in ipairs(template.kinds) do
      local last = utf8.offset(k.suffix, -1)
      if not last then set = false break end  -- a suffix that is not UTF-8: no shortcut
      set[k.suffix:sub(last)] = true
    end
    endings[template] = set
  end
  return set
end

-- The kind of a template a title's flat text names, or nil. Titles are short and print no amounts.
local function kind_of(template, flat)
  if #flat > 180 or flat:find("%d,%d%d%d") or flat:find("%d%.%d%d") then return nil end
  flat = flat:gsub("%(续%)$", ""):gsub("续表$", "")
  local ends = endings_of(template)
  if ends then
    local last = utf8.offset(flat, -1)
    if not (last and ends[flat:sub(last)]) then return nil end
  end
  local best, score
  for _, k in ipairs(template.kinds) do
    if flat:sub(-#k.suffix) == k.suffix then
      local s, ok = #k.suffix, true
      for _, w in ipairs(k.contains or {}) do
        if flat:find(w, 1, true) then s = s + #w else ok = false end
      end
      if ok and (not score or s > score) then best, score = k, s end
    end
  end
  return best
end

-- A line that shows a table begins here: its unit, or who issued it. 'flat' is its flat text.
local function is_head(line, flat)
  if lex.unit(line.text) then return true end
  return flat:find("^编制部门:") or flat:find("^编制单位:") or flat:find("^部门:") or flat:find("^预算单位:")
end

-- Whether a line is a heading of the prose after the tables, by its flat text.
local function is_prose_head(template, flat)
  if #flat > 90 or flat:find("%d,%d%d%d") then return false end
  for _, h in ipairs(template.prose) do
    if flat:find(h, 1, true) then return true end
  end
  return false
end

-- The title candidates of a template: {at = index of the first line, stop = index of its last, kind, title}.
-- flat_at(i) is the flat text of line i.
local function candidates(src, template, flat_at)
  local out = {}
  local lines = src.lines
  local i = 1
  while i <= #lines do
    local flat = flat_at(i)
    local k = kind_of(template, flat)
    local stop = i
    if not k and lines[i + 1] and #flat_at(i + 1) <= 12 then  -- a title wrapped onto a short line
      k = kind_of(template, flat .. flat_at(i + 1))
      if k then stop = i + 1 end
    end
    if k then
      local title = lines[i].text
      if stop > i then title = title .. lines[stop].text end
      out[#out + 1] = { at = i, stop = stop, kind = k, title = title }
      i = stop + 1
    else
      i = i + 1
    end
  end
  return out
end

-- The candidates that start a table: a head line follows within the next lines, before another title.
local function starts(src, cands, flat_at)
  local out = {}
  for n, c in ipairs(cands) do
    local limit = cands[n + 1] and cands[n + 1].at - 1 or #src.lines
    for j = c.stop + 1, math.min(c.stop + 4, limit) do
      if is_head(src.lines[j], flat_at(j)) then out[#out + 1] = c break end
    end
  end
  return out
end

-- The title as the model keeps it: without a numbering ('3.', '三、', '公开03表') before it.
local function clean_title(t)
  t = t:gsub("^%s+", ""):gsub("%s+$", "")
  local flat = t:gsub("%s", "")
  flat = flat:gsub("^公开%d+表", "")
  flat = flat:gsub("^[%d]+[%.．、]", ""):gsub("^[一二三四五六七八九十]+、", ""):gsub("^（[一二三四五六七八九十]+）", "")
  return flat
end

-- Finds the template and the tables of a source: {template = ..., tables = {{kind, title, lines, head}, ...}}.
function M.find(src, templates)
  -- each line's flat text, made once for every template and pass that reads it
  local flats = {}
  local function flat_at(i)
    local f = flats[i]
    if not f then
      f = lex.flat(src.lines[i].text)
      flats[i] = f
    end
    return f
  end
  local best, best_starts, best_n
  for _, template in ipairs(templates) do
    local st = starts(src, candidates(src, template, flat_at), flat_at)
    local kinds = {}
    for _, s in ipairs(st) do kinds[s.kind.key] = true end
    local n = 0
    for _ in pairs(kinds) do n = n + 1 end
    if not best_n or n > best_n then best, best_starts, best_n = template, st, n end
  end
  if not best_n or best_n < 3 then
    local what = "no table title"
    if best_n and best_n > 0 then what = string.format("only %d table(s) of a budget", best_n) end
    for _, l in ipairs(src.lines) do  -- a 决算 (final accounts) prints the same kinds of table
      local flat = lex.flat(l.text)
      if #flat < 120 and (flat:find("决算表$") or flat:find("决算总表$")) then
        what = string.format("a 决算 (final accounts) table, '%s',", flat)
        break
      end
    end
    fail(src, src.lines[1], "not a departmental or unit budget (部门预算/单位预算) this importer knows: %s found in %d "
      .. "lines of text; expected tables such as 2025年部门收入预算总表 and 部门支出预算总表 (Shanghai) or 收支预算总表 "
      .. "and 财政拨款支出预算表 (Jiangsu), each with its 单位：元 or 单位：万元 line", what, #src.lines)
  end
  local tables = {}
  for n, s in ipairs(best_starts) do
    local limit = best_starts[n + 1] and best_starts[n + 1].at - 1 or #src.lines
    local t = { kind = s.kind, title = clean_title(s.title), title_line = src.lines[s.at], lines = {} }
    for j = s.stop + 1, limit do
      local l = src.lines[j]
      if is_prose_head(best, flat_at(j)) and #t.lines > 0 then break end
      if not lex.page_number(l.text) then t.lines[#t.lines + 1] = l end
    end
    tables[#tables + 1] = t
  end
  return { template = best, tables = tables }
end

return M
