-- engine/lua/import/lex.lua
-- The words of a budget document: figures, codes of the classifications,
-- unit marks, and the full-width forms a Chinese document mixes in. Shared by
-- the stages that read tables and prose; nothing here knows a table.
-- See LICENSE for copyright and license.

local lpeg = require "lpeg"
local C = require "budget.c"

local P, R, S, Cs = lpeg.P, lpeg.R, lpeg.S, lpeg.Cs
local Cg = lpeg.C

local M = {}

local digit = R "09"
local fw_digit = P "\239\188" * R("\144\153")          -- ０..９

-- Full-width digits, colons, parentheses, commas and the decimal point as ASCII, for matching
-- structure; names keep their own characters.
M.to_ascii_p = Cs(((fw_digit / function(d) return string.char(d:byte(3) - 144 + 48) end)
  + P "：" / ":" + P "（" / "(" + P "）" / ")" + P "．" / "." + P "，" / "," + 1) ^ 0)
-- (every form it replaces starts with the byte 0xEF, so a text without one is its own ASCII form:
-- most lines of a document, returned as they are instead of copied a byte at a time)
function M.ascii(s)
  if type(s) == "string" and not s:find("\239", 1, true) then return s end
  return lpeg.match(M.to_ascii_p, s)
end

-- The text without its spaces, in ASCII where structure is concerned.
function M.flat(s) return (M.ascii(s):gsub("%s", "")) end

-- A figure: digits with optional separators and decimals ('96282213.44', '1,234', '6.4'), or '-'.
local number = P "-" ^ -1 * digit ^ 1 * (P "," * digit * digit * digit) ^ 0 * (P "." * digit ^ 1) ^ -1
M.number = number
local figure_word = (number + P "-") * -1
local loose_number = P "-" ^ -1 * digit ^ 1 * (P "," * digit ^ 1) ^ 0 * (P "." * digit ^ 1) ^ -1 * -1

-- Whether a word is a figure of a table.
function M.is_figure(w)
  w = M.ascii(w)
  return lpeg.match(figure_word, w) ~= nil or lpeg.match(loose_number, w) ~= nil
end

-- Whether a word is a figure with a separator or decimals: it cannot be a code or a page number.
function M.is_amount(w)
  w = M.ascii(w)
  return M.is_figure(w) and (w:find(",", 1, true) ~= nil or w:find("%.%d") ~= nil)
end

-- A figure as an amount in the table's unit, or nil and a message.
function M.amount(w, unit)
  if w == "-" then return C.fen(0) end
  local text = M.ascii(w)
  local ok, m = pcall(C.money, text .. (unit == "万元" and "万元" or ""))
  if not ok then return nil, m end
  return m
end

-- How many decimals a figure is printed with.
function M.decimals(w)
  local d = M.ascii(w):match("%.(%d+)$")
  return d and #d or 0
end

-- '单位：元' / '单位:万元' anywhere in a line: the unit.
local sp = S " \t" ^ 0
local unit_p = P { P "单位" * sp * P ":" * sp * Cg(P "万元" + P "元") + 1 * lpeg.V(1) }
function M.unit(text) return lpeg.match(unit_p, M.ascii(text)) end

-- A page number standing alone on a line: '11', '- 3 -', '第 3 页'.
local dash = P "-" + P "—" + P "－" + P "–"
local page_p = sp * (dash ^ 1 * sp * digit ^ 1 * sp * dash ^ 1
  + P "第" * sp * digit ^ 1 * sp * P "页" * (sp * P "共" * sp * digit ^ 1 * sp * P "页") ^ -1
  + digit ^ 1) * sp * -1
function M.page_number(text) return lpeg.match(page_p, M.ascii(text)) ~= nil end

-- {==================================================================
-- Codes of the classifications
-- ===================================================================

-- The code a row starts with, from its first words: separate segments ('208', '05', '02'),
-- compact ('2060701'), glued to the name ('2010506统计管理', '301 01基本工资'), with a lost
-- leading zero ('301 2'). Returns the segments {"208", "05", "02"}, how many words the code
-- took, the rest of the last word (a glued name, or ""), and 'odd' when a segment had to be
-- mended (a one-digit 款) or the class is not three digits (a misprint such as '7 11 02').
local function split_compact(d)
  if #d == 3 then return { d } end
  if #d == 5 then return { d:sub(1, 3), d:sub(4, 5) } end
  if #d == 7 then return { d:sub(1, 3), d:sub(4, 5), d:sub(6, 7) } end
end

function M.code(words)
  local w1 = words[1] and M.ascii(words[1].s)
  if not w1 then return nil end
  local d, glued = w1:match("^(%d+)(.*)$")
  if not d then return nil end
  if glued ~= "" and glued:find("^[%d,%.%%]") then return nil end  -- a figure, not a code
  if glued ~= "" then
    local segs = split_compact(d)
    -- the name as printed (full-width brackets kept), where the code's digits are ASCII
    local raw = words[1].s
    if raw:sub(1, #d) == d then glued = raw:sub(#d + 1) end
    if segs then return segs, 1, glued end
    return nil
  end
  if #d == 5 or #d == 7 then return split_compact(d), 1, "" end
  if #d > 3 or #d == 0 then return nil end
  -- separate segments: the class, then up to two 款/项 words of one or two digits
  local segs, odd = { d }, #d ~= 3
  local used = 1
  for k = 2, 3 do
    local w = words[k] and M.ascii(words[k].s)
    if not w then break end
    local seg, rest = w:match("^(%d%d?)(.*)$")
    if not seg or (rest ~= "" and rest:find("^[%d,%.]")) then break end
    local raw = words[k].s
    if rest ~= "" and raw:sub(1, #seg) == seg then rest = raw:sub(#seg + 1) end  -- as printed
    if #seg == 1 then seg = "0" .. seg odd = true end
    segs[#segs + 1] = seg
    used = k
    if rest ~= "" then return segs, used, rest, odd end
  end
  return segs, used, "", odd
end

-- }==================================================================

return M
