-- tests/lua/sast.lua
-- Figures from the SAST document for the Lua tests (read from
-- models/sast-2021.txt, never from the engine), amounts written as the engine
-- writes them, and running a scenario script given as text.
-- See LICENSE for copyright and license.

local H = require "harness"

local S = {}

S.MODEL, S.DOCUMENT = "models/sast-2021.lua", "models/sast-2021.txt"
S.doc = H.read(S.DOCUMENT)

-- The first figure after a row's code and name in the 部门支出预算总表, in fen.
function S.spending_row(code_and_name)
  local section = S.doc:match("2021年部门支出预算总表(.-)2021年部门财政拨款收支预算总表")
  local figure = section:match("\n" .. code_and_name:gsub("%p", "%%%0") .. " ([%d,]+)")
  assert(figure, "no row " .. code_and_name)
  return math.tointeger(tonumber((figure:gsub(",", "")))) * 100
end

-- A sum the prose states in 万元, in fen: '本项目总金额69.91万元' → 69,910,000 fen... as an integer.
function S.wan(text)
  local int, frac = text:match("^(%d+)%.?(%d*)$")
  frac = (frac .. "00"):sub(1, 2)
  return (math.tointeger(tonumber(int)) * 100 + math.tointeger(tonumber(frac))) * 10000
end

-- '65,692,327.10' for 6569232710 fen.
function S.yuan(fen)
  local sign = fen < 0 and "-" or ""
  fen = math.abs(fen)
  local int = tostring(fen // 100):reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")
  return string.format("%s%s.%02d", sign, int, fen % 100)
end

-- Runs a scenario script given as text on the model; returns its output and exit status.
function S.run(text, ...)
  local path = H.tmpname(".lua")
  H.write(path, text)
  return H.budget("run", path, "--model", S.MODEL, ...)
end

-- The model file's own figures, read from its text (not through the engine): SRC, its text;
-- CELLS, its 支出 cells {code, source, kind, fen}; NAME and CODES, its 功能分类 codes' names and
-- the codes in the model's order.
S.SRC = H.read(S.MODEL)
S.CELLS, S.NAME, S.CODES = {}, {}, {}
for code, src, kind, amount in S.SRC:match('facts "支出" (%b{})'):gmatch('{"([%d ]+)", "([^"]+)", "([^"]+)", "([%d,]+)"}') do
  S.CELLS[#S.CELLS + 1] = { code = code, source = src, kind = kind, fen = math.tointeger(tonumber((amount:gsub(",", "")))) * 100 }
end
for code, name in S.SRC:match('dimension "功能分类" (%b{})'):gmatch('{"([%d ]+)", "([^"]+)"}') do
  S.NAME[code] = name
  S.CODES[#S.CODES + 1] = code
end

-- Σ, in fen, of the 支出 cells under a function code ("" for all) that pass 'keep' (nil: every cell).
function S.under(code, keep)
  local sum = 0
  for _, c in ipairs(S.CELLS) do
    if (code == "" or c.code == code or c.code:sub(1, #code + 1) == code .. " ") and (not keep or keep(c)) then
      sum = sum + c.fen
    end
  end
  return sum
end

-- 'key<TAB>value' lines printed by a script, as a table.
function S.values(out)
  local t = {}
  for k, v in out:gmatch("([^\t\n]+)\t([^\n]*)") do t[k] = v end
  return t
end

return S
