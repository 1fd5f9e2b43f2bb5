-- tests/lua/docs.lua
-- The real documents the importer's tests read: where they are (../shared/data/docs,
-- or BUDGET_DOCS), expected.tsv as rows, and the forms each document comes in.
-- See LICENSE for copyright and license.

local H = require "harness"

local D = {}

D.dir = os.getenv("BUDGET_DOCS") or "../shared/data/docs"

function D.exists(p)
  local f = io.open(p, "rb")
  if f then f:close() end
  return f ~= nil
end

-- A tab-separated file with a header row: a list of {[column] = cell}.
function D.rows_of(path)
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

-- expected.tsv: a row a document (stem, template, kind, year, unit, the totals, known_misprints).
function D.expected()
  local rows = D.rows_of(D.dir .. "/expected.tsv")
  assert(#rows >= 11, "expected.tsv lists " .. #rows .. " documents")
  return rows
end

-- The files a document stem comes as: its PDF, its -layout text, its text dump, those there are.
function D.forms(stem)
  local out = {}
  for _, ext in ipairs { ".pdf", ".layout.txt", ".txt" } do
    local p = D.dir .. "/" .. stem .. ext
    if D.exists(p) then out[#out + 1] = p end
  end
  return out
end

return D
