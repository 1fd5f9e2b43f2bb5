-- tests/lua/test_docs.lua
-- The real documents of ../shared/data/docs (BUDGET_DOCS to look elsewhere):
-- each imports from every form it is in (PDF, pdftotext -layout text, pdf.js
-- text), and the model states the totals expected.tsv gives as printed. The
-- expected figures are the document's own, copied into expected.tsv by hand;
-- nothing here comes from the engine's output.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"

local docs = require "docs"

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

-- Where each expected total is printed, by template: {column of expected.tsv, the table (its view's
-- name ends with it), row, column, unit}.
local WHERE = {
  shanghai = {
    { "income_total", "部门收入预算总表|单位收入预算总表", "合计", "合计" },
    { "expenditure_total", "部门支出预算总表|单位支出预算总表", "合计", "合计" },
    { "gpb_expenditure", "一般公共预算支出功能分类预算表", "合计", "合计" },
    { "basic_expenditure", "部门支出预算总表|单位支出预算总表", "合计", "基本支出" },
    { "sangong_total", "机关运行经费预算表", "", "合计", "万元" },
  },
  jiangsu = {
    { "income_total", "收入预算总表", "收入总计", "金额" },
    { "expenditure_total", "支出预算总表", "", "合计" },
    { "gpb_expenditure", "一般公共预算支出预算表", "合计", "金额" },
    { "basic_expenditure", "支出预算总表", "", "基本支出" },
    { "sangong_total", "培训费支出预算表", "", "“三公”经费小计", "万元" },
  },
}

-- The stated figures of the view whose name ends with one of 'suffixes' ('a|b').
local function view_of(s, suffixes)
  for name, rows in pairs(s) do
    for suffix in suffixes:gmatch("[^|]+") do
      if not name:find("^%d+$") and name:sub(-#suffix) == suffix and not name:find("财政拨款", 1, true) then
        return rows
      end
    end
  end
end

local forms = docs.forms

-- {==================================================================
-- The known misprints of expected.tsv, as the findings 'check' must give
-- ===================================================================

-- The entries of a known_misprints cell: split at '; ' outside parentheses.
local function entries(cell)
  local out, depth, cur = {}, 0, {}
  local i = 1
  while i <= #cell do
    local ch = cell:sub(i, i)
    if ch == "(" then depth = depth + 1 elseif ch == ")" then depth = depth - 1 end
    if depth == 0 and cell:sub(i, i + 1) == "; " then
      out[#out + 1] = table.concat(cur)
      cur = {}
      i = i + 2
    else
      cur[#cur + 1] = ch
      i = i + 1
    end
  end
  if #cur > 0 then out[#out + 1] = table.concat(cur) end
  return out
end

-- The tables a document's kind names (the view names end with them), longest first.
local TABLES = { "一般公共预算支出功能分类预算表", "“三公”经费和机关运行经费预算表", "财政拨款收支预算总表", "财务收支预算总表",
                 "经济分类预算表", "收入预算总表", "支出预算总表" }

-- The known table misprints of a document: {tables = {name = true}, rows = {{table, code}}}.
-- Prose slips (编制说明, 情况说明) are not table misprints.
local function known(cell)
  local out = { tables = {}, rows = {} }
  if cell == "-" then return out end
  local last
  for _, e in ipairs(entries(cell)) do
    if not (e:find("^编制说明") or e:find("^情况说明")) then
      local head = e:match("^(.-):") or e
      local named = {}
      local rest = head
      for _, t in ipairs(TABLES) do
        if rest:find(t, 1, true) then
          named[#named + 1] = t
          rest = rest:gsub(t:gsub("%p", "%%%0"), "")
        end
      end
      if #named == 0 and head:find("^same") then named = last or {} end
      last = named
      for _, t in ipairs(named) do out.tables[t] = true end
      -- a coded row named in the entry: 'row "7  11  02 ..."', 'row 212 01 城乡社区管理事务', 'rows "301  2 ..." and ...'
      for code in head:gmatch('"(%d[%d ]*%d)%s') do
        for _, t in ipairs(named) do out.rows[#out.rows + 1] = { t, (code:gsub("%s+", " ")) } end
      end
      local code = head:match("row (%d%d%d[%d ]*%d) ")
      if code then for _, t in ipairs(named) do out.rows[#out.rows + 1] = { t, code } end end
    end
  end
  return out
end

-- The table a view name is, by the names above.
local function table_of(view)
  for _, t in ipairs(TABLES) do if view:sub(-#t) == t then return t end end
end

-- The findings of 'budget check': {table, row} for each, the row nil where a rule names none.
local function findings(out)
  local list = {}
  for line in out:gmatch("[^\n]+") do
    local rule, members = line:match("^%a+: (.-): (.-): found ")
    if not rule then rule, members = line:match("^%a+: (.-): (.-) %(") end  -- a finding with no amounts
    if rule then
      local t = table_of(rule)
      if t then
        list[#list + 1] = { t, members:match("^(.-) / ") or members, line = line }
      else
        local hit = false
        for view, row in members:gmatch("([^%s/%[%]]+)%[([^%]]*)%]%[") do
          local tv = table_of(view)
          if tv then list[#list + 1] = { tv, row, line = line } hit = true end
        end
        if not hit then list[#list + 1] = { "?", nil, line = line } end
      end
    end
  end
  return list
end

local expected = docs.expected()

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
          local v = view_of(s, view)
          local got = v and v[row] and v[row][col]
          H.eq(got, want, string.format("%s (table %s, row '%s', column %s)", key, view, row, col))
        end
      end)
    end
  end
end

-- check reports each known table misprint at its row, in the tables expected.tsv names, and nothing else
for _, doc in ipairs(expected) do
  for _, path in ipairs(forms(doc.stem)) do
    H.test(string.format("%s: check reports its known table misprints and nothing else", path:match("[^/]*$")), function()
      local model = H.tmpname(".lua")
      local text, status = H.budget("import", path, "-o", model)
      H.eq(status, 0, "import " .. path .. "\n" .. text)
      local k = known(doc.known_misprints)
      local out, cs = H.budget("check", model)
      local any = next(k.tables) ~= nil
      H.eq(cs, any and 1 or 0, "check's exit status\n" .. out)
      local found = findings(out)
      for _, f in ipairs(found) do
        -- a finding in a table with no known misprint is a false one
        local ok = k.tables[f[1]]
        if not ok then
          for _, g in ipairs(found) do if g.line == f.line and k.tables[g[1]] then ok = true end end
        end
        assert(ok, "a finding where expected.tsv knows no misprint:\n" .. f.line .. "\n\nall:\n" .. out)
      end
      for t in pairs(k.tables) do
        local hit = false
        for _, f in ipairs(found) do if f[1] == t then hit = true end end
        assert(hit, "no finding in " .. t .. ", where expected.tsv has a misprint:\n" .. out)
      end
      for _, r in ipairs(k.rows) do
        local hit = false
        for _, f in ipairs(found) do
          if f[1] == r[1] and f[2] and (f[2]:find(r[2], 1, true) == 1 or f.line:find("'" .. r[2] .. "'", 1, true)) then
            hit = true
          end
        end
        if not hit then
          -- a code printed with a lost zero ('301 2') is reported under the code it is read as ('301 02')
          local a, b = r[2]:match("^(%d%d%d) (%d)$")
          for _, f in ipairs(found) do
            if a and f[1] == r[1] and f[2] and f[2]:find(a .. " 0" .. b, 1, true) == 1 then hit = true end
          end
        end
        assert(hit, string.format("no finding at %s row %s:\n%s", r[1], r[2], out))
      end
    end)
  end
end

-- A 三公 table that prints no figures (本部门无“三公”经费) imports, with a blank row: the
-- fuzzer found the writer failing on it.
H.test("a 三公 table with no figures imports, and check names it", function()
  local path = docs.dir .. "/shanghai_putuo_wanli_jiedao_2024_dept_budget.layout.txt"
  local text = H.read(path)
  local row = "47.91              0       1.35        46.56         25         21.56         443.18"
  local cut, n = text:gsub(row:gsub("%p", "%%%0"), "")
  H.eq(n, 1, "the 三公 row is in the document")
  local copy, model = H.tmpname(".layout.txt"), H.tmpname(".lua")
  H.write(copy, cut)
  local out, status = H.budget("import", copy, "-o", model)
  H.eq(status, 0, "import\n" .. out)
  local report, cs = H.budget("check", model)
  H.eq(cs, 1, "check\n" .. report)
  H.has(report, "“三公”经费和机关运行经费预算表")
end)

H.run()
