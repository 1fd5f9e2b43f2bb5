-- engine/lua/compare.lua
-- 'budget compare MODEL A.lua B.lua ...': scenarios side by side. Each script
-- runs sandboxed on its own load of the model, and the last scenario it makes
-- is its entry. The report is one table of totals per fact set (the grand total,
-- each 类 and 款 any scenario moved) with each scenario's amount and change
-- against the base and its difference from the first scenario, then each
-- scenario's violations.
-- See LICENSE for copyright and license.

local C = require "budget.c"
local report = require "budget.report"

local M = {}

local EXIT_DONE, EXIT_VIOLATIONS = 0, 1
local ZERO = C.fen(0)

-- The entries' letters: A, B, ... Z, then AA, AB, ...
local function key(i)
  local s = ""
  repeat
    local r = (i - 1) % 26
    s = string.char(65 + r) .. s
    i = (i - 1 - r) // 26
  until i == 0
  return s
end

-- {==================================================================
-- The comparison
-- ===================================================================

-- entries: {{script, scenario}}; the value every format writes.
function M.value(base, entries)
  local v = { model = base.file, model_name = base.info.name, scenarios = {}, tables = {} }
  local moved_sets = {}
  for i, e in ipairs(entries) do
    for _, set in ipairs(base.sets) do
      if #e.scenario.ov:cells(set.index, true) > 0 then moved_sets[set.name] = true end
    end
    local violations, counts = report.violations_value(e.scenario)
    v.scenarios[i] = { key = key(i), name = e.scenario.name, script = e.script, violations = violations, counts = counts }
  end
  local explain = require "budget.steps"
  for _, set in ipairs(base.sets) do
    if moved_sets[set.name] then
      local t = { set = set.name, dimension = set.dims[1], unit = "元", rows = {} }
      for i, m in ipairs(explain.tracked(base, set)) do
        local b = base.core:total(set.index, m.sel)
        local row = { code = m.code, name = m.name, depth = m.depth, base = b, values = {}, changes = {}, differences = {} }
        local moved = i == 1
        for k, e in ipairs(entries) do
          local x = e.scenario.ov:total(set.index, m.sel)
          row.values[k], row.changes[k] = x, x - b
          if k > 1 then row.differences[k - 1] = x - row.values[1] end
          if x ~= b then moved = true end
        end
        if moved then t.rows[#t.rows + 1] = row end
      end
      v.tables[#v.tables + 1] = t
    end
  end
  return v
end

-- The columns of a totals table: code, name, base, each scenario and its change, each difference.
local function columns(v)
  local head, numeric = { "code", "name", "base" }, { false, false, true }
  for _, s in ipairs(v.scenarios) do
    head[#head + 1] = s.key
    head[#head + 1] = s.key .. " − base"
    numeric[#numeric + 1] = true
    numeric[#numeric + 1] = true
  end
  for k = 2, #v.scenarios do
    head[#head + 1] = v.scenarios[k].key .. " − " .. v.scenarios[1].key
    numeric[#numeric + 1] = true
  end
  return head, numeric
end

local function row_cells(r, amount)
  local cells = { r.code, r.name, amount(r.base) }
  for k = 1, #r.values do
    cells[#cells + 1] = amount(r.values[k])
    cells[#cells + 1] = amount(r.changes[k])
  end
  for _, d in ipairs(r.differences) do cells[#cells + 1] = amount(d) end
  return cells
end

-- }==================================================================

-- {==================================================================
-- Formats
-- ===================================================================

local function as_text(v, md)
  local out = {}
  local function block(lines, numeric) report.block(out, lines, numeric, md) end
  out[#out + 1] = (md and "### " or "") .. "Comparison of " .. #v.scenarios .. " scenarios"
  if md then out[#out + 1] = "" end
  out[#out + 1] = "Model: " .. v.model .. (v.model_name and (" (" .. v.model_name .. ")") or "")
  if md then out[#out + 1] = "" end
  for _, s in ipairs(v.scenarios) do
    out[#out + 1] = string.format("%s%s = %s (%s)", md and "- " or "", s.key, s.name, s.script)
  end
  out[#out + 1] = ""
  if #v.tables == 0 then out[#out + 1] = "No scenario changed an amount."; out[#out + 1] = "" end
  for _, t in ipairs(v.tables) do
    out[#out + 1] = string.format("%s by %s (%s)", t.set, t.dimension, t.unit)
    if md then out[#out + 1] = "" end
    local head, numeric = columns(v)
    local lines = { head }
    for _, r in ipairs(t.rows) do lines[#lines + 1] = row_cells(r, tostring) end
    block(lines, numeric)
  end
  for _, s in ipairs(v.scenarios) do
    out[#out + 1] = string.format("%s (%s): %s", s.key, s.name, report.count_line(s))
    for _, x in ipairs(s.violations) do
      out[#out + 1] = (md and "- " or "  ") .. report.violation {
        severity = x.severity, rule = x.rule, members = x.members, found = x.found, expected = x.expected,
        diff = x.difference, message = x.message }
    end
  end
  return table.concat(out, "\n") .. "\n"
end

-- RFC 4180 CSV: a row a total (section 'total'), then a row a violation ('violation:error'),
-- its rule as the set, the scenario's letter as the code, the expected amount as the base and
-- the found amount and difference under that scenario's columns.
local function as_csv(v)
  local head = { "section", "set", "code", "name", "base" }
  for _, s in ipairs(v.scenarios) do head[#head + 1] = s.key; head[#head + 1] = s.key .. "-base" end
  for k = 2, #v.scenarios do head[#head + 1] = v.scenarios[k].key .. "-" .. v.scenarios[1].key end
  local out = { table.concat(head, ",") }
  local function line(f)
    for i, x in ipairs(f) do f[i] = report.csv_field(tostring(x)) end
    out[#out + 1] = table.concat(f, ",")
  end
  local function plain(m) return m:plain() end
  for _, t in ipairs(v.tables) do
    for _, r in ipairs(t.rows) do
      local cells = row_cells(r, plain)
      table.insert(cells, 1, t.set)
      table.insert(cells, 1, "total")
      line(cells)
    end
  end
  for k, s in ipairs(v.scenarios) do  -- under the scenario's own columns: found, and found − expected
    for _, x in ipairs(s.violations) do
      local cells = { "violation:" .. x.severity, x.rule, s.key, table.concat(x.members, " / "), plain(x.expected) }
      for j = 1, #v.scenarios do
        cells[#cells + 1] = j == k and plain(x.found) or ""
        cells[#cells + 1] = j == k and plain(x.difference) or ""
      end
      for _ = 2, #v.scenarios do cells[#cells + 1] = "" end
      line(cells)
    end
  end
  return table.concat(out, "\r\n") .. "\r\n"
end

-- The page: the scenarios, bars per 类 of every set, the totals table, each one's violations.
local function as_html(v, base, entries)
  local html = require "budget.report.html"
  local esc = require("budget.report.svg").escape
  local parts = { string.format("<h1>Comparison of %d scenarios</h1>", #v.scenarios),
                  string.format('<p class="meta">Model: %s%s</p>', esc(v.model),
                    v.model_name and (" (" .. esc(v.model_name) .. ")") or "") }
  local rows = {}
  for _, s in ipairs(v.scenarios) do
    rows[#rows + 1] = { class = s.counts.error > 0 and "violation error" or nil, cells = {
      html.text_cell(s.key), html.text_cell(s.name), html.text_cell(s.script),
      html.text_cell(tostring(s.counts.error), "num"), html.text_cell(tostring(s.counts.warning), "num") } }
  end
  parts[#parts + 1] = html.table({ { "" }, { "scenario" }, { "script" }, { "errors", true }, { "warnings", true } }, rows)
  local scenarios, names = {}, {}
  for i, e in ipairs(entries) do scenarios[i] = e.scenario; names[i] = v.scenarios[i].key .. " " .. e.scenario.name end
  for _, t in ipairs(v.tables) do
    parts[#parts + 1] = string.format("<h2>%s by %s (%s)</h2>", esc(t.set), esc(t.dimension), esc(t.unit))
    parts[#parts + 1] = html.class_bars(base, t.set, scenarios, names)
    local head, numeric = columns(v)
    local hh = {}
    for i, h in ipairs(head) do hh[i] = { h, numeric[i] } end
    local trs = {}
    for i, r in ipairs(t.rows) do
      local cells = { html.text_cell(r.code), html.text_cell(r.name, r.depth == 1 and "d1" or nil), html.amount_cell(r.base) }
      for k = 1, #r.values do
        cells[#cells + 1] = html.amount_cell(r.values[k])
        cells[#cells + 1] = html.amount_cell(r.changes[k], true)
      end
      for _, d in ipairs(r.differences) do cells[#cells + 1] = html.amount_cell(d, true) end
      trs[#trs + 1] = { class = i == 1 and "total" or nil, cells = cells }
    end
    parts[#parts + 1] = html.table(hh, trs)
  end
  parts[#parts + 1] = "<h2>Violations</h2>"
  for _, s in ipairs(v.scenarios) do
    parts[#parts + 1] = string.format("<h3>%s %s</h3>", esc(s.key), esc(s.name))
    parts[#parts + 1] = html.violations(s)
  end
  return html.page("Comparison: " .. table.concat(names, ", "), parts)
end

-- }==================================================================

-- {==================================================================
-- The command
-- ===================================================================

-- budget compare MODEL SCRIPT... [--format FMT] [-o FILE] [--trusted] [--allow DIR]...
function M.command(args, cli)
  local bad = cli.bad
  local pos, opts = cli.parse(args, { format = true, output = true, trusted = "flag", allow = "list" })
  if not pos then return bad("compare: %s", opts) end
  local trusted, allow, output = opts.trusted or false, opts.allow, opts.output
  if #pos < 2 then return bad("compare: expected a model and one or more scripts: budget compare MODEL A.lua B.lua ...") end
  local fmt = opts.format or "table"
  if not (report.FORMATS[fmt] or fmt == "html") then
    return bad("compare: unknown format '%s': expected table, csv, json, md or html", fmt)
  end
  local entries = {}
  for k = 2, #pos do
    local made, err = M.last_scenario(cli, pos[1], pos[k], trusted, allow, "compare")
    if not made then return bad("%s", err) end
    entries[#entries + 1] = { script = pos[k], scenario = made }
  end
  local base, err = cli.load_model(pos[1])  -- the base the table shows: one no script has touched
  if not base then return bad("%s", err) end
  local text, errors = nil, 0
  local ok, e = pcall(function()
    local v = M.value(base, entries)
    if fmt == "html" then text = as_html(v, base, entries)
    elseif fmt == "csv" then text = as_csv(v)
    elseif fmt == "json" then text = C.json(v, true) .. "\n"
    else text = as_text(v, fmt == "md") end
    for _, s in ipairs(v.scenarios) do errors = errors + s.counts.error end
  end)
  if not ok then return bad("%s", e) end
  local done, werr = cli.emit(text, output)
  if not done then return bad("%s", werr) end
  return errors > 0 and EXIT_VIOLATIONS or EXIT_DONE
end

-- The last scenario the script at 'path' makes, run sandboxed on its own load of the model at
-- 'model_path' (what one script does to its tables, no other sees); or nil and the message.
-- 'what' says what the scenario is for, in the message of a script that makes none.
function M.last_scenario(cli, model_path, path, trusted, allow, what)
  local sandbox, run = require "budget.sandbox", require "budget.run"
  local model, err = cli.load_model(model_path)
  if not model then return nil, err end
  local f, ferr = io.open(path, "rb")
  if not f then return nil, string.format("%s: cannot read the script: %s", path, (ferr:gsub("^.-: ", ""))) end
  local src = f:read("a")
  f:close()
  local dirs = { ".", path:match("^(.*)/[^/]*$") or "." }
  for _, d in ipairs(allow or {}) do dirs[#dirs + 1] = d end
  local limits = { trusted = trusted, allow = dirs }
  local ctx = run.new()  -- what a script reports of itself is not what the command prints
  local ok, rerr = sandbox.run(src, path, sandbox.env({}, { model = model, context = ctx }, limits), limits)
  if not ok then return nil, rerr end
  local made = ctx.made[#ctx.made]
  if not made then return nil, string.format("%s: the script made no scenario to %s (model:scenario(name))", path, what) end
  if made.base.core ~= model.core then return nil, string.format("%s: its scenario is not of the model %s", path, model_path) end
  return made, model
end

-- {==================================================================
-- Two years of one department: budget compare-years A.lua B.lua
-- ===================================================================

-- The 类 and 款 of a model's main fact set by its first dimension: {[code] = {name, depth, total}}.
local function classes_of(m)
  local dim = m.main.dims[1]
  local out = {}
  for _, mem in ipairs(m:members(dim)) do
    if mem.depth <= 1 and mem.spaced ~= "" then
      out[mem.spaced] = { name = mem.name, depth = mem.depth,
                          total = m:total({ facts = m.main.name, [dim] = mem.id }) }
    end
  end
  return out
end

-- What the later document states of its change from the earlier year ('财政拨款支出预算比2024年增减'),
-- against what the two models give: {name, stated, computed} for each figure both state.
local function stated_changes(a, b)
  local out = {}
  local year = tostring(a.info.year or "")
  for _, sc in ipairs(b.scalar_list or {}) do
    local what = sc.name:match("^(.-)比" .. year .. "年增减$")
    if year ~= "" and what and b.scalars[what] and a.scalars[what] and sc.value then
      local was, now = a.scalars[what].value, b.scalars[what].value
      if was and now then out[#out + 1] = { name = what, stated = sc.value, computed = now - was } end
    end
  end
  return out
end

-- The comparison as a view grid (report.view prints it in every format): a row for every 类 and
-- 款 either year has, with A, B, the change and the change in percent.
function M.years_grid(a, b)
  local ca, cb = classes_of(a), classes_of(b)
  local codes, seen = {}, {}
  for _, t in ipairs { ca, cb } do
    for code in pairs(t) do if not seen[code] then seen[code] = true; codes[#codes + 1] = code end end
  end
  table.sort(codes)
  local ZERO = C.fen(0)
  local function label(m, key) return tostring(m.info.year or key) end
  local rows = {}
  local function row(kind, code, name, depth, x, y)
    rows[#rows + 1] = { kind = kind, key = code ~= "" and code or name, code = code, label = name, depth = depth,
                        values = { x, y, y - x, C.percent(y - x, x) } }
  end
  row("total", "", "总计", nil, a:total({ facts = a.main.name }), b:total({ facts = b.main.name }))
  for _, code in ipairs(codes) do
    local ra, rb = ca[code], cb[code]
    row("member", code, (rb or ra).name, (rb or ra).depth, ra and ra.total or ZERO, rb and rb.total or ZERO)
  end
  local dim = b.main.dims[1]
  return {
    name = "compare-years", unit = "元", decimals = 2,
    title = string.format("%s → %s", a.info.name or a.file, b.info.name or b.file),
    blocks = { { columns = { label(a, "A"), label(b, "B"), "增减", "增减率" }, dimension = dim,
                 code_label = dim .. "科目编码", name_label = dim .. "科目名称", rows = rows } },
  }, stated_changes(a, b)
end

-- budget compare-years A.lua B.lua [--format FMT] [-o FILE]: two models of one department (two
-- years) by 类 and 款, with what the later document says it changed by, checked against both.
function M.years_command(args, cli)
  local bad = cli.bad
  local pos, opts = cli.parse(args, { format = true, output = true })
  if not pos then return bad("compare-years: %s", opts) end
  if #pos ~= 2 then return bad("compare-years: expected two models: budget compare-years A.lua B.lua [--format FMT]") end
  local fmt = opts.format or "table"
  if not report.FORMATS[fmt] then return bad("compare-years: unknown format '%s': expected table, csv, json or md", fmt) end
  local a, err = cli.load_model(pos[1])
  if not a then return bad("%s", err) end
  local b, berr = cli.load_model(pos[2])
  if not b then return bad("%s", berr) end
  if a.main.dims[1] ~= b.main.dims[1] then
    return bad("compare-years: %s's spending is by %s, %s's by %s: not the same classification", pos[1],
      a.main.dims[1], pos[2], b.main.dims[1])
  end
  local ok, grid, changes = pcall(M.years_grid, a, b)
  if not ok then return bad("%s", grid) end
  local text = report.view(grid, fmt, b)
  if (fmt == "table" or fmt == "md") and #changes > 0 then
    local lines = { "", (fmt == "md" and "### " or "") .. "What the later document says it changed by" }
    for _, c in ipairs(changes) do
      local same = c.stated:round(C.money("0.01万元")) == c.computed:round(C.money("0.01万元"))
      lines[#lines + 1] = string.format("%s%s: stated %s, the two models give %s%s", fmt == "md" and "- " or "",
        c.name, c.stated:format("万元"), c.computed:format("万元"), same and "" or " (they differ)")
    end
    text = text .. table.concat(lines, "\n") .. "\n"
  end
  local done, werr = cli.emit(text, opts.output)
  if not done then return bad("%s", werr) end
  return 0
end

-- }==================================================================

return M
