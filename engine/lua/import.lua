-- engine/lua/import.lua
-- 'budget import': a published departmental (or unit) budget, as its PDF or
-- its text, into a model. One pipeline, a module a stage (import/FORMAT.md):
-- read → find tables → read each table → place the figures → the prose →
-- build and write the model. Importing is not judging: figures that do not
-- add up are imported as printed, and 'budget check' reports them.
-- See LICENSE for copyright and license.

local source = require "budget.import.source"
local templates = require "budget.import.templates"
local tables = require "budget.import.tables"
local rows = require "budget.import.rows"
local place = require "budget.import.place"
local prose = require "budget.import.prose"
local lex = require "budget.import.lex"

local M = {}

local fail = source.fail

-- '预算主管部门：X', '编制部门：X', '编制单位：X', '部门：X' (after lex.ascii): the department X.
local function department_of(src)
  for _, l in ipairs(src.lines) do
    local flat = lex.ascii(l.text)
    local d = flat:match("预算主管部门%s*:%s*(%S+)") or flat:match("编制部门%s*:%s*(%S+)")
      or flat:match("编制单位%s*:%s*(%S+)") or flat:match("^%s*部门%s*:%s*(%S+)")
    if d and not d:find("单位:") then return d end
  end
end

-- Everything a source says, read and placed: the tables, the prose, the projects.
function M.read_source(src, found)
  for i, l in ipairs(src.lines) do l.index = i end
  found = found or tables.find(src, templates.all)
  local T, list = {}, {}
  for _, t in ipairs(found.tables) do
    local prev = T[t.kind.key]
    if prev then
      fail(src, t.title_line, "%s: a second table of this kind (the first is at %s)", t.title,
        source.where(src, prev.title_line))
    end
    T[t.kind.key] = t
    list[#list + 1] = t
    t.number = #list  -- the table's number: its place in the document
  end
  for _, key in ipairs { "T2", "T3", "T5" } do
    if not T[key] then
      fail(src, src.lines[#src.lines], "the document has no %s table", ({ T2 = "收入预算总表", T3 = "支出预算总表",
        T5 = "一般公共预算支出功能分类预算表" })[key])
    end
  end
  for _, t in ipairs(list) do if t.kind.shape ~= "sided" then rows.coded(src, t) end end
  local classes = {}
  for _, r in ipairs(T.T3.rows) do if #r.code == 3 then classes[lex.flat(r.name)] = r.code end end
  for _, key in ipairs { "T2", "T5" } do
    for _, r in ipairs(T[key].rows) do
      if #r.code == 3 and not classes[lex.flat(r.name)] then classes[lex.flat(r.name)] = r.code end
    end
  end
  for _, t in ipairs(list) do if t.kind.shape == "sided" then rows.sided(src, t, classes) end end
  place.place(T, src)
  -- the writer's view of a table: column names, line numbers
  for _, t in ipairs(list) do
    if t.columns then
      local names = {}
      for i, c in ipairs(t.columns) do names[i] = c.name end
      t.columns = names
    end
    t.first = t.title_line.no
  end
  -- the prose: the lines outside the tables
  local in_table = {}
  for _, t in ipairs(list) do
    in_table[t.title_line] = true
    for _, l in ipairs(t.lines) do in_table[l] = true end
  end
  local text = {}
  for _, l in ipairs(src.lines) do if not in_table[l] then text[#text + 1] = l.text end end
  local doc = { name = src.name, src = src, tables = list, T = T }
  for _, t in ipairs(list) do doc.year = doc.year or t.title:match("(%d%d%d%d)年") end
  for _, t in ipairs(list) do t.year = doc.year end
  doc.unit_doc = T.T2.title:find("单位", 1, true) ~= nil and not T.T2.title:find("部门", 1, true)
  doc.department = department_of(src)
  doc.units = prose.read_units(text, doc.department)
  doc.scalars, doc.prose_classes = prose.read_prose(text, doc)
  doc.projects = prose.read_projects(text, src.name)
  doc.fiscal_tables = place.FISCAL
  doc.column = place.col
  doc.by_code = place.by_code
  doc.where = function(line) return source.where(src, line) end
  return doc
end

-- The source of a document's bytes: a PDF through pdftotext, text as it is.
function M.source(bytes, name, path)
  if bytes:sub(1, 5) == "%PDF-" then
    return require("budget.import.pdf").read(path or name, name)
  end
  -- the forms a document is not read from: say what was found and what is expected
  local kind = (bytes:sub(1, 4) == "PK\3\4" and "a spreadsheet or another zip file (.xlsx, .docx)")
    or (bytes:sub(1, 8) == "\208\207\17\224\161\177\26\225" and "an Office file (.xls, .doc)")
    or ((bytes:sub(1, 3) == "\255\216\255" or bytes:sub(1, 8) == "\137PNG\r\n\26\n") and "an image (a scan?)")
  if kind then
    error(string.format("%s:1: %s: expected the published PDF of a 部门预算 or 单位预算, or its text "
      .. "(pdftotext -layout, or a text dump)", name, kind), 0)
  end
  return source.read(bytes, name)
end

-- Everything a document says (bytes of a PDF or text), read and placed.
function M.read(bytes, name, path)
  return M.read_source(M.source(bytes, name, path))
end

-- budget import: the model text for a document. 'name' is the file for messages, 'docname'
-- the document's file name the model records, 'path' where a PDF can be read from.
function M.import(bytes, name, docname, path)
  local src = M.source(bytes, name, path or name)
  for i, l in ipairs(src.lines) do l.index = i end
  local found = tables.find(src, templates.all)
  if found.template.name == "jiangsu" then
    return require("budget.import.jiangsu").model(src, found, docname or name)
  end
  return require("budget.import.write").model(M.read_source(src, found), docname or name)
end

return M
