-- engine/lua/report/html.lua
-- The HTML reports of 'run', 'compare' and 'batch': one self-contained page
-- each (its style inline, its charts inline SVG from engine/lua/svg.lua, no
-- script, nothing fetched), with the same tables and exact amounts as the
-- text reports and the violations highlighted.
-- See LICENSE for copyright and license.

local C = require "budget.c"
local svg = require "budget.report.svg"
local report = require "budget.report"

local M = {}

local esc = svg.escape
local ZERO = C.fen(0)

local STYLE = [[
body { font: 14px/1.45 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
       color: #1f2328; margin: 24px auto; max-width: 1100px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 15px; margin: 18px 0 6px; } .meta { color: #57606a; margin: 0 0 12px; }
table { border-collapse: collapse; margin: 6px 0 14px; } th, td { padding: 3px 10px; border-bottom: 1px solid #eaeef2; }
th { text-align: left; background: #f6f8fa; font-weight: 600; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 600; } td.d1 { padding-left: 26px; } .neg { color: #b42318; } .pos { color: #1a7f37; }
tr.violation.error td { background: #ffebe9; } tr.violation.warning td { background: #fff8c5; }
.ok { color: #1a7f37; font-weight: 600; } .bad { color: #b42318; font-weight: 600; }
svg.chart { display: block; margin: 8px 0 18px; background: #fff; border: 1px solid #eaeef2; }
svg { font-family: inherit; } svg .grid { stroke: #eaeef2; } svg .tick, svg .note, svg .legend { font-size: 11px; fill: #57606a; }
svg .label { font-size: 11px; fill: #1f2328; } svg .amount { font-size: 10px; fill: #1f2328; } svg .panel { font-size: 12px; font-weight: 600; }
svg .bar.total { fill: #54aeff; } svg .bar.down { fill: #e5534b; } svg .bar.up { fill: #2da44e; }
svg .link { stroke: #8c959f; stroke-dasharray: 3 3; } svg .series { fill: none; stroke: #0969da; stroke-width: 2; }
svg .point { fill: #0969da; } svg .bar.error { fill: #e5534b; } svg .bar.warning { fill: #d4a72c; } svg .bar.clean { fill: #8c959f; } svg .bar.failed { fill: #6e7781; fill-opacity: .35; stroke: #b42318; stroke-dasharray: 2 2; }
svg .s0 { fill: #8c959f; } svg .s1 { fill: #0969da; } svg .s2 { fill: #bf8700; } svg .s3 { fill: #8250df; } svg .s4 { fill: #1a7f37; } svg .s5 { fill: #cf222e; }
pre { background: #f6f8fa; padding: 8px; overflow-x: auto; }
]]

-- {==================================================================
-- Pieces
-- ===================================================================

-- A page: the title, the parts in order.
function M.page(title, parts)
  return table.concat {
    '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n',
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
    '<title>', esc(title), '</title>\n<style>\n', STYLE, '</style>\n</head>\n<body>\n',
    table.concat(parts, "\n"), '\n</body>\n</html>\n',
  }
end

-- An amount for a cell of a table, with a class saying which way it moved when 'signed'.
local function amount_cell(m, signed)
  if m == nil then return '<td class="num"></td>' end
  local class = "num"
  if signed and m < ZERO then class = "num neg" elseif signed and m > ZERO then class = "num pos" end
  return string.format('<td class="%s">%s</td>', class, esc(tostring(m)))
end
M.amount_cell = amount_cell

-- A table: head is a list of {text, numeric}; each row {cells = {html...}, class = "..."}.
function M.table(head, rows)
  local out = { "<table>", "<thead><tr>" }
  for _, h in ipairs(head) do out[#out + 1] = string.format('<th%s>%s</th>', h[2] and ' class="num"' or "", esc(h[1])) end
  out[#out + 1] = "</tr></thead><tbody>"
  for _, r in ipairs(rows) do
    out[#out + 1] = string.format("<tr%s>%s</tr>", r.class and (' class="' .. r.class .. '"') or "", table.concat(r.cells))
  end
  out[#out + 1] = "</tbody></table>"
  return table.concat(out, "\n")
end

local function text_cell(s, class)
  return string.format('<td%s>%s</td>', class and (' class="' .. class .. '"') or "", esc(s or ""))
end
M.text_cell = text_cell

-- A fen count (an integer or a float from the charts' geometry) as the tables write amounts.
local function fen_text(f)
  return tostring(C.fen(math.floor(f + 0.5)))
end

local function chart_value(m)
  return { fen = m:fen(), amount = tostring(m) }
end

-- The violations of a report value: a row each, highlighted by severity.
function M.violations(v)
  if #v.violations == 0 then return '<p class="ok">No rule is broken.</p>' end
  local rows = {}
  for _, x in ipairs(v.violations) do
    rows[#rows + 1] = { class = "violation " .. x.severity, cells = {
      text_cell(x.severity), text_cell(x.rule), text_cell(table.concat(x.members, " / ")), amount_cell(x.found),
      amount_cell(x.expected), amount_cell(x.difference, true), text_cell(x.message) } }
  end
  return string.format('<p class="bad">%d error%s, %d warning%s</p>', v.counts.error, v.counts.error == 1 and "" or "s",
    v.counts.warning, v.counts.warning == 1 and "" or "s") .. "\n" .. M.table({ { "severity" }, { "rule" }, { "members" },
    { "found", true }, { "expected", true }, { "difference", true }, { "why" } }, rows)
end

-- }==================================================================

-- {==================================================================
-- A scenario
-- ===================================================================

local function totals_table(t)
  local rows = {}
  for i, r in ipairs(t.rows) do
    rows[#rows + 1] = { class = i == 1 and "total" or nil, cells = {
      text_cell(r.code), text_cell(r.label), amount_cell(r.base), amount_cell(r.value), amount_cell(r.change, true),
      text_cell(r.percent or "", "num") } }
  end
  return M.table({ { "code" }, { "name" }, { "base", true }, { "scenario", true }, { "change", true }, { "change %", true } },
    rows)
end

-- The waterfall chart of a fact set's grand total: the base, each step that moved it, the scenario.
local function waterfall_chart(s, v, setname)
  local set = s.base.set_by_name[setname]
  local b, n = s.base:total { facts = setname }, s:total { facts = setname }
  local bars = { { label = "base", kind = "total", from = 0, to = b:fen(), amount = tostring(b),
                   tip = "base: " .. tostring(b) } }
  local running = b
  for _, st in ipairs(v.steps) do
    local d = report.step_move(st, setname)
    if d then
      bars[#bars + 1] = { label = "#" .. st.n, kind = "step", from = running:fen(), to = (running + d):fen(),
                          amount = tostring(d), tip = string.format("#%d (line %s) %s: %s", st.n, tostring(st.line or "-"),
                            st.operation, tostring(d)) }
      running = running + d
    end
  end
  bars[#bars + 1] = { label = "scenario", kind = "total", from = 0, to = n:fen(), amount = tostring(n),
                      tip = "scenario: " .. tostring(n) }
  return svg.waterfall(string.format("Waterfall of %s 总计 (元), %s", setname, set.dims[1]), bars, fen_text)
end

-- Bars of base against the scenarios for each 类 (top level) of a fact set's first dimension.
function M.class_bars(base, setname, scenarios, names)
  local set = base.set_by_name[setname]
  local dim = set.dims[1]
  local groups = {}
  for _, mem in ipairs(base:members(dim)) do
    if mem.depth == 0 then
      local ref = { facts = setname, [dim] = mem.id }
      local values = { chart_value(base:total(ref)) }
      for _, s in ipairs(scenarios) do values[#values + 1] = chart_value(s:total(ref)) end
      groups[#groups + 1] = { label = (mem.spaced ~= "" and (mem.spaced .. " ") or "") .. mem.name, values = values }
    end
  end
  local series = { "base" }
  for _, nm in ipairs(names) do series[#series + 1] = nm end
  return svg.grouped(string.format("%s by %s: base and %s (元)", setname, dim, table.concat(names, ", ")), groups,
    series, fen_text)
end

local function steps_table(v)
  local sets = report.step_sets(v)
  local head = { { "#", true }, { "line", true }, { "layer" }, { "operation" } }
  for _, set in ipairs(sets) do head[#head + 1] = { set .. " 总计", true } end
  local rows = {}
  for _, st in ipairs(v.steps) do
    local cells = { text_cell(tostring(st.n), "num"), text_cell(st.line and tostring(st.line) or "", "num"),
                    text_cell(st.layer), text_cell(st.operation) }
    for _, set in ipairs(sets) do cells[#cells + 1] = amount_cell(report.step_move(st, set), true) end
    rows[#rows + 1] = { cells = cells }
  end
  return M.table(head, rows)
end

local function waterfall_table(w)
  local head = { { "code" }, { "name" }, { "base", true } }
  for _, c in ipairs(w.steps) do head[#head + 1] = { "#" .. c.n, true } end
  head[#head + 1] = { "scenario", true }
  head[#head + 1] = { "change", true }
  local rows = {}
  for i, r in ipairs(w.rows) do
    local cells = { text_cell(r.code), text_cell(r.name, r.depth == 1 and "d1" or nil), amount_cell(r.base) }
    for k = 1, #w.steps do cells[#cells + 1] = r.steps[k] == ZERO and '<td class="num"></td>' or amount_cell(r.steps[k], true) end
    cells[#cells + 1] = amount_cell(r.value)
    cells[#cells + 1] = amount_cell(r.change, true)
    rows[#rows + 1] = { class = i == 1 and "total" or nil, cells = cells }
  end
  return M.table(head, rows)
end

-- One scenario's section: totals, waterfall, bars per 类, steps, layers, violations, cells.
function M.scenario_section(s)
  local v = report.scenario_value(s, true)
  local out = { string.format('<section class="scenario"><h1>Scenario: %s</h1>', esc(v.scenario)),
                string.format('<p class="meta">Model: %s%s</p>', esc(v.model),
                  v.model_name and (" (" .. esc(v.model_name) .. ")") or "") }
  out[#out + 1] = "<h2>Violations</h2>"
  out[#out + 1] = M.violations(v)
  out[#out + 1] = "<h2>Totals</h2>"
  if #v.totals == 0 then out[#out + 1] = "<p>No amount changed.</p>" end
  for _, t in ipairs(v.totals) do
    out[#out + 1] = string.format("<h3>%s by %s (%s)</h3>", esc(t.set), esc(t.dimension), esc(t.unit))
    out[#out + 1] = totals_table(t)
  end
  local sets = report.step_sets(v)
  if #v.steps > 0 then
    out[#out + 1] = "<h2>Where the change came from</h2>"
    for _, setname in ipairs(sets) do
      out[#out + 1] = string.format("<h3>%s 总计: the base, each step, the scenario (元)</h3>", esc(setname))
      out[#out + 1] = waterfall_chart(s, v, setname)
    end
    out[#out + 1] = "<h3>The steps</h3>"
    out[#out + 1] = steps_table(v)
    for _, note in ipairs(report.rounding_lines(v)) do out[#out + 1] = '<p class="note">' .. esc(note) .. "</p>" end
    for _, setname in ipairs(sets) do
      local w = report.waterfall(s, v, setname)
      out[#out + 1] = string.format("<h3>%s by %s (元), what each step moved</h3>", esc(w.set), esc(w.dimension))
      out[#out + 1] = waterfall_table(w)
    end
  end
  if #v.layers > 1 then
    out[#out + 1] = "<h2>Layers</h2>"
    local head = { { "layer" }, { "steps" } }
    for _, set in ipairs(sets) do head[#head + 1] = { set .. " 总计", true } end
    local rows = {}
    for _, l in ipairs(v.layers) do
      local cells = { text_cell(l.name), text_cell(l.first == l.last and tostring(l.first) or (l.first .. "–" .. l.last)) }
      for _, set in ipairs(sets) do
        local d
        for _, m in ipairs(l.moves) do if m.set == set then d = m.total end end
        cells[#cells + 1] = amount_cell(d, true)
      end
      rows[#rows + 1] = { cells = cells }
    end
    out[#out + 1] = M.table(head, rows)
  end
  if #v.totals > 0 then
    out[#out + 1] = "<h2>Base and scenario by 类</h2>"
    for _, t in ipairs(v.totals) do
      out[#out + 1] = string.format("<h3>%s by %s (元)</h3>", esc(t.set), esc(t.dimension))
      out[#out + 1] = M.class_bars(s.base, t.set, { s }, { "scenario" })
    end
  end
  if #v.cells > 0 then
    out[#out + 1] = "<h2>Changed cells (元)</h2>"
    local rows = {}
    for _, c in ipairs(v.cells) do
      rows[#rows + 1] = { cells = { text_cell(c.set), text_cell(c.cell), amount_cell(c.base), amount_cell(c.value),
                                    amount_cell(c.change, true) } }
    end
    out[#out + 1] = M.table({ { "set" }, { "cell" }, { "base", true }, { "scenario", true }, { "change", true } }, rows)
  end
  out[#out + 1] = "</section>"
  return table.concat(out, "\n")
end

-- The page of 'budget run': every scenario the script made, then what it printed.
function M.run_page(script, scenarios, printed)
  local parts = {}
  local names = {}
  for _, s in ipairs(scenarios) do
    parts[#parts + 1] = M.scenario_section(s)
    names[#names + 1] = s.name
  end
  if #scenarios == 0 then parts[#parts + 1] = "<h1>" .. esc(script) .. "</h1><p>The script made no scenario.</p>" end
  if printed ~= "" then parts[#parts + 1] = "<h2>What the script printed</h2><pre>" .. esc(printed) .. "</pre>" end
  return M.page(string.format("%s: %s", script, table.concat(names, ", ")), parts)
end

-- }==================================================================

-- {==================================================================
-- A batch
-- ===================================================================

-- RFC 4180 text (what 'budget batch' writes) as a list of records, each a list of fields.
function M.parse_csv(text)
  local records, fields, i, n = {}, {}, 1, #text
  while i <= n do
    local field
    if text:sub(i, i) == '"' then
      local parts, j = {}, i + 1
      while true do
        local q = text:find('"', j, true)
        if not q then error("batch rows: a quoted field is not closed", 0) end
        parts[#parts + 1] = text:sub(j, q - 1)
        if text:sub(q + 1, q + 1) == '"' then
          parts[#parts + 1] = '"'
          j = q + 2
        else
          i = q + 1
          break
        end
      end
      field = table.concat(parts)
    else
      local e = text:find("[,\r\n]", i) or n + 1
      field = text:sub(i, e - 1)
      i = e
    end
    fields[#fields + 1] = field
    local c = text:sub(i, i)
    if c == "," then
      i = i + 1
    else  -- the end of a record: CRLF, LF or the end of the text
      records[#records + 1] = fields
      fields = {}
      i = i + (text:sub(i, i + 1) == "\r\n" and 2 or 1)
    end
  end
  return records
end

local AMOUNT = "^%-?%d+%.%d%d$"

-- The page of 'budget batch': the sweep chart (the points against each amount column and the
-- violations), then every row. 'names' are the parameters; 'text' the rows as CSV.
function M.batch_page(script, model_path, names, text)
  local records = M.parse_csv(text)
  local header = table.remove(records, 1) or {}
  local col = {}
  for i, h in ipairs(header) do col[h] = i end
  local labels, counts, failed = {}, {}, {}
  for r, rec in ipairs(records) do
    if #rec < #header then  -- a point that failed before any succeeded: point, parameters, error
      local whole = {}
      for i = 1, 1 + #names do whole[col[header[i]] or i] = rec[i] end
      whole[col.error or #header] = rec[#rec]
      for i = 1, #header do whole[i] = whole[i] or "" end
      records[r], rec = whole, whole
    end
    local parts = {}
    for _, nm in ipairs(names) do parts[#parts + 1] = #names == 1 and rec[col[nm]] or (nm .. "=" .. rec[col[nm]]) end
    labels[r] = #parts > 0 and table.concat(parts, ", ") or ("point " .. rec[1])
    failed[r] = col.error ~= nil and rec[col.error] ~= nil and rec[col.error] ~= "" and rec[col.error] or nil
    counts[r] = { errors = tonumber(rec[col.errors]) or 0, warnings = tonumber(rec[col.warnings]) or 0,
                  infos = tonumber(rec[col.infos]) or 0, failed = failed[r] }
  end
  local series = {}
  local params = {}
  for _, nm in ipairs(names) do params[nm] = true end
  for i, h in ipairs(header) do  -- every column of amounts (the grand total among them); failed points are gaps
    if h ~= "point" and h ~= "error" and not params[h] then
      local values, lo, hi, all = {}, nil, nil, true
      for r, rec in ipairs(records) do
        local x = rec[i]
        if not failed[r] then
          if x == nil or not x:find(AMOUNT) then all = false break end
          local m = C.money(x)
          values[r] = chart_value(m)
          if not lo or m < lo then lo = m end
          if not hi or m > hi then hi = m end
        end
      end
      if all and lo then series[#series + 1] = { name = h, values = values, lo_text = tostring(lo), hi_text = tostring(hi) } end
    end
  end
  local parts = { string.format("<h1>Batch: %s</h1>", esc(script)),
                  string.format('<p class="meta">Model: %s. %d points; parameters: %s.</p>', esc(model_path), #records,
                    esc(#names > 0 and table.concat(names, ", ") or "none")) }
  if #records > 0 then
    parts[#parts + 1] = "<h2>The sweep</h2>"
    parts[#parts + 1] = svg.sweep(string.format("%s against %s", #names > 0 and table.concat(names, ", ") or "points",
      #series > 0 and (function()
        local n = {}
        for k, x in ipairs(series) do n[k] = x.name end
        return table.concat(n, ", ")
      end)() or "violations"), labels, series, counts)
  end
  parts[#parts + 1] = "<h2>Every point</h2>"
  local head = {}
  for i, h in ipairs(header) do head[i] = { h, h ~= "error" and h ~= "point" and not params[h] } end
  local rows = {}
  for r, rec in ipairs(records) do
    local cells = {}
    for i, h in ipairs(header) do
      local x = rec[i] or ""
      if x:find(AMOUNT) then cells[i] = amount_cell(C.money(x))
      else cells[i] = text_cell(x, head[i][2] and "num" or nil) end
    end
    local class
    if failed[r] then class = "violation error"
    elseif counts[r].errors > 0 then class = "violation error"
    elseif counts[r].warnings > 0 then class = "violation warning" end
    rows[r] = { class = class, cells = cells }
  end
  parts[#parts + 1] = M.table(head, rows)
  return M.page(string.format("Batch: %s on %s", script, model_path), parts)
end

-- }==================================================================

-- A scenario's report in any format: "html", the page 'budget run --format html' makes of
-- this scenario alone; the others, engine/lua/report/init.lua's text.
function M.report(s, fmt, explain)
  if fmt == "html" then return M.run_page(s.name, { s }, "") end
  return report.scenario(s, fmt, explain)
end

return M
