-- engine/lua/report/init.lua (budget.report)
-- Writing rendered views and violations as text: an aligned table for a
-- terminal (CJK characters two columns wide), CSV, JSON and Markdown.
-- See LICENSE for copyright and license.

local C = require "budget.c"
local steps = require "budget.steps"
local rules = require "budget.rules"

local M = {}

local ZERO = C.fen(0)

-- {==================================================================
-- Figures and cells
-- ===================================================================

-- A figure as the view prints it; blank for zero where the document leaves it blank. A string
-- is a figure as the document printed it ('96282213.44', '0', ''): it stays as it is.
local function figure(m, grid, fmt)
  if m == nil then return "" end
  if type(m) == "string" then return m end
  if type(m) == "number" then return tostring(m) end
  if fmt ~= "csv" and fmt ~= "json" and m == ZERO then return "" end
  local unit = grid.unit
  return m:format { unit = unit == "元" and "元" or unit, decimals = grid.decimals,
                    grouping = fmt ~= "csv" and fmt ~= "json", suffix = false }
end

-- The mark after the name of a row the cells give and the document does not print.
local NOT_PRINTED = " [not printed]"
M.NOT_PRINTED = NOT_PRINTED

-- One block's lines of cells (strings), with which cells are numbers (right-aligned).
local function block_cells(grid, gb, fmt)
  local header, numeric, lines = {}, {}, {}
  local has_code = gb.code_label ~= nil
  if has_code then header[#header + 1] = gb.code_label; numeric[#numeric + 1] = false end
  header[#header + 1] = gb.name_label; numeric[#numeric + 1] = false
  for _, c in ipairs(gb.columns) do header[#header + 1] = c; numeric[#numeric + 1] = true end
  for _, row in ipairs(gb.rows) do
    local cells = {}
    if has_code then cells[#cells + 1] = row.kind == "member" and row.code or row.label end
    if row.kind == "member" then
      local indent = (fmt == "table" and row.depth) and string.rep("  ", row.depth) or ""
      cells[#cells + 1] = has_code and (indent .. row.label) or row.label
    elseif not has_code then
      cells[#cells + 1] = row.label
    else
      cells[#cells + 1] = ""
    end
    if row.printed == false then cells[#cells] = cells[#cells] .. NOT_PRINTED end
    for c = 1, #gb.columns do cells[#cells + 1] = figure(row.values[c], grid, fmt) end
    lines[#lines + 1] = cells
  end
  return header, numeric, lines
end

-- The blocks of a grid laid side by side: header, numeric flags, and lines of cells.
-- A shorter block is padded with empty lines before its last (total) row, as the documents do.
local function side_by_side(grid, fmt)
  local header, numeric, parts = {}, {}, {}
  local height = 0
  for i, gb in ipairs(grid.blocks) do
    local h, n, lines = block_cells(grid, gb, fmt)
    parts[i] = { header = h, lines = lines, width = #h, total_last = #gb.rows > 0 and gb.rows[#gb.rows].kind ~= "member"
                 and #grid.blocks > 1 }
    for _, x in ipairs(h) do header[#header + 1] = x end
    for _, x in ipairs(n) do numeric[#numeric + 1] = x end
    if #lines > height then height = #lines end
  end
  local out = {}
  for r = 1, height do out[r] = {} end
  for _, p in ipairs(parts) do
    local lines = p.lines
    if #lines < height and p.total_last then  -- pad before the total row
      local last = table.remove(lines)
      while #lines < height - 1 do lines[#lines + 1] = {} end
      lines[#lines + 1] = last
    end
    for r = 1, height do
      local src = lines[r] or {}
      for c = 1, p.width do out[r][#out[r] + 1] = src[c] or "" end
    end
  end
  return header, numeric, out
end

-- }==================================================================

-- {==================================================================
-- Formats
-- ===================================================================

local function subtitle(grid, model)
  local dept = model and (model.info.department or model.info.name)
  return string.format("%s单位：%s", dept and ("编制部门：" .. dept .. " ") or "", grid.unit)
end

local function pad(s, width, right)
  local fill = string.rep(" ", width - C.width(s))
  return right and (fill .. s) or (s .. fill)
end

-- Lines of cells as aligned text: numeric columns right-aligned, by display width.
local function align(lines, numeric)
  local widths = {}
  for _, cells in ipairs(lines) do
    for c, s in ipairs(cells) do
      local w = C.width(s)
      if w > (widths[c] or 0) then widths[c] = w end
    end
  end
  local out = {}
  for i, cells in ipairs(lines) do
    local parts = {}
    for c = 1, #widths do parts[c] = pad(cells[c] or "", widths[c], numeric[c]) end
    out[i] = table.concat(parts, "  "):match("^(.*%S)") or ""
  end
  return out
end

-- An aligned table for a terminal.
local function as_table(grid, model)
  local header, numeric, lines = side_by_side(grid, "table")
  table.insert(lines, 1, header)
  local out = { grid.title, subtitle(grid, model), "" }
  local titles = {}
  for _, gb in ipairs(grid.blocks) do if gb.title then titles[#titles + 1] = gb.title end end
  if #titles > 0 then out[#out + 1] = table.concat(titles, "    ") end
  for _, l in ipairs(align(lines, numeric)) do out[#out + 1] = l end
  return table.concat(out, "\n") .. "\n"
end

local function csv_field(s)
  if s:find('[,"\n\r]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end
M.csv_field = csv_field

-- RFC 4180 CSV: a header line, then a line per row; figures without separators, zero as 0.
local function as_csv(grid)
  local header, _, lines = side_by_side(grid, "csv")
  local out = {}
  local function line(cells)
    local f = {}
    for c = 1, #header do f[c] = csv_field(cells[c] or "") end
    out[#out + 1] = table.concat(f, ",")
  end
  line(header)
  for _, cells in ipairs(lines) do line(cells) end
  return table.concat(out, "\r\n") .. "\r\n"
end

-- A Markdown table.
local function as_md(grid, model)
  local header, numeric, lines = side_by_side(grid, "md")
  local out = { "### " .. grid.title, "", subtitle(grid, model), "" }
  local function line(cells)
    local f = {}
    for c = 1, #header do f[c] = (cells[c] or ""):gsub("|", "\\|") end
    out[#out + 1] = "| " .. table.concat(f, " | ") .. " |"
  end
  line(header)
  local rule = {}
  for c = 1, #header do rule[c] = numeric[c] and "---:" or "---" end
  out[#out + 1] = "| " .. table.concat(rule, " | ") .. " |"
  for _, cells in ipairs(lines) do line(cells) end
  return table.concat(out, "\n") .. "\n"
end

-- The grid as a JSON-ready value: figures as decimal strings in the view's unit.
local function as_value(grid)
  local blocks = {}
  for i, gb in ipairs(grid.blocks) do
    local rows = {}
    for r, row in ipairs(gb.rows) do
      local vals = {}
      for c = 1, #gb.columns do vals[c] = figure(row.values[c], grid, "json") end
      -- printed: false for a row the document does not print; model_code: the code the model
      -- mended a misprinted one to (code is as printed)
      rows[r] = { code = row.kind == "member" and row.code or nil, model_code = row.model_code, name = row.label,
                  kind = row.kind, depth = row.depth, values = vals }
      if row.printed == false then rows[r].printed = false end
    end
    -- figures: "printed" where the values are the document's words, "cells" where the cells give them
    blocks[i] = { title = gb.title, columns = gb.columns, figures = gb.printed and "printed" or nil, rows = rows }
  end
  return { name = grid.name, title = grid.title, unit = grid.unit, decimals = grid.decimals, blocks = blocks }
end
M.as_value = as_value

M.FORMATS = { table = true, csv = true, json = true, md = true }

-- A rendered view in one format: "table", "csv", "json" or "md".
function M.view(grid, fmt, model)
  if fmt == "csv" then return as_csv(grid) end
  if fmt == "json" then return C.json(as_value(grid), true) .. "\n" end
  if fmt == "md" then return as_md(grid, model) end
  return as_table(grid, model)
end

-- }==================================================================

-- {==================================================================
-- Violations
-- ===================================================================

-- One line per violation: severity, rule, members, found, expected, difference, and why when the
-- rule says more than its figures.
function M.violation(v)
  if v.no_figures then  -- a finding about a code or a note, not about an amount
    return string.format("%s: %s: %s (%s)", v.severity, v.rule, table.concat(v.members, " / "), v.message)
  end
  local line = string.format("%s: %s: %s: found %s, expected %s, difference %s", v.severity, v.rule,
    table.concat(v.members, " / "), tostring(v.found), tostring(v.expected), tostring(v.diff))
  if v.message == rules.sentence(v) then return line end  -- it says only what the figures say
  return line .. " (" .. v.message .. ")"
end

-- }==================================================================

-- {==================================================================
-- A scenario's report
-- ===================================================================

local SEVERITY_ORDER = { "error", "warning", "info" }

-- A scenario's violations as plain values, in rule order, and their counts by severity.
function M.violations_value(s)
  local list, counts = {}, { error = 0, warning = 0, info = 0 }
  for _, x in ipairs(s:violations()) do
    list[#list + 1] = { severity = x.severity, rule = x.rule, members = x.members, found = x.found,
                        expected = x.expected, difference = x.diff, message = x.message }
    counts[x.severity] = counts[x.severity] + 1
  end
  return list, counts
end

-- {==================================================================
-- The prior year, as the document states it
-- ===================================================================

-- The figures whose change from the prior year the document states ('财政拨款支出预算比2020年增减'),
-- each {name, year, prior, base, scenario}: the prior year's figure is the stated one less its
-- change (at the precision the prose prints), base and scenario are the table cell a rule ties the
-- prose figure to, rendered from the cells. A figure no rule ties to a table is left out.
function M.prior_year(s)
  local base, out = s.base, {}
  local view = require "budget.view"
  local rendered = {}
  local function cell_of(m, at)
    local v = base.view_by_name[at[1]]
    if not v then return nil end
    local key = (m == base and "base:" or "s:") .. at[1]
    rendered[key] = rendered[key] or view.render(base, v, m)
    for _, blk in ipairs(rendered[key].blocks) do
      for c, label in ipairs(blk.columns) do
        if label == at[3] or c == at[3] then
          for _, row in ipairs(blk.rows) do
            if row.key == at[2] and type(row.values[c]) ~= "string" then return row.values[c] end
          end
        end
      end
    end
  end
  for _, sc in ipairs(base.scalar_list or {}) do
    local what, year = sc.name:match("^(.-)比(%d+)年增减$")
    local stated = what and base.scalars[what]
    if stated and stated.value and sc.value then
      local at
      for _, r in ipairs(base.rules) do
        local l = r.linear
        if l and not at and l.left[1] and l.left[1].label == what and l.right[1] and l.right[1].stated_at then
          at = l.right[1].stated_at
        end
      end
      local b, n = at and cell_of(base, at), at and cell_of(s, at)
      if b and n then
        out[#out + 1] = { name = what, year = year, prior = stated.value - sc.value, base = b, scenario = n,
                          change = n - (stated.value - sc.value) }
      end
    end
  end
  return out
end

-- }==================================================================

-- Everything a report says, as plain values: totals per changed fact set, changed cells,
-- violations, the steps and layers (with 'detail', each step's move of every 类 and 款).
function M.scenario_value(s, detail)
  local base = s.base
  local v = {
    scenario = s.name, model = base.file, model_name = base.info.name, totals = {}, cells = {},
  }
  local diff = s:diff()
  local changed_sets = {}
  for _, d in ipairs(diff) do changed_sets[d.set] = true end
  for _, set in ipairs(base.sets) do
    if changed_sets[set.name] then
      local function row(label, code, sel)
        local b, n = base:total(sel), s:total(sel)
        return { label = label, code = code, base = b, value = n, change = n - b, percent = C.percent(n - b, b) }
      end
      local t = { set = set.name, dimension = set.dims[1], unit = "元", rows = { row("总计", "", { facts = set.name }) } }
      for _, mem in ipairs(base:members(set.dims[1])) do
        if mem.depth <= 1 then
          local r = row(mem.name, mem.spaced, { facts = set.name, [set.dims[1]] = mem.id })
          if r.change ~= ZERO then t.rows[#t.rows + 1] = r end
        end
      end
      v.totals[#v.totals + 1] = t
    end
  end
  for _, d in ipairs(diff) do
    v.cells[#v.cells + 1] = { set = d.set, cell = d.ref, base = d.base, value = d.value, change = d.delta }
  end
  local prior = M.prior_year(s)
  if #prior > 0 then v.prior_year = prior end  -- said only where the document states a prior year
  v.violations, v.counts = M.violations_value(s)
  local ex = steps.explain(s, detail)
  v.steps, v.layers = {}, {}
  v.rounding = {}
  for _, st in ipairs(ex.steps) do
    v.steps[#v.steps + 1] = { n = st.n, line = st.line, layer = st.layer, operation = st.label, moves = st.moves }
    if (st.rounded_cells or 0) > 0 or st.rounded_move then  -- where an amount was rounded, said
      local set = st.moves[1] and s.base.set_by_name[st.moves[1].set]
      local grain = set and set.grain or C.fen(1)
      v.rounding[#v.rounding + 1] = { step = st.n, operation = st.label, cells = st.rounded_cells or 0,
                                      move = st.rounded_move or false,
                                      grain = grain == C.fen(1) and "fen" or (tostring(grain) .. " 元") }
    end
  end
  if #v.rounding == 0 then v.rounding = nil end  -- said only where something was rounded
  for _, l in ipairs(ex.layers) do
    v.layers[#v.layers + 1] = { name = l.name, first = l.first, last = l.last, moves = l.moves }
  end
  return v
end

-- The fact sets the steps moved, in the order they first moved.
local function step_sets(v)
  local sets, seen = {}, {}
  for _, st in ipairs(v.steps) do
    for _, m in ipairs(st.moves) do
      if not seen[m.set] then seen[m.set] = true; sets[#sets + 1] = m.set end
    end
  end
  return sets
end
M.step_sets = step_sets

-- A step's move of one fact set's grand total, or nil if it did not touch the set.
local function step_move(st, set)
  for _, m in ipairs(st.moves) do if m.set == set then return m.total end end
end
M.step_move = step_move

-- The lines of the steps table: a step a line, each fact set's grand total a column.
local function steps_lines(v)
  local sets = step_sets(v)
  local layered = #v.layers > 1
  local head = { "#", "line" }
  if layered then head[#head + 1] = "layer" end
  head[#head + 1] = "operation"
  local numeric = { true, true }
  if layered then numeric[#numeric + 1] = false end
  numeric[#numeric + 1] = false
  for _, set in ipairs(sets) do head[#head + 1] = set .. " 总计"; numeric[#numeric + 1] = true end
  local lines = { head }
  for _, st in ipairs(v.steps) do
    local l = { tostring(st.n), st.line and tostring(st.line) or "" }
    if layered then l[#l + 1] = st.layer end
    l[#l + 1] = st.operation
    for _, set in ipairs(sets) do
      local d = step_move(st, set)
      l[#l + 1] = d and tostring(d) or ""
    end
    lines[#lines + 1] = l
  end
  return lines, numeric
end

-- The waterfall of one fact set: every 类 and 款 total a step moved, a row each, with its
-- base, each step's move, the scenario's amount and the change (the sum of the steps).
function M.waterfall(s, v, setname)
  local base = s.base
  local set = base.set_by_name[setname]
  local cols, by_step, moved = {}, {}, {}
  for _, st in ipairs(v.steps) do
    for _, m in ipairs(st.moves) do
      if m.set == setname then
        local by = {}
        for _, r in ipairs(m.rows) do by[r.k] = r.delta; if r.delta ~= ZERO then moved[r.k] = true end end
        cols[#cols + 1] = { n = st.n, line = st.line, operation = st.operation }
        by_step[#by_step + 1] = by
      end
    end
  end
  local rows = {}
  for k, t in ipairs(steps.tracked(base, set)) do
    if t.depth == -1 or moved[k] then
      local b, n = base.core:total(set.index, t.sel), s.ov:total(set.index, t.sel)
      local r = { code = t.code, name = t.name, depth = t.depth, base = b, value = n, change = n - b, steps = {} }
      for i, by in ipairs(by_step) do r.steps[i] = by[k] or ZERO end
      rows[#rows + 1] = r
    end
  end
  return { set = setname, dimension = set.dims[1], steps = cols, rows = rows }
end

function M.count_line(v)
  local total = #v.violations
  if total == 0 then return "No rule is broken." end
  return string.format("Violations: %d error%s, %d warning%s%s", v.counts.error, v.counts.error == 1 and "" or "s",
    v.counts.warning, v.counts.warning == 1 and "" or "s", v.counts.info > 0 and string.format(", %d info", v.counts.info) or "")
end

-- Appends lines of cells (the first the header) to out: aligned for a terminal, or a Markdown
-- table; then an empty line.
function M.block(out, lines, numeric, md)
  if md then
    local rule = {}
    for c = 1, #lines[1] do rule[c] = numeric[c] and "---:" or "---" end
    table.insert(lines, 2, rule)
    for _, cells in ipairs(lines) do
      local f = {}
      for c = 1, #lines[1] do f[c] = ((cells[c] or ""):gsub("|", "\\|")) end
      out[#out + 1] = "| " .. table.concat(f, " | ") .. " |"
    end
  else
    for _, l in ipairs(align(lines, numeric)) do out[#out + 1] = l end
  end
  out[#out + 1] = ""
end

-- The rounding notes: a line for each step that rounded, saying where.
function M.rounding_lines(v)
  local out = {}
  for _, r in ipairs(v.rounding or {}) do
    local what = {}
    if r.move then what[#what + 1] = string.format("the move rounded to the %s (half away from zero)", r.grain) end
    if r.cells > 0 then
      what[#what + 1] = string.format("rounded to the %s in %d cell%s, largest-remainder spread", r.grain, r.cells,
        r.cells == 1 and "" or "s")
    end
    out[#out + 1] = string.format("Note: step %d (%s): %s.", r.step, r.operation, table.concat(what, "; "))
  end
  return out
end

local function scenario_text(v, md)
  local out = {}
  local function block(lines, numeric) M.block(out, lines, numeric, md) end
  if md then
    out[#out + 1] = "### Scenario: " .. v.scenario
    out[#out + 1] = ""
    out[#out + 1] = "Model: " .. v.model .. (v.model_name and (" (" .. v.model_name .. ")") or "")
  else
    out[#out + 1] = "Scenario: " .. v.scenario
    out[#out + 1] = "Model:    " .. v.model .. (v.model_name and (" (" .. v.model_name .. ")") or "")
  end
  out[#out + 1] = ""
  if #v.totals == 0 then out[#out + 1] = "No amount changed."; out[#out + 1] = "" end
  for _, t in ipairs(v.totals) do
    out[#out + 1] = string.format("%s by %s (%s)", t.set, t.dimension, t.unit)
    if md then out[#out + 1] = "" end
    local lines = { { "code", "name", "base", "scenario", "change", "change %" } }
    for _, r in ipairs(t.rows) do
      lines[#lines + 1] = { r.code, r.label, tostring(r.base), tostring(r.value), tostring(r.change), r.percent or "" }
    end
    block(lines, { false, false, true, true, true, true })
  end
  if v.prior_year then
    out[#out + 1] = "Against the prior year, as the document states it (元)"
    if md then out[#out + 1] = "" end
    local lines = { { "figure", "prior year", "base", "scenario", "change on the prior year" } }
    for _, p in ipairs(v.prior_year) do
      lines[#lines + 1] = { p.name, p.year .. "年 " .. tostring(p.prior), tostring(p.base), tostring(p.scenario),
                            tostring(p.change) }
    end
    block(lines, { false, true, true, true, true })
  end
  if #v.cells > 0 then
    out[#out + 1] = "Changed cells (元)"
    if md then out[#out + 1] = "" end
    local lines = { { "set", "cell", "base", "scenario", "change" } }
    for _, c in ipairs(v.cells) do
      lines[#lines + 1] = { c.set, c.cell, tostring(c.base), tostring(c.value), tostring(c.change) }
    end
    block(lines, { false, false, true, true, true })
  end
  if #v.steps > 0 then
    out[#out + 1] = "Steps (元)"
    if md then out[#out + 1] = "" end
    local lines, numeric = steps_lines(v)
    block(lines, numeric)
  end
  if #v.layers > 1 then
    out[#out + 1] = "Layers (元)"
    if md then out[#out + 1] = "" end
    local sets = step_sets(v)
    local lines, numeric = { { "layer", "steps" } }, { false, false }
    for _, set in ipairs(sets) do lines[1][#lines[1] + 1] = set .. " 总计"; numeric[#numeric + 1] = true end
    for _, l in ipairs(v.layers) do
      local line = { l.name, l.first == l.last and tostring(l.first) or (l.first .. "-" .. l.last) }
      for _, set in ipairs(sets) do
        local d
        for _, m in ipairs(l.moves) do if m.set == set then d = m.total end end
        line[#line + 1] = d and tostring(d) or ""
      end
      lines[#lines + 1] = line
    end
    block(lines, numeric)
  end
  for _, note in ipairs(M.rounding_lines(v)) do out[#out + 1] = (md and "- " or "") .. note end
  if v.rounding then out[#out + 1] = "" end
  for _, w in ipairs(v.waterfalls or {}) do
    out[#out + 1] = string.format("Waterfall: %s by %s (元), what each step moved", w.set, w.dimension)
    if md then out[#out + 1] = "" end
    local head, numeric = { "code", "name", "base" }, { false, false, true }
    for _, c in ipairs(w.steps) do head[#head + 1] = "step " .. c.n; numeric[#numeric + 1] = true end
    head[#head + 1] = "scenario"; head[#head + 1] = "change"
    numeric[#numeric + 1] = true; numeric[#numeric + 1] = true
    local lines = { head }
    for _, r in ipairs(w.rows) do
      local l = { r.code, r.name, tostring(r.base) }
      for i = 1, #w.steps do l[#l + 1] = r.steps[i] == ZERO and "" or tostring(r.steps[i]) end
      l[#l + 1] = tostring(r.value)
      l[#l + 1] = tostring(r.change)
      lines[#lines + 1] = l
    end
    block(lines, numeric)
  end
  out[#out + 1] = M.count_line(v)
  for _, sev in ipairs(SEVERITY_ORDER) do
    for _, x in ipairs(v.violations) do
      if x.severity == sev then out[#out + 1] = (md and "- " or "") .. M.violation {
        severity = x.severity, rule = x.rule, members = x.members, found = x.found, expected = x.expected,
        diff = x.difference, message = x.message } end
    end
  end
  return table.concat(out, "\n") .. "\n"
end

-- One CSV table: a row a total, a changed cell, a violation, and for each step a row naming it
-- ('line L: operation') and a row a total it moved (section 'step:N').
local function scenario_csv(v)
  local out = { "section,scenario,set,code,name,base,scenario_amount,change,change_percent" }
  local function line(f)
    for i, x in ipairs(f) do f[i] = csv_field(tostring(x)) end
    out[#out + 1] = table.concat(f, ",")
  end
  local function plain(m) return m:format { decimals = 2, grouping = false } end
  for _, t in ipairs(v.totals) do
    for _, r in ipairs(t.rows) do
      line { "total", v.scenario, t.set, r.code, r.label, plain(r.base), plain(r.value), plain(r.change), r.percent or "" }
    end
  end
  for _, c in ipairs(v.cells) do
    line { "cell", v.scenario, c.set, "", c.cell, plain(c.base), plain(c.value), plain(c.change), "" }
  end
  for _, x in ipairs(v.violations) do
    line { "violation:" .. x.severity, v.scenario, x.rule, "", table.concat(x.members, " / "), plain(x.expected),
           plain(x.found), plain(x.difference), x.message }
  end
  for _, r in ipairs(v.rounding or {}) do
    line { "rounding", v.scenario, "", "", string.format("step %d: %s", r.step, r.operation), "", "",
           tostring(r.cells), r.move and "move rounded" or "" }
  end
  for _, st in ipairs(v.steps) do  -- a row naming the step, then a row a total it moved
    local section = "step:" .. st.n
    line { section, v.scenario, "", "", string.format("line %s: %s%s", st.line or "-", st.operation,
      #v.layers > 1 and (" (layer " .. st.layer .. ")") or ""), "", "", "", "" }
    for _, m in ipairs(st.moves) do
      for _, r in ipairs(m.rows) do line { section, v.scenario, m.set, r.code, r.name, "", "", plain(r.delta), "" } end
    end
  end
  return table.concat(out, "\r\n") .. "\r\n"
end

-- A scenario's report in one format: the same content for a terminal, CSV, JSON or Markdown.
-- With 'explain', the waterfall of each fact set the steps moved: every 类 and 款 a column a step.
-- (The page of "html" is engine/lua/report/html.lua's: html.report takes every format.)
function M.scenario(s, fmt, explain)
  local v = M.scenario_value(s, explain)
  if explain then
    v.waterfalls = {}
    for _, set in ipairs(step_sets(v)) do v.waterfalls[#v.waterfalls + 1] = M.waterfall(s, v, set) end
  end
  if fmt == "csv" then return scenario_csv(v) end
  if fmt == "json" then return C.json(v, true) .. "\n" end
  return scenario_text(v, fmt == "md")
end

-- }==================================================================

return M
