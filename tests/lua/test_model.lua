-- tests/lua/test_model.lua
-- The SAST model against its document: every table row the document prints
-- is found, with the same numbers, in 'budget show' (aligned and CSV; as the
-- document prints them, and rebuilt from the cells with --from-cells); the
-- base model passes 'budget check'; a changed amount is caught with the exact
-- difference. Rows are derived from the document text, never pasted.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"

local MODEL, DOCUMENT = "models/sast-2021.lua", "models/sast-2021.txt"

-- {==================================================================
-- The document's tables, read from its text
-- ===================================================================

-- A table title line: '2021年部门支出预算总表', '部门“三公”经费和机关运行经费预算表'.
local function is_title(line)
  return line:find("^2021年部门.*表$") or line:find("^部门“三公”经费和机关运行经费预算表$")
end

local function is_number(tok)
  return tok:find("^%-?[%d,]+$") and tok:find(",") or tok:find("^%-?%d+%.%d%d$")
end

-- {title = {rows}}: each row {text = words, label = non-number words, numbers = {plain numbers}}.
local function document_tables()
  local tables, order, current = {}, {}, nil
  for line in (H.read(DOCUMENT) .. "\n"):gmatch("(.-)\n") do
    line = H.words(line)
    if is_title(line) then
      current = {}
      tables[line] = current
      order[#order + 1] = line
    elseif line:find("^其他相关情况说明") then
      current = nil
    elseif current and line ~= "" then
      local label, numbers = {}, {}
      for tok in line:gmatch("%S+") do
        if is_number(tok) then numbers[#numbers + 1] = (tok:gsub(",", "")) else label[#label + 1] = tok end
      end
      if #numbers > 0 then
        current[#current + 1] = { text = line, label = table.concat(label, " "), numbers = numbers }
      end
    end
  end
  return tables, order
end

-- }==================================================================

H.test("the document has the eight tables, with their rows", function()
  local tables, order = document_tables()
  H.eq(#order, 8, "tables")
  local rows = 0
  for _, t in pairs(tables) do rows = rows + #t end
  assert(rows > 100, "only " .. rows .. " rows found")
end)

H.test("budget check: every rule holds on the base model", function()
  local out, status = H.budget("check", MODEL)
  H.eq(status, 0, "exit status\n" .. out)
  assert(out:find("^" .. MODEL:gsub("%p", "%%%0") .. ": all %d+ rules held\n$"), out)
  local n = tonumber(out:match("all (%d+) rules"))
  assert(n >= 40, "only " .. n .. " rules")
end)

H.test("budget show: every row of every table, with the same numbers", function()
  local tables, order = document_tables()
  for _, mode in ipairs { "", "--from-cells" } do
    local found = 0
    for _, title in ipairs(order) do
      local out, status = H.budget("show", MODEL, "--table", title, mode ~= "" and mode or nil)
      H.eq(status, 0, "show " .. mode .. " " .. title .. "\n" .. out)
      local lines = {}
      for line in out:gmatch("[^\n]+") do lines[H.words(line)] = true end
      for _, row in ipairs(tables[title]) do
        if not lines[row.text] then error(string.format("%s %s: row not shown: %s\n%s", mode, title, row.text, out)) end
        found = found + 1
      end
    end
    assert(found > 100, found)
  end
end)

-- The CSV header says which columns hold text (项目, …编码, …名称); the others hold figures.
local function csv_rows(out)
  local rows, header = {}, nil
  for line in out:gmatch("([^\n]*)\r\n") do
    local fields = {}  -- RFC 4180: a field with a comma is quoted ("99,544,700")
    local rest = line .. ","
    while rest ~= "" do
      local q, after = rest:match('^"([^"]*)",(.*)$')
      if q then fields[#fields + 1], rest = q, after
      else
        local f, after2 = rest:match("^([^,]*),(.*)$")
        fields[#fields + 1], rest = f, after2
      end
    end
    if not header then header = fields else
      local label, numbers = {}, {}
      for i, f in ipairs(fields) do
        local h = header[i]
        if h == "项目" or h:find("编码$") or h:find("名称$") then
          if f ~= "" then label[#label + 1] = f end
        elseif f ~= "" and f:gsub("^0%.?0*$", "") ~= "" then
          assert(f:find("^%-?[%d,]+%.?%d*$"), "a figure in CSV: " .. f)
          numbers[#numbers + 1] = (f:gsub(",", ""))
        end
      end
      rows[#rows + 1] = { label = table.concat(label, " "), numbers = table.concat(numbers, " ") }
    end
  end
  return rows
end

H.test("budget show --format csv: the same rows, the same figures", function()
  local tables, order = document_tables()
  for _, mode in ipairs { "", "--from-cells" } do
    for _, title in ipairs(order) do
      local out, status = H.budget("show", MODEL, "--table", title, "--format", "csv", mode ~= "" and mode or nil)
      H.eq(status, 0, "show csv " .. mode .. " " .. title)
      if mode ~= "" then assert(not out:find('"'), "--from-cells: figures without separators\n" .. out) end
      local have = {}
      for _, r in ipairs(csv_rows(out)) do have[r.label .. " | " .. r.numbers] = true end
      for _, row in ipairs(tables[title]) do
        local key = row.label .. " | " .. table.concat(row.numbers, " ")
        if not have[key] then error(string.format("%s %s: CSV lacks %s\n%s", mode, title, key, out)) end
      end
    end
  end
end)

H.test("budget show: json and md render every table", function()
  local out, status = H.budget("show", MODEL, "--format", "json")
  H.eq(status, 0, "json")
  H.has(out, '"title":\t"2021年部门支出预算总表"')
  H.has(out, '"110,654,121"')  -- as printed
  out, status = H.budget("show", MODEL, "--format", "json", "--from-cells")
  H.eq(status, 0, "json --from-cells")
  H.has(out, '"110654121"')
  out, status = H.budget("show", MODEL, "--format", "md", "--table", "3")
  H.eq(status, 0, "md")
  H.has(out, "| 206 07 01 | 机构运行 | 35,096,654 | 35,096,654 |  |")
end)

H.test("a changed amount: exit 1, the rows named, the exact difference", function()
  local src = H.read(MODEL)
  local line = '{"206 07 01", "一般公共预算", "基本支出", "26,827,267"}'
  local old, new = 26827267, 26827367
  local changed, n = src:gsub(line:gsub("%p", "%%%0"), (line:gsub("26,827,267", "26,827,367")))
  H.eq(n, 1, "the cell line is in the model")
  local copy = H.tmpname(".lua")
  H.write(copy, changed)
  local out, status = H.budget("check", copy)
  H.eq(status, 1, "exit status\n" .. out)
  local diff = string.format("difference %d.00", new - old)
  -- one finding a row, naming each figure of the row that the cells do not give
  H.has(out, "error: 部门支出预算总表: 206 07 01 机构运行 / 合计: found 35,096,754.00, expected 35,096,654.00, " .. diff)
  H.has(out, "基本支出 printed 35,096,654, the other figures imply 35,096,754")
  H.has(out, "error: 部门一般公共预算支出功能分类预算表: 206 07 01 机构运行 / 合计")
  H.has(out, "error: 经济分类 = 一般公共预算基本支出")
  assert(out:find("violations of %d+ rules %(%d+ errors, 0 warnings%)"), out)
end)

H.test("show: an unknown table, format or option is exit 2 with the choices", function()
  local out, status = H.budget("show", MODEL, "--table", "无此表")
  H.eq(status, 2, "unknown table")
  H.has(out, "no table '无此表'")
  H.has(out, "部门支出预算总表")
  out, status = H.budget("show", MODEL, "--format", "xml")
  H.eq(status, 2, "unknown format")
  H.has(out, "unknown format 'xml'")
  out, status = H.budget("check")
  H.eq(status, 2, "no model")
  out, status = H.budget("check", "models/none.lua")
  H.eq(status, 2, "missing model")
  H.has(out, "models/none.lua: cannot read the model")
end)

H.test("the command needs no Lua files: it runs from any directory", function()
  local here = H.sh("pwd"):gsub("\n", "")
  local bin = H.bin:sub(1, 1) == "/" and H.bin or (here .. "/" .. H.bin)
  local out, status = H.sh(string.format("cd / && LUA_PATH=/nonexistent/?.lua LUA_CPATH=/nonexistent/?.so %s check %s/%s",
    bin, here, MODEL))
  H.eq(status, 0, "exit status\n" .. out)
  H.has(out, "rules held")
end)

H.run()
