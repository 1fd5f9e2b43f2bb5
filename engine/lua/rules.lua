-- engine/lua/rules.lua
-- Rules: checks over a model (and later a scenario), each violation naming
-- the rule, its severity, the members, the amount found, the amount
-- expected and the difference. The shapes a model file writes in one line:
--   view_rules "部门支出预算总表"          the stated figures add up and match the cells
--   equal("名称", a, b [, {precision = "0.01万元"}])
--   sum_of("名称", total, {part, ...} [, opts])
--   at_most("名称", a, b [, opts])
--   rows_equal("名称", view_a, column_a, view_b, column_b)
--   no_growth("名称", a), no_fall("名称", a), nonnegative "名称"     (policy: judge scenarios)
--   link("名称", total(a), total(b)), part_of("名称", total(a), total(b))  one money described twice
-- where a, b are expressions: total(ref), figure(name), stated(view, row, column).
-- Kinds: "document" rules compare the cells with what the document states
-- and judge the base model only; "identity" and "policy" rules judge
-- scenarios too.
-- See LICENSE for copyright and license.

local C = require "budget.c"
local refs = require "budget.refs"
local view = require "budget.view"

local M = { shapes = {} }
local shapes = M.shapes

local ZERO = C.fen(0)
local SEVERITIES = { error = true, warning = true, info = true }

-- {==================================================================
-- Expressions
-- ===================================================================

local Expr = {}
Expr.__index = Expr

local function expr(label, eval, document)
  return setmetatable({ label = label, eval = eval, document = document, is_expr = true }, Expr)
end

local describe = refs.describe
M.describe = describe

-- total(ref [, label]): the total the cells give for a reference (nil: the main fact set).
function shapes.total(ref, label)
  local e = expr(label or (ref == nil and "总计" or describe(ref)), function(m) return m:total(ref) end, false)
  e.total_of = { ref = ref }  -- a scenario changes it: a term of the compiled checks
  return e
end

-- figure(name): a scalar the model states on its own (a prose figure, 机关运行经费).
function shapes.figure(name)
  return expr(name, function(m) return m:scalar(name) end, true)
end

-- stated(view, row, column): a figure as the document prints it in a table.
function shapes.stated(view, row, col)
  local e = expr(string.format("%s[%s][%s]", view, row, tostring(col)), function(m)
    return M.stated_value(m, view, row, col)
  end, true)
  e.stated_at = { view, row, col }
  return e
end

-- Whether any of the expressions is a stated figure that is misprinted (reported at its row).
local function any_misprinted(m, exprs)
  for _, e in ipairs(exprs) do
    local at = e.stated_at
    if at and M.misprinted(m, at[1], at[2], type(at[3]) == "string" and at[3] or nil) then return true end
  end
  return false
end

-- A stated figure of a view: row by its key (code or label), column by label or index.
function M.stated_value(m, vname, rowkey, col)
  local base = m.base or m
  local v = base.view_by_name[vname] or error(string.format("no view '%s'", vname), 0)
  for _, blk in ipairs(v.blocks) do
    local row = view.stated_row(blk, rowkey)  -- by the block's index of its stated rows
    if row then
      for c, column in ipairs(blk.columns) do
        if c == col or column.label == col then return row.values[c] end
      end
    end
  end
  error(string.format("view '%s' states no figure at row '%s', column '%s'", vname, tostring(rowkey), tostring(col)), 0)
end

local function as_expr(x)
  if type(x) == "table" and x.is_expr then return x end
  if type(x) == "string" then  -- a literal amount
    local a = C.money(x)
    return expr(x, function() return a end, true)
  end
  error("an expression: total(ref), figure(name), stated(view, row, column) or an amount string", 0)
end

-- }==================================================================

-- {==================================================================
-- Rule shapes
-- ===================================================================

local function options(opts)
  opts = opts or {}
  if opts.severity and not SEVERITIES[opts.severity] then
    error(string.format("severity is error, warning or info, not '%s'", tostring(opts.severity)), 0)
  end
  local grain = opts.precision and C.money(opts.precision) or nil
  return opts.severity or "error", grain, opts.kind
end

local function kind_of(explicit, exprs)
  if explicit then return explicit end
  for _, e in ipairs(exprs) do if e.document then return "document" end end
  return "identity"
end

-- Compares found with expected at the precision (both rounded to whole grains).
local function compare(found, expected, grain)
  if grain then return found:round(grain) == expected:round(grain) end
  return found == expected
end

-- A rule 'left op Σ right' between expressions, which the shapes below share: they differ in op
-- and in what a breach is ('breach' gives the report of one, or nil).
local function linear_rule(name, left, right, opts, op, breach)
  left = as_expr(left)
  local rs = {}
  for i, r in ipairs(right) do rs[i] = as_expr(r) end
  local severity, grain, kind = options(opts)
  local all = { left, table.unpack(rs) }
  local r = {
    is_rule = true, name = name, severity = severity, kind = kind_of(kind, all),
    linear = { op = op, left = { left }, right = rs, grain = grain },
  }
  for _, e in ipairs(all) do if e.stated_at then r.reads_stated = true end end
  r.check = function(m, report)  -- the grain read now: a link's is known only once its fact sets are
    if not m.base and any_misprinted(m, all) then return end
    local sum = ZERO
    for _, x in ipairs(rs) do sum = sum + x.eval(m) end
    local v = breach(left, rs, left.eval(m), sum, r.linear.grain)
    if v then report(v) end
  end
  return r
end

-- link(name, a, b [, opts]): a and b, each total(ref), are the same money described twice (the
-- economic lines and 一般公共预算 basic spending): a scenario's change of one is carried to the other
-- (engine/core/model.h), and the rule a = b, at the coarser grain of the two, judges the result.
-- part_of(name, a, b): a is a part of b (the listed projects within 项目支出): a change of a is one
-- of b, b never falls below a, and the rule a ≤ b judges it.
local function link_rule(kind, name, a, b, opts)
  a, b = as_expr(a), as_expr(b)
  if not a.total_of or not b.total_of then
    error(string.format("%s(\"%s\", a, b): a and b are totals of the cells, total(ref)", kind == "equal" and "link"
      or "part_of", tostring(name)), 0)
  end
  local r = kind == "equal" and shapes.equal(name, a, b, opts) or shapes.at_most(name, a, b, opts)
  r.kind = "identity"
  r.link = { kind = kind, a = a.total_of.ref, b = b.total_of.ref }
  return r
end

function shapes.link(name, a, b, opts) return link_rule("equal", name, a, b, opts) end
function shapes.part_of(name, a, b, opts) return link_rule("part", name, a, b, opts) end

-- equal(name, a, b [, opts]): a = b.
function shapes.equal(name, a, b, opts)
  return linear_rule(name, a, { b }, opts, "eq", function(l, rs, found, expected, grain)
    if not compare(found, expected, grain) then
      return { members = { l.label, rs[1].label }, found = found, expected = expected }
    end
  end)
end

-- sum_of(name, total, {parts}): total = Σ parts.
function shapes.sum_of(name, total, parts, opts)
  return linear_rule(name, total, parts, opts, "eq", function(l, rs, found, sum, grain)
    if not compare(found, sum, grain) then
      local labels = {}
      for i, p in ipairs(rs) do labels[i] = p.label end
      return { members = { l.label, "Σ " .. table.concat(labels, " + ") }, found = found, expected = sum }
    end
  end)
end

-- at_most(name, a, b): a ≤ b.
function shapes.at_most(name, a, b, opts)
  return linear_rule(name, a, { b }, opts, "le", function(l, rs, found, limit, grain)
    if grain then found, limit = found:round(grain), limit:round(grain) end
    if found > limit then
      return { members = { l.label, rs[1].label }, found = found, expected = limit,
               message = string.format("%s %s exceeds %s %s by %s: it must not exceed it", l.label, tostring(found),
                 rs[1].label, tostring(limit), tostring(found - limit)) }
    end
  end)
end

-- Every stated row of view a, with its figure in column ca, equals the same row of view b in
-- column cb (member rows, by code; total rows are left to view_rules). A row of a that b does not
-- state is compared with 0.
function shapes.rows_equal(name, va, ca, vb, cb, opts)
  local severity = options(opts)
  return {
    is_rule = true, name = name, severity = severity, kind = "document", reads_stated = true,
    check = function(m, report)
      local base = m.base or m
      local function rows(vname, col)
        local v = base.view_by_name[vname] or error(string.format("no view '%s'", vname), 0)
        local out, order, found = {}, {}, false
        for _, blk in ipairs(v.blocks) do  -- member rows only: totals are labelled differently per table
          for c, column in ipairs(blk.columns) do
            if blk.dimension and column.label == col then
              found = true
              for _, r in ipairs(blk.stated_rows or {}) do
                if r.key ~= blk.total then
                  out[r.key] = r.values[c]
                  order[#order + 1] = r.key
                end
              end
            end
          end
        end
        if not found then error(string.format("view '%s' has no column '%s' over members", vname, col), 0) end
        return out, order
      end
      local a, order = rows(va, ca)
      local b = rows(vb, cb)
      for _, key in ipairs(order) do
        local want = b[key] or ZERO
        if a[key] ~= want and not M.misprinted(m, va, key, ca) and not M.misprinted(m, vb, key, cb) then
          report { members = { va .. "[" .. key .. "][" .. ca .. "]", vb .. "[" .. key .. "][" .. cb .. "]" },
                   found = a[key], expected = want }
        end
      end
    end,
  }
end

-- A policy rule comparing a with its own value in the base: 'worse' says when the scenario's is
-- worse than the base's. The base itself is never worse than itself.
local function against_base(name, a, opts, worse, message, op)
  a = as_expr(a)
  local severity, grain = options(opts)
  local limits = setmetatable({}, { __mode = "k" })  -- the base never changes: its value once
  return {
    is_rule = true, name = name, severity = severity, kind = "policy",
    linear = { op = op, left = { a }, right = {}, grain = grain, against_base = a },
    check = function(m, report)
      if not m.base then return end
      local limit = limits[m.base.core]
      if limit == nil then
        limit = a.eval(m.base)
        limits[m.base.core] = limit
      end
      local found = a.eval(m)
      if grain then found, limit = found:round(grain), limit:round(grain) end
      if worse(found, limit) then
        local by = found - limit
        report { members = { a.label }, found = found, expected = limit,
                 message = string.format(message, a.label, tostring(found), tostring(limit),
                   tostring(by < ZERO and -by or by)) }
      end
    end,
  }
end

-- no_growth(name, a): in a scenario, a must not be more than in the base (三公经费).
function shapes.no_growth(name, a, opts)
  return against_base(name, a, opts, function(x, base) return x > base end, "%s %s is more than the base's %s by %s: it must not grow", "le")
end

-- no_fall(name, a): in a scenario, a must not be less than in the base (人员经费).
function shapes.no_fall(name, a, opts)
  return against_base(name, a, opts, function(x, base) return x < base end, "%s %s is less than the base's %s by %s: it must not fall", "ge")
end

-- nonnegative(name): no cell of any fact set may be below zero.
function shapes.nonnegative(name, opts)
  local severity = options(opts)
  return {
    is_rule = true, name = name, severity = severity, kind = "policy",
    nonnegative = true,  -- a batch plan asks the C core (scenario_any_negative) instead
    check = function(m, report)
      if m.ov and not m.ov:any_negative() then return end  -- the usual case, in one C call
      local base = m.base or m
      local label = refs.cell_label
      for _, set in ipairs(base.sets) do
        for _, c in ipairs(m:negatives(set.name)) do
          report { members = { set.name, label(base, set, c) }, found = c[#set.dims + 1], expected = ZERO,
                   message = string.format("%s %s is %s: a cell may not be negative", set.name, label(base, set, c),
                     tostring(c[#set.dims + 1])) }
        end
      end
    end,
  }
end

-- The stated rows of a block, by key.
local function stated_by_key(blk)
  local t = {}
  for _, r in ipairs(blk.stated_rows or {}) do t[r.key] = r end
  return t
end

-- The grain a view prints its figures at (1 元, 0.01万元, ...).
local function view_grain(v)
  if v.decimals > 0 then return C.money(string.format("0.%s1%s", string.rep("0", v.decimals - 1), v.unit)) end
  return C.money(string.format("1%s", v.unit))
end

-- Whether a column's figures come from the cells (not a scalar's, not stated alone).
local function from_cells(col) return not col.scalar and not col.stated end

-- The figures a base's views state that its cells do not give: {[view] = {[row key] = {[column
-- label] = {found, expected}}}}, made once a base. A misprint is reported once, at its row, by
-- view_rules; the rules that compare stated figures between tables pass over a misprinted one.
local misprint_cache = setmetatable({}, { __mode = "k" })

-- The misprints of view v of a base from its grid (the base's rendering): M.misprints's entry.
local function view_misprints(v, grid)
  local out  -- nil: none
  local grain = view_grain(v)
  for b, gb in ipairs(grid.blocks) do
    local blk = v.blocks[b]
    if blk.stated_rows then
      local stated = stated_by_key(blk)
      for _, row in ipairs(gb.rows) do
        local st = stated[row.key]
        for c, col in ipairs(blk.columns) do
          if from_cells(col) then
            local want = st and st.values[c] or ZERO
            if row.values[c]:round(grain) ~= want then
              out = out or {}
              out[row.key] = out[row.key] or { label = row.label, order = {} }
              local r = out[row.key]
              r[col.label] = { found = row.values[c], expected = want, stated = st ~= nil }
              r.order[#r.order + 1] = col.label
            end
          end
        end
      end
      local derived = {}
      for _, row in ipairs(gb.rows) do derived[row.key] = true end
      for _, st in ipairs(blk.stated_rows) do
        if not derived[st.key] then
          for c, col in ipairs(blk.columns) do
            if from_cells(col) and st.values[c] ~= ZERO then
              out = out or {}
              out[st.key] = out[st.key] or { label = st.label or st.key, order = {} }
              local r = out[st.key]
              r[col.label] = { found = ZERO, expected = st.values[c], stated = true, no_cells = true }
              r.order[#r.order + 1] = col.label
            end
          end
        end
      end
    end
  end
  return out
end

-- 'each', when given, is called with each view, its grid and its entry as they are made: a
-- view's rendering is used while it is at hand (a big model's grids are not all held at once).
function M.misprints(base, each)
  local cached = misprint_cache[base.core]
  if cached then return cached end
  local out = {}
  for _, v in ipairs(base.views) do
    local grid = view.render(base, v, base)
    out[v.name] = view_misprints(v, grid)
    if each then each(v, grid, out[v.name]) end
  end
  misprint_cache[base.core] = out
  return out
end

-- Whether a stated figure (view, row, column) is one the cells do not give.
local function misprinted(m, view, row, col)
  local mp = M.misprints(m.base or m)
  local r = mp[view] and mp[view][row]
  return r ~= nil and (col == nil or r[col] ~= nil)
end
M.misprinted = misprinted

-- view_rules(view): each stated figure equals what the cells give, reported once a row with
-- every figure of the row that differs; and the figures the cells do not give (a scalar's,
-- one stated alone) add up among themselves: parent = Σ children, total column = Σ parts.
-- What view_rules finds in view v, rendered as 'grid', with its misprints 'mp'; each to 'report'.
local function view_findings(v, grid, mp, report)
  local vname = v.name
  local fmt = function(a) return a:format { unit = v.unit, decimals = v.decimals } end
  -- one finding a row, in the order of the table
  local keys = {}
  for key in pairs(mp) do keys[#keys + 1] = key end
  local order = {}  -- a block's rows, then its stated rows, then the next block's: 2^32 places each
  for b, gb in ipairs(grid.blocks) do
    for i, row in ipairs(gb.rows) do order[row.key] = order[row.key] or ((2 * b) << 32) + i end
    for i, st in ipairs(v.blocks[b].stated_rows or {}) do
      order[st.key] = order[st.key] or ((2 * b + 1) << 32) + i
    end
  end
  table.sort(keys, function(x, y) return (order[x] or 0) < (order[y] or 0) end)
  for _, key in ipairs(keys) do
    local r = mp[key]
    local parts, found, expected = {}, ZERO, ZERO
    for _, col in ipairs(r.order) do
      local f = r[col]
      parts[#parts + 1] = string.format("%s printed %s, the other figures imply %s", col, fmt(f.expected), fmt(f.found))
      if #parts == 1 then found, expected = f.found, f.expected end
    end
    local label = (r.label and r.label ~= key) and (key .. " " .. r.label) or key
    if label == "" then label = "(its one row)" end
    report { members = { label, r.order[1] }, found = found, expected = expected,
             message = string.format("%s, row %s: %s", vname, label, table.concat(parts, "; ")) }
  end
  -- a note that says the table is empty, above figures
  if v.note and (v.note:find("空表", 1, true) or v.note:find("无该项目", 1, true)) then
    local any = ZERO
    for _, blk in ipairs(v.blocks) do
      for _, st in ipairs(blk.stated_rows or {}) do
        for _, x in ipairs(st.values) do if x ~= ZERO and any == ZERO then any = x end end
      end
    end
    if any ~= ZERO then
      report { members = { vname, "note" }, found = any, expected = ZERO,
               message = string.format("%s: its note says the table is empty ('%s'), but it prints figures (%s)",
                 vname, v.note, fmt(any)) }
    end
  end
  -- a code printed otherwise than it is read ('7 11 02' under 210 11, '301 2' for 301 02)
  for _, blk in ipairs(v.blocks) do
    for _, st in ipairs(blk.stated_rows or {}) do
      local official = type(st.text) == "table" and st.text.official_code
      if official then
        local label = st.label and (tostring(st.key) .. " " .. st.label) or tostring(st.key)
        report { members = { label, "code" }, found = ZERO, expected = ZERO, no_figures = true,
                 message = string.format("%s, row %s: %s is numbered %s, where the economic classification has it "
                   .. "at %s", vname, label, st.label or "", tostring(st.key), official) }
      end
      local printed = type(st.text) == "table" and st.text.printed_code
      if printed then
        local label = st.label and (tostring(st.key) .. " " .. st.label) or tostring(st.key)
        report { members = { label, "code" }, found = ZERO, expected = ZERO, no_figures = true,
                 message = string.format("%s, row %s: code printed '%s', read as %s by its place in the table",
                   vname, label, printed, tostring(st.key)) }
      end
    end
  end
  -- the figures not from the cells: their own sums
  for b, gb in ipairs(grid.blocks) do
    local blk = v.blocks[b]
    local labels = {}  -- a row as a reader finds it: '204 一、公共安全支出'
    for _, row in ipairs(gb.rows) do
      labels[row.key] = (row.label and row.label ~= row.key) and (row.key .. " " .. row.label) or row.key
    end
    if blk.stated_rows then
      local stated = stated_by_key(blk)
      for _, row in ipairs(gb.rows) do
        local st = stated[row.key]
        if st and row.parts then
          for c, col in ipairs(blk.columns) do
            if col.stated then
              local sum = ZERO
              for _, p in ipairs(row.parts) do
                local ps = stated[gb.rows[p].key]
                if ps then sum = sum + ps.values[c] end
              end
              if sum ~= st.values[c] then
                report { members = { labels[row.key], col.label }, found = st.values[c], expected = sum,
                         message = string.format("%s, row %s, %s: printed %s, the rows it sums give %s", vname,
                           labels[row.key], col.label, fmt(st.values[c]), fmt(sum)) }
              end
            end
          end
        end
      end
      for _, st in ipairs(blk.stated_rows) do
        for c, col in ipairs(blk.columns) do
          local any_stated = col.stated
          for _, p in ipairs(col.parts or {}) do any_stated = any_stated or blk.columns[p].stated end
          if col.parts and any_stated then
            local sum = ZERO
            for _, p in ipairs(col.parts) do sum = sum + st.values[p] end
            if sum ~= st.values[c] then
              local label = labels[st.key] or tostring(st.key)
              report { members = { label, col.label }, found = st.values[c], expected = sum,
                       message = string.format("%s, row %s, %s: printed %s, its columns give %s", vname,
                         label, col.label, fmt(st.values[c]), fmt(sum)) }
            end
          end
        end
      end
    end
  end
end

-- The findings of each view_rules rule on a base, made before the rules run (prepare, below):
-- by core, then by rule. Its check reports them again, and renders nothing.
local findings_cache = setmetatable({}, { __mode = "k" })

function shapes.view_rules(vname, opts)
  local severity = options(opts)
  local rule = { is_rule = true, name = vname, severity = severity, kind = "document", view = vname,
                 reads_stated = true }
  rule.check = function(m, report)
    local base = m.base or m
    local v = base.view_by_name[vname] or error(string.format("no view '%s'", vname), 0)
    local done = not m.base and findings_cache[base.core]
    done = done and done[rule]
    if done then
      for _, f in ipairs(done) do
        local copy = {}
        for k, x in pairs(f) do copy[k] = x end
        report(copy)
      end
      return
    end
    view_findings(v, view.render(base, v, m), M.misprints(base)[vname] or {}, report)
  end
  return rule
end

-- }==================================================================

-- {==================================================================
-- Defining and running rules
-- ===================================================================

-- The rules one 'rule' declaration (or one shape call) makes.
function M.define(m, decl, file)
  local r = decl.spec
  if not r.is_rule then  -- rule "name" { check = function(m, report) ... end, severity =, kind = }
    if type(r.check) ~= "function" then
      error(string.format("%s:%d: rule \"%s\" needs check = function(m, report) ... end", file, decl.line, decl.name), 0)
    end
    r = { name = decl.name, severity = r.severity or "error", kind = r.kind or "identity", check = r.check }
    if not SEVERITIES[r.severity] then
      error(string.format("%s:%d: rule \"%s\": severity is error, warning or info", file, decl.line, decl.name), 0)
    end
  end
  if r.view and not m.view_by_name[r.view] then
    error(string.format("%s:%d: view_rules: no view '%s' in the model", file, decl.line, r.view), 0)
  end
  m:grow("rules", 1, file, decl.line, string.format("rule \"%s\"", tostring(r.name)))  -- LIMITS.rules
  r.line = decl.line
  r.file = file
  return { r }
end

-- The rules of a base model that judge scenarios, compiled once: each linear rule becomes a
-- check the C core evaluates with every other in one call (engine/scenario.h); a scenario
-- then runs in Lua only the rules that failed there (for their details) and the rest.
local compiled_cache = setmetatable({}, { __mode = "k" })  -- by model core: one plan a model, whatever view
function M.compile(base, kinds)
  local cached = compiled_cache[base.core]
  if cached then return cached end
  local checks, index = {}, {}
  local function side(exprs)
    local terms, const = {}, ZERO
    for _, e in ipairs(exprs) do
      if e.total_of then
        local set, sel = base:selection(e.total_of.ref)
        local ids = {}
        for i = 1, #set.dims do ids[i] = sel[i] end
        terms[#terms + 1] = { set.index, ids, 1 }
      else
        const = const + e.eval(base)  -- stated figures and scalars do not change in a scenario
      end
    end
    return terms, const
  end
  for i, r in ipairs(base.rules) do
    if kinds[r.kind] and r.linear then
      local ok, left, lconst = pcall(side, r.linear.left)
      local right, rconst
      if ok then
        if r.linear.against_base then
          right, rconst = {}, r.linear.against_base.eval(base)
        else
          ok, right, rconst = pcall(side, r.linear.right)
        end
      end
      if ok then
        checks[#checks + 1] = { op = r.linear.op, grain = r.linear.grain, left = left, right = right,
                                lconst = lconst, rconst = rconst }
        index[i] = #checks
      end
    end
  end
  local list = {}  -- the rules that judge scenarios, in order, with their check if compiled
  for i, r in ipairs(base.rules) do
    if kinds[r.kind] then list[#list + 1] = { rule = r, check = index[i] } end
  end
  cached = { plan = C.plan(checks), index = index, list = list }
  compiled_cache[base.core] = cached
  return cached
end

-- The state of one run: set by run_scenario, read by the report function, so that a run
-- makes no closures (it happens once a scenario, thousands of times a second in a batch).
local run_out, run_rule = nil, nil

-- A breach of an equality in words, with its figures: '经济分类合计 64,728,976.00 ≠ 一般公共预算基本支出
-- 63,387,612.65: 1,341,363.35 more'. What a shape that words its own breach says instead.
function M.sentence(v)
  local diff = v.found - v.expected
  local by = diff < ZERO and -diff or diff
  return string.format("%s %s ≠ %s %s: %s %s", tostring(v.members[1]), tostring(v.found),
    tostring(v.members[2] or "expected"), tostring(v.expected), tostring(by), diff < ZERO and "less" or "more")
end

local function run_report(v)
  local r = run_rule
  v.rule, v.severity, v.kind = r.name, r.severity, r.kind
  v.diff = v.found - v.expected
  v.message = v.message or M.sentence(v)
  run_out[#run_out + 1] = v
end

local function run_listed(list, s, failing)
  for _, entry in ipairs(list) do
    local k = entry.check
    if k == nil or failing[k] then
      run_rule = entry.rule
      entry.rule.check(s, run_report)
    end
  end
end

-- Runs the rules of 'kinds' on a scenario s, through the compiled checks.
function M.run_scenario(rules, s, kinds)
  local compiled = M.compile(s.base, kinds)
  local failing = s.ov:failing(compiled.plan)
  local out = {}
  run_out = out
  local ok, err = pcall(run_listed, compiled.list, s, failing)
  run_out = nil
  if not ok then
    local r = run_rule
    error(string.format("%s:%d: rule \"%s\" failed: %s", r.file, r.line, r.name, tostring(err)), 0)
  end
  return out
end

-- Rules run on the base outside any script, and a model's own rule may loop: they run under
-- these limits (a script's default), or a script's own when a script asks (engine/host/guard.h).
local RULES_LIMITS = { steps = 100000000, seconds = 60, memory = 1 << 30, what = "rule" }

-- Runs f() under RULES_LIMITS, its messages naming 'file'; true, or false and the error.
local function limited(file, f)
  local ok, err = C.guarded(RULES_LIMITS, file, f)
  return ok, err
end

-- The engine's own work for the rules of a base, done before they run under the limits: its views
-- rendered against what they state (misprints: 'check' of a big model spends its time there,
-- bounded by the model's limits, engine/lua/model.lua), so that the limits count the rules' own
-- steps. A failure is left for the rule that meets it again to report.
local function prepare(rules, m, kinds)
  if m.base or #m.views == 0 then return end
  local wanted, any = {}, false
  for _, r in ipairs(rules) do
    if r.reads_stated and (kinds == nil or kinds[r.kind]) then
      any = true
      if r.view then
        wanted[r.view] = wanted[r.view] or {}
        table.insert(wanted[r.view], r)
      end
    end
  end
  if not any then return end
  local core = m.core
  local done = findings_cache[core] or setmetatable({}, { __mode = "k" })
  findings_cache[core] = done
  local function each(v, grid, mp)
    for _, r in ipairs(wanted[v.name] or {}) do
      if not done[r] then
        local list = {}
        if pcall(view_findings, v, grid, mp or {}, function(f) list[#list + 1] = f end) then done[r] = list end
      end
    end
  end
  local made = misprint_cache[core]
  if not made then
    pcall(M.misprints, m, each)
    return
  end
  for _, v in ipairs(m.views) do  -- misprints made before: a view whose rules lack findings is rendered again
    local lacking = false
    for _, r in ipairs(wanted[v.name] or {}) do lacking = lacking or not done[r] end
    if lacking then
      local ok, grid = pcall(view.render, m, v, m)
      if ok then each(v, grid, made[v.name]) end
    end
  end
end

-- Runs the rules of 'kinds' (a set; nil: all) on m. Returns the violations in rule order and
-- the number of rules run. A rule that fails to run raises 'file:line: rule "x": message'.
function M.run(rules, m, kinds)
  local out, ran, current = {}, 0, nil
  local function report(v)
    v.rule, v.severity, v.kind = current.name, current.severity, current.kind
    v.diff = v.found - v.expected
    v.message = v.message or M.sentence(v)
    out[#out + 1] = v
  end
  prepare(rules, m, kinds)
  local ok, err = limited(m.file or "(model)", function()  -- one protected call for all of them: this runs once a scenario
    for _, r in ipairs(rules) do
      if kinds == nil or kinds[r.kind] then
        ran = ran + 1
        current = r
        r.check(m, report)
      end
    end
  end)
  if not ok then
    for _, here in ipairs { string.format("%s:%d: ", current.file, current.line), current.file .. ": " } do
      if err:sub(1, #here) == here then err = err:sub(#here + 1) break end  -- the same place, said once in front
    end
    error(string.format("%s:%d: rule \"%s\" failed: %s", current.file, current.line, current.name, err), 0)
  end
  return out, ran
end

-- }==================================================================

return M
