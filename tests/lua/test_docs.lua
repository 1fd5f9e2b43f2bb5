-- tests/lua/test_docs.lua
-- The real documents of ../shared/data/docs (BUDGET_DOCS to look elsewhere):
-- each imports from every form it is in (PDF, pdftotext -layout text, pdf.js
-- text), and the model states the totals expected.tsv gives as printed. The
-- expected figures are the document's own, copied into expected.tsv by hand;
-- nothing here comes from the engine's output.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"

local DOCS = os.getenv("BUDGET_DOCS") or "../shared/data/docs"

-- An amount as printed ('96282213.44', '1,234', '6.4') in fen, in the unit given.
local function fen(text, unit)
  local s = text:gsub(",", "")
  local int, dec = s:match("^(%-?%d+)%.?(%d*)$")
  assert(int, "not an amount: " .. text)
  local scale = unit == "万元" and 1000000 or 100
  local places = unit == "万元" and 6 or 2
  assert(#dec <= places, "too many decimals: " .. text)
  dec = dec .. string.rep("0", places - #dec)
  local v = math.tointeger(tonumber(int)) * scale
  return v + (v < 0 and -1 or 1) * math.tointeger(tonumber(dec))
end

local function rows_of(path)
  local out, header = {}, nil
  for line in H.read(path):gmatch("[^\n]+") do
    local cells = {}
    for c in (line .. "\t"):gmatch("(.-)\t") do cells[#cells + 1] = c end
    if not header then header = cells else
      local r = {}
      for i, h in ipairs(header) do r[h] = cells[i] end
      out[#out + 1] = r
    end
  end
  return out
end

-- The stated figures of a model: {[view number or name] = {[row key] = {[column] = fen}}}.
local function stated(model)
  local out, status = H.budget("run", "tests/scripts/dump-stated.lua", "--model", model)
  H.eq(status, 0, "dump-stated " .. model .. "\n" .. out)
  local t = {}
  for line in out:gmatch("[^\n]+") do
    local num, view, _, key, col, v = line:match("^(.-)|(.-)|(%d+)|(.-)|(.-)|(%-?%d+)$")
    for _, k in ipairs { num, view } do
      if k ~= "" then
        t[k] = t[k] or {}
        t[k][key] = t[k][key] or {}
        t[k][key][col] = t[k][key][col] or math.tointeger(tonumber(v))
      end
    end
  end
  return t
end

-- Where each expected total is printed, by template: {column of expected.tsv, view, row, column, unit}.
local WHERE = {
  shanghai = {
    { "income_total", "2", "合计", "合计" },
    { "expenditure_total", "3", "合计", "合计" },
    { "gpb_expenditure", "5", "合计", "合计" },
    { "basic_expenditure", "3", "合计", "基本支出" },
    { "sangong_total", "8", "", "合计", "万元" },
  },
  jiangsu = {
    { "income_total", "2", "收入总计", "金额" },
    { "expenditure_total", "3", "", "合计" },
    { "gpb_expenditure", "7", "合计", "金额" },
    { "basic_expenditure", "3", "", "基本支出" },
    { "sangong_total", "11", "", "“三公”经费小计", "万元" },
  },
}

local function forms(stem)
  local out = {}
  for _, ext in ipairs { ".pdf", ".layout.txt", ".txt" } do
    local p = DOCS .. "/" .. stem .. ext
    local f = io.open(p, "rb")
    if f then
      f:close()
      out[#out + 1] = p
    end
  end
  return out
end

local expected = rows_of(DOCS .. "/expected.tsv")
assert(#expected >= 11, "expected.tsv lists " .. #expected .. " documents")

for _, doc in ipairs(expected) do
  for _, path in ipairs(forms(doc.stem)) do
    local where = WHERE[doc.template]
    if where then
      H.test(string.format("%s imports and states the totals of expected.tsv", path:match("[^/]*$")), function()
        local out = H.tmpname(".lua")
        local text, status = H.budget("import", path, "-o", out)
        H.eq(status, 0, "import " .. path .. "\n" .. text)
        local s = stated(out)
        for _, w in ipairs(where) do
          local key, view, row, col, unit = w[1], w[2], w[3], w[4], w[5] or doc.unit
          local want = fen(doc[key], unit)
          local got = s[view] and s[view][row] and s[view][row][col]
          H.eq(got, want, string.format("%s (table %s, row '%s', column %s)", key, view, row, col))
        end
      end)
    end
  end
end

H.run()
