-- tests/lua/test_misprint.lua
-- A property of import and check on the real documents: a figure changed by
-- one unit of its table's printing (+1 元, +0.01 元 where the table prints
-- cents, +0.01万元) in any row of a coded table is reported by 'check' at that
-- row. Rows are drawn with a fixed seed from every document's text forms;
-- BUDGET_MISPRINT_ROWS sets how many a document (default 12). One exception,
-- which no importer can avoid: a row of a one-column table that no other table
-- prints is reported at its parent, since nothing tells it from its siblings.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"

local docs = require "docs"
local DOCS = docs.dir
local PER_DOC = tonumber(os.getenv("BUDGET_MISPRINT_ROWS") or "12")

-- A figure one unit more, in the form it is printed ('1,234' → '1,235', '6.4' → '6.41' in 万元,
-- '96282213.44' → '96282213.45'); the unit is the last printed digit's, or 0.01 for 万元 without one.
local function bump(fig, wan)
  local digits = fig:gsub(",", "")
  local int, dec = digits:match("^(%d+)%.?(%d*)$")
  if not int then return nil end
  if wan and #dec < 2 then dec = dec .. string.rep("0", 2 - #dec) end
  local scale = #dec
  local n = math.tointeger(tonumber(int .. dec)) + 1
  local s = tostring(n)
  while #s <= scale do s = "0" .. s end
  local i, d = s:sub(1, #s - scale), s:sub(#s - scale + 1)
  if fig:find(",", 1, true) then i = i:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "") end
  return scale > 0 and (i .. "." .. d) or i
end

-- The coded rows of a text: {line number, code (spaced), figure words with their byte positions}.
local function coded_rows(text)
  local out, n = {}, 0
  for line in (text .. "\n"):gmatch("(.-)\n") do
    n = n + 1
    local a, b, c = line:match("^%s*(%d%d%d)%s+(%d%d)%s+(%d%d)%s")
    local code = a and (a .. " " .. b .. " " .. c)
    if not code then
      a, b = line:match("^%s*(%d%d%d)%s+(%d%d)%s")
      code = a and (a .. " " .. b)
    end
    if not code then
      local d = line:match("^%s*(%d%d%d%d%d%d?%d?)%s")
      if d and (#d == 5 or #d == 7) then code = d:sub(1, 3) .. " " .. d:sub(4, 5) .. (#d == 7 and (" " .. d:sub(6, 7)) or "") end
    end
    if code then
      local figs = {}
      for at, w in line:gmatch("()(%d[%d,]*%.?%d*)") do
        if (w:find(",", 1, true) or w:find("%.%d")) and at > 8 then figs[#figs + 1] = { at = at, w = w } end
      end
      if #figs > 0 then out[#out + 1] = { no = n, code = code, figs = figs, line = line } end
    end
  end
  return out
end

local function lines_of(text)
  local t = {}
  for l in (text .. "\n"):gmatch("(.-)\n") do t[#t + 1] = l end
  return t
end

local stems = {}
for _, row in ipairs(docs.expected()) do stems[#stems + 1] = { stem = row.stem, wan = row.unit == "万元" } end

for _, d in ipairs(stems) do
  for _, ext in ipairs { ".layout.txt", ".txt" } do
    local path = DOCS .. "/" .. d.stem .. ext
    local f = io.open(path, "rb")
    if f then
      local text = f:read("a")
      f:close()
      H.test(string.format("%s: a figure one unit off in any coded row is reported at its row", d.stem .. ext), function()
        -- the rows the unchanged document already reports are not drawn
        local model = H.tmpname(".lua")
        local _, status = H.budget("import", path, "-o", model)
        H.eq(status, 0, "import of the unchanged document")
        local before = H.budget("check", model)
        local rows = coded_rows(text)
        assert(#rows > 10, "too few coded rows found in " .. path)
        local seen = {}  -- how many rows of the document print each code
        for _, x in ipairs(rows) do seen[x.code] = (seen[x.code] or 0) + 1 end
        math.randomseed(#text)
        local done = 0
        for _ = 1, PER_DOC do
          local r = rows[math.random(#rows)]
          if not before:find(r.code, 1, true) then
            local fig = r.figs[math.random(#r.figs)]
            local new = bump(fig.w, d.wan)
            local lines = lines_of(text)
            lines[r.no] = r.line:sub(1, fig.at - 1) .. new .. r.line:sub(fig.at + #fig.w)
            local copy = H.tmpname(ext)
            H.write(copy, table.concat(lines, "\n"))
            local out, st = H.budget("import", copy, "-o", model)
            H.eq(st, 0, string.format("import with %s → %s at line %d\n%s", fig.w, new, r.no, out))
            local report, cs = H.budget("check", model)
            H.eq(cs, 1, string.format("check's exit with %s → %s at line %d (row %s)\n%s", fig.w, new, r.no, r.code, report))
            local at_row = report:find(": " .. r.code, 1, true) or report:find("row " .. r.code, 1, true)
            -- a row of a one-column table that no other table prints (a 机关运行经费 line of project
            -- money) cannot be told from its siblings: it is reported at its parent
            local alone = seen[r.code] == 1 and r.figs[2] == nil
            local parent = r.code:match("^(.*) %d%d$")
            if not at_row and alone and parent then at_row = report:find(": " .. parent .. " ", 1, true) end
            assert(at_row, string.format("%s → %s at line %d: no finding at row %s:\n%s", fig.w, new, r.no, r.code, report))
            done = done + 1
          end
        end
        assert(done > 0, "no row drawn")
      end)
    end
  end
end

-- The 三公 table's one row of figures: each figure one unit off is reported in that table.
for _, d in ipairs(stems) do
  local path
  for _, ext in ipairs { ".layout.txt", ".txt" } do
    if not path and docs.exists(DOCS .. "/" .. d.stem .. ext) then path = DOCS .. "/" .. d.stem .. ext end
  end
  H.test(string.format("%s: a 三公 figure one unit off is reported in the 三公 table", path:match("[^/]*$")), function()
    local text = H.read(path)
    local lines = lines_of(text)
    -- the row: the first line after the 三公 title whose words are all figures, three or more
    local at, title
    for i, l in ipairs(lines) do
      local flat = l:gsub("%s", "")
      local after = (lines[i + 1] or ""):gsub("%s", "")
      if #after <= 9 and after:find("表$") then flat = flat .. after end  -- a title wrapped
      if not title and flat:find("三公", 1, true) and flat:find("表$") then
        local j = i + 1
        while lines[j] and j < i + 30 do
          local n, all = 0, true
          for w in lines[j]:gmatch("%S+") do
            n = n + 1
            all = all and w:find("^[%d,]+%.?%d*$") ~= nil
          end
          if all and n >= 3 then at, title = j, flat break end
          j = j + 1
        end
      end
    end
    assert(at, "no 三公 row of figures found in " .. path)
    local model = H.tmpname(".lua")
    local n = 0
    for start, w in lines[at]:gmatch("()(%S+)") do
      if w:find("[1-9]") then
        local new = bump(w, true)
        local copy = { table.unpack(lines) }
        copy[at] = lines[at]:sub(1, start - 1) .. new .. lines[at]:sub(start + #w)
        local file = H.tmpname(path:match("%.[%w.]+$"))
        H.write(file, table.concat(copy, "\n"))
        local out, st = H.budget("import", file, "-o", model)
        H.eq(st, 0, string.format("import with %s → %s\n%s", w, new, out))
        local report = H.budget("check", model)
        -- at the row: its own finding, or a rule that names the row's figure ('…预算表[][机关运行经费]')
        assert(report:find("三公”经费[^\n]*预算表: %(its one row%)") or report:find("三公”经费[^\n]*预算表%[%]%["),
          string.format("%s → %s in the 三公 row: no finding at the row:\n%s", w, new, report))
        n = n + 1
      end
    end
    assert(n >= 3, "too few 三公 figures changed: " .. n)
  end)
end

H.run()
