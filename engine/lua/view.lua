-- engine/lua/view.lua
-- Views: the published tables as definitions of rows and columns over fact
-- sets. Rendering one is a query: every figure comes from the cells. A view
-- also keeps the figures the document states, for the rules to compare.
-- See LICENSE for copyright and license.

local C = require "budget.c"
local refs = require "budget.refs"
local classes = require "budget.classes"

local M = {}

local NUMERALS = { "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
                   "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十" }

local function fail(file, line, fmt, ...)
  error(string.format("%s:%s: ", file, line) .. string.format(fmt, ...), 0)
end

-- {==================================================================
-- Definition
-- ===================================================================

-- Checks a selection {dimension = ref} against the model now, so a bad reference fails at load.
local function check_sel(m, sel, file, line, what)
  if sel == nil then return {} end
  if type(sel) ~= "table" then fail(file, line, "%s: a selection is a table {[\"dimension\"] = \"member\"}", what) end
  for k, v in pairs(sel) do
    if k ~= "facts" then
      local id, why = m:member_in(k, v)
      if not id then fail(file, line, "%s: %s", what, why) end
    end
  end
  return sel
end

-- Normalises one block: {facts, filter, rows, columns, stated, title}.
local function define_block(m, b, top, file, line, vname)
  local blk = {
    title = b ~= top and b.title or nil, facts = b.facts or top.facts, filter = check_sel(m, b.filter or top.filter, file, line, vname),
    code_label = b.code_label, name_label = b.name_label,
  }
  if blk.facts and not m.set_by_name[blk.facts] then fail(file, line, "view \"%s\": no fact set '%s'", vname, blk.facts) end
  -- columns: {label, selection, parts = {...}} or {label, scalar = name}
  local cols = b.columns or top.columns
  if type(cols) ~= "table" or #cols == 0 then fail(file, line, "view \"%s\": columns = { {\"label\", {...}}, ... }", vname) end
  blk.columns = {}
  for i, c in ipairs(cols) do
    if type(c) ~= "table" or type(c[1]) ~= "string" then
      fail(file, line, "view \"%s\": column %d needs a label: {\"label\", {selection}}", vname, i)
    end
    m.check_text(c[1], file, line, string.format("view \"%s\": the label of column %d", vname, i))
    -- stated = true: a column the document prints and the cells cannot give (人员经费 by 类)
    local col = { label = c[1], sel = check_sel(m, c[2], file, line, vname), scalar = c.scalar, parts = c.parts,
                  stated = c.stated == true or nil }
    if col.scalar and not m.scalars[col.scalar] then fail(file, line, "view \"%s\": no scalar '%s'", vname, col.scalar) end
    if not col.scalar and not col.stated and not blk.facts then
      fail(file, line, "view \"%s\": column '%s' needs facts", vname, col.label)
    end
    blk.columns[i] = col
  end
  -- 'parts' by label or index become indexes; a 合计 with none sums the others. What they sum is
  -- read once a stated row: within the limit on columns, all the columns' parts together.
  local summed, by_label = 0, {}
  for j, col in ipairs(blk.columns) do
    summed = summed + (col.parts and (type(col.parts) == "table" and #col.parts or 0)
      or (col.label == "合计" and #blk.columns - 1 or 0))
    by_label[col.label] = j  -- the last of a label, as a search that kept the last match found
  end
  if summed > m.limit("view_columns") then
    fail(file, line, "view \"%s\": its columns sum %d columns in all, more than %d (the limit for one view)", vname,
      summed, m.limit("view_columns"))
  end
  for _, col in ipairs(blk.columns) do
    if col.parts == nil and col.label == "合计" then
      col.parts = {}
      for j, other in ipairs(blk.columns) do if other ~= col and not other.scalar then col.parts[#col.parts + 1] = j end end
    elseif col.parts then
      local idx = {}
      for _, p in ipairs(col.parts) do
        local found = by_label[p]
        if type(p) == "number" and blk.columns[p] then found = math.tointeger(p) end
        if not found then fail(file, line, "view \"%s\": column '%s' sums an unknown column '%s'", vname, col.label, tostring(p)) end
        idx[#idx + 1] = found
      end
      col.parts = idx
    end
  end
  -- rows: members of a dimension, or a list of labelled selections
  local rows = b.rows or top.rows
  if type(rows) ~= "table" then fail(file, line, "view \"%s\": rows = {dimension = \"...\"} or a list of rows", vname) end
  if rows.dimension then
    if not m.dim_by_name[rows.dimension] then fail(file, line, "view \"%s\": no dimension '%s'", vname, rows.dimension) end
    blk.dimension = rows.dimension
    blk.depth = rows.depth
    blk.numbered = rows.numbered
    blk.total = rows.total
    blk.all = rows.all
  else
    blk.rows = {}
    for i, r in ipairs(rows) do
      if type(r) ~= "table" or type(r[1]) ~= "string" then
        fail(file, line, "view \"%s\": row %d needs a label: {\"label\", {selection}}", vname, i)
      end
      m.check_text(r[1], file, line, string.format("view \"%s\": the label of row %d", vname, i))
      blk.rows[i] = { label = r[1], sel = check_sel(m, r[2], file, line, vname), parts = r.parts }
    end
  end
  blk.stated = b.stated or (top.blocks == nil and top.stated) or nil
  for _, k in ipairs { "code_label", "name_label", "total" } do
    m.check_text(blk[k], file, line, string.format("view \"%s\": its %s", vname, k))
  end
  return blk
end

-- The rows a block can show: its members (to its depth, with its total row) or its listed rows,
-- or its stated rows if it states more.
local function block_height(m, blk)
  local rows
  if blk.dimension then
    local _, count = m.core:dim_info(m.dim_by_name[blk.dimension].index)
    rows = count
    if blk.depth and (count > m.limit("view_rows") or count * #blk.columns > m.limit("view_cells")) then  -- exactly
      rows = 0
      for _, mem in ipairs(m:members(blk.dimension)) do if mem.depth <= blk.depth then rows = rows + 1 end end
    end
    if blk.total then rows = rows + 1 end
  else
    rows = #blk.rows
  end
  local stated = type(blk.stated) == "table" and #blk.stated or 0
  return stated > rows and stated or rows
end

-- Stops the load when the view has more cells (rows × columns) than a view may, or takes the
-- model's views past theirs (engine/lua/model.lua's LIMITS: 'show' prints every cell of a view).
local function check_size(m, v, file)
  local cells, rows, cols = 0, 0, 0
  for _, blk in ipairs(v.blocks) do  -- a block's header is a row of its cells: a view of no rows has its columns
    local height = block_height(m, blk)
    cells = cells + (height + 1) * #blk.columns
    rows, cols = rows + height, cols + #blk.columns
  end
  if rows > m.limit("view_rows") then
    fail(file, v.line, "view \"%s\" has %d rows, more than %d (the limit for one view)", v.name, rows,
      m.limit("view_rows"))
  end
  local limit = m.limit("view_cells")
  if cells > limit then
    local shape = #v.blocks == 1 and string.format("%d rows and a header × %d columns", rows, cols)
      or string.format("%d blocks", #v.blocks)
    fail(file, v.line, "view \"%s\" has %d cells (%s), more than %d (the limit for one view)", v.name, cells,
      shape, limit)
  end
  m:grow("views_cells", cells, file, v.line, string.format("view \"%s\"", v.name))
end

-- Turns a 'view' declaration into a view; the rows the document states are kept as text.
function M.define(m, decl, src, file)
  local spec = decl.spec
  local v = {
    name = decl.name, line = decl.line, number = spec.number, title = spec.title or decl.name,
    unit = spec.unit or "元", decimals = spec.decimals, blocks = {}, note = spec.note,
  }
  if not refs.UNIT_SUFFIX[v.unit] then
    fail(file, decl.line, "view \"%s\": unit must be 元, 万元 or 亿元", decl.name)
  end
  if v.decimals == nil then v.decimals = v.unit == "元" and 0 or 2 end
  m:grow("views", 1, file, decl.line, string.format("view \"%s\"", decl.name))
  local columns = 0  -- counted before any is read: the work of a view's columns is in their square (合计)
  for _, b in ipairs(spec.blocks or { spec }) do
    local cols = type(b) == "table" and (b.columns or spec.columns)
    columns = columns + (type(cols) == "table" and #cols or 0)
  end
  if columns > m.limit("view_columns") then
    fail(file, decl.line, "view \"%s\" has %d columns, more than %d (the limit for one view)", decl.name, columns,
      m.limit("view_columns"))
  end
  for i, b in ipairs(spec.blocks or { spec }) do
    v.blocks[i] = define_block(m, b, spec, file, decl.line, decl.name)
  end
  check_size(m, v, file)
  -- stated figures, parsed now so a malformed one fails at load with its line
  local amount_in = refs.amount_in
  for _, blk in ipairs(v.blocks) do
    if blk.stated then
      local parsed = {}
      for r, row in ipairs(blk.stated) do
        local line = decl.line
        local n = #blk.columns
        local key, label = row[1], nil
        local first = 2
        if blk.dimension and row[1] ~= blk.total and type(row[2]) == "string" and #row == n + 2 then
          label, first = row[2], 3  -- {code, name, values...}
        end
        if #row - first + 1 ~= n then
          fail(file, decl.line, "view \"%s\": stated row %d ('%s') has %d figures for %d columns", decl.name, r,
            tostring(row[1]), #row - first + 1, n)
        end
        local vals, figures = {}, {}
        for k = 1, first - 1 do
          m.check_text(row[k], file, line, string.format("view \"%s\": stated row %d's %s", decl.name, r,
            k == 1 and "code" or "name"))
        end
        for c = 1, n do
          local t = row[first + c - 1]
          m.check_text(t, file, line, string.format("view \"%s\": stated row %d's figure %d", decl.name, r, c))
          if t == "" or t == false then vals[c], figures[c] = C.fen(0), ""
          else
            local a, why = amount_in(t, v.unit)
            if not a then fail(file, line, "view \"%s\": stated row '%s': %s", decl.name, tostring(key), why) end
            vals[c], figures[c] = a, tostring(t)
          end
        end
        -- figures: the words as printed ('96282213.44', '0', '' for a blank cell), for 'show'
        parsed[r] = { key = key, label = label, values = vals, figures = figures, text = row }
      end
      blk.stated_rows = parsed
    end
  end
  return v
end

-- }==================================================================

-- {==================================================================
-- Rendering: every figure from the cells
-- ===================================================================

local function merge(...)
  local out = {}
  for i = 1, select("#", ...) do
    local t = select(i, ...)
    if t then for k, val in pairs(t) do out[k] = val end end
  end
  return out
end

local ZERO = C.fen(0)

-- The stated row of a block with that key (the first, as the rows are read in order), by an index
-- made once a block: a row's stated figures are found in one step, not by reading every row.
local function stated_row(blk, key)
  local index = blk.stated_index
  if not index then
    index = {}
    for _, st in ipairs(blk.stated_rows or {}) do
      if st.key ~= nil and index[st.key] == nil then index[st.key] = st end
    end
    blk.stated_index = index
  end
  return index[key]
end
M.stated_row = stated_row

-- The value of one cell of a block for 'm' (a model or a scenario: anything with :total and :scalar).
local function value(m, blk, rowsel, col, c, key)
  if col.scalar then return m:scalar(col.scalar) end
  if col.stated then
    local st = stated_row(blk, key)
    return st and st.values[c] or ZERO
  end
  return m:total(merge({ facts = blk.facts }, blk.filter, rowsel, col.sel))
end

-- What scenario m changes in a column of a block by dimension 'dim' (its set's k-th; 'ids' the
-- column's selection): the change of each member's total, by id, made in one pass over the
-- scenario's changed cells and one up the tree. A total of the overlay for each row would read
-- every changed page again: rows × changes, where a whole-set cut changes every cell. 'memo'
-- keeps a rendering's changed cells (by set) and parents (by dimension). Raises on an overflow.
local function changes(m, base, dim, set, ids, k, memo)
  local core, nd = base.core, #set.dims
  local cells = memo.cells[set.index]
  if not cells then
    cells = m.ov:cells(set.index, true)
    memo.cells[set.index] = cells
  end
  local members = base:members(dim)  -- in preorder: children after their parents
  local dims = {}
  for i, dn in ipairs(set.dims) do dims[i] = base.dim_by_name[dn].index end
  local delta = {}
  for _, c in ipairs(cells) do
    local inside = true
    for i = 1, nd do
      if i ~= k and ids[i] ~= nil and not core:within(dims[i], c[i], ids[i]) then
        inside = false
        break
      end
    end
    if inside then
      local id = c[k]
      local d = c[nd + 1] - c.base
      delta[id] = delta[id] and delta[id] + d or d
    end
  end
  for i = #members, 1, -1 do  -- children first: each member's change into its parent's
    local mem = members[i]
    local d = delta[mem.id]
    if d and mem.parent then delta[mem.parent] = delta[mem.parent] and delta[mem.parent] + d or d end
  end
  return delta
end

-- How a column from the cells is read, row after row of a block by a dimension: the selection is
-- resolved once, and each row puts its member in (a row costs one total in C, not a selection
-- made and resolved anew); a scenario's rows are the base's and what it changes (changes, above).
-- Returns read(id) → the amount of that row's cell, or nil for a column that 'value' reads (a
-- scalar's, a stated one's, or 'm' neither the base nor its scenario).
local function column_reader(m, base, blk, col, memo)
  if col.scalar or col.stated then return nil end
  local core = base.core
  local function total(set, sel) return core:total(set, sel) end
  local scenario = m ~= base
  if scenario and not (m.ov and m.base and m.base.core == core) then return nil end  -- (its base: a run's view of it)
  local dim = blk.dimension
  local probe = merge({ facts = blk.facts }, blk.filter, { [dim] = 0 }, col.sel)  -- member 0 stands for the row's
  local set, sel = base:find_selection(probe)
  if not set then error(sel, 0) end
  local k
  for i, dn in ipairs(set.dims) do if dn == dim then k = i end end
  local ids = {}
  for i = 1, #set.dims do ids[i] = sel[i] end
  local index = set.index
  if col.sel and col.sel[dim] ~= nil then  -- the column names the row's dimension itself: one figure
    local fixed = scenario and m.ov:total(index, ids) or total(index, ids)
    return function() return fixed end
  end
  if scenario then
    local ok, delta = pcall(changes, m, base, dim, set, ids, k, memo)
    if not ok then  -- a sum past the limits of an amount on the way: the overlay's own totals, row by row
      local ov = m.ov
      total = function(s, sel) return ov:total(s, sel) end
    else
      return function(id)
        ids[k] = id
        local t, d = total(index, ids), delta[id]
        return d and t + d or t
      end
    end
  end
  return function(id)
    ids[k] = id
    return total(index, ids)
  end
end

-- The rows of one block: {key, code, label, depth, kind, values = {money...}, parts = {row indexes}}.
local function block_rows(m, base, v, blk, keep, memo)
  local out = {}
  local readers = {}
  local function add(row, rowsel, id)
    local values = {}
    row.values = values
    local nonzero = false
    for c, col in ipairs(blk.columns) do
      local read = readers[c]
      if read == nil and id then  -- made at the first member row: a block with none resolves nothing
        read = column_reader(m, base, blk, col, memo) or false
        readers[c] = read
      end
      local val
      if read and id then val = read(id) else val = value(m, blk, rowsel, col, c, row.key) end
      values[c] = val
      if not col.scalar and not col.stated and val ~= ZERO then nonzero = true end
    end
    row.nonzero = nonzero
    out[#out + 1] = row
    return row
  end
  if blk.dimension then
    local by_id, tops = {}, {}
    local ordinal = 0
    for _, mem in ipairs(base:members(blk.dimension)) do
      if blk.depth == nil or mem.depth <= blk.depth then
        local row = {
          key = mem.spaced ~= "" and mem.spaced or mem.name, code = mem.spaced, label = mem.name,
          depth = mem.depth, kind = "member", id = mem.id, parent = mem.parent,
        }
        add(row, { [blk.dimension] = mem.id }, mem.id)
        if not row.nonzero and not blk.all and not (keep and keep[row.key]) then
          out[#out] = nil
        else
          by_id[mem.id] = #out
          if mem.depth == 0 then
            tops[#tops + 1] = #out
            ordinal = ordinal + 1
            if blk.numbered then row.label = (NUMERALS[ordinal] or tostring(ordinal)) .. "、" .. mem.name end
          end
        end
      end
    end
    for i, row in ipairs(out) do  -- parts of a parent: its children that are shown
      local p = row.parent and by_id[row.parent]
      if p and (blk.depth == nil or row.depth <= blk.depth) then
        out[p].parts = out[p].parts or {}
        table.insert(out[p].parts, i)
      end
    end
    if blk.total then
      local row = add({ key = blk.total, label = blk.total, kind = "total", parts = tops }, {})
      row.nonzero = true
    end
  else
    local by_label  -- the rows with each label, in order: a row's parts found in one step each
    for _, r in ipairs(blk.rows) do
      local row = add({ key = r.label, label = r.label, kind = "row" }, r.sel)
      row.nonzero = true
      if r.parts then
        if not by_label then
          by_label = {}
          for j, other in ipairs(blk.rows) do
            local list = by_label[other.label] or {}
            list[#list + 1] = j
            by_label[other.label] = list
          end
        end
        row.parts = {}
        for _, p in ipairs(r.parts) do
          for _, j in ipairs(by_label[p] or {}) do row.parts[#row.parts + 1] = j end
        end
      end
    end
  end
  return out
end

-- Renders view 'v' of model 'base' with the amounts of 'm' (the base itself, or a scenario on it).
-- The result: {view, title, unit, decimals, blocks = {{title, columns, code_label, name_label, rows}}}.
-- A member row with nothing in it is left out, unless 'keep' (by block, a set of row keys) has it.
function M.render(base, v, m, keep)
  m = m or base
  local grid = { view = v, name = v.name, title = v.title, unit = v.unit, decimals = v.decimals, blocks = {} }
  local memo = { cells = {} }  -- a scenario's changed cells, read once a rendering (column_reader)
  for i, blk in ipairs(v.blocks) do
    local labels = {}
    for c, col in ipairs(blk.columns) do labels[c] = col.label end
    grid.blocks[i] = {
      title = blk.title, columns = labels, dimension = blk.dimension,
      code_label = blk.code_label or (blk.dimension and not blk.numbered and (blk.dimension .. "科目编码")) or nil,
      name_label = blk.name_label or (blk.dimension and not blk.numbered and (blk.dimension .. "科目名称")) or "项目",
      rows = block_rows(m, base, v, blk, keep and keep[i], memo), spec = blk,
    }
  end
  return grid
end

-- Renders view 'v' as it is in scenario 's', each block with one more column: the change of its
-- first column against the base (a row the scenario shows that the base does not: all of it).
function M.render_change(base, v, s)
  local was = M.render(base, v, base)
  local keep = {}  -- a row the base shows stays, though the scenario empties it: its change is all of it
  for i, blk in ipairs(was.blocks) do
    keep[i] = {}
    for _, row in ipairs(blk.rows) do keep[i][row.key] = true end
  end
  local grid = M.render(base, v, s, keep)
  for i, gb in ipairs(grid.blocks) do
    local before = {}
    for _, row in ipairs(was.blocks[i].rows) do before[row.key] = row.values[1] end
    local first = gb.columns[1] or ""
    gb.columns[#gb.columns + 1] = (first == "" and "" or first) .. "增减"
    for _, row in ipairs(gb.rows) do
      local now = row.values[1]
      if type(now) == "string" or now == nil then  -- a stated figure or none: it does not change
        row.values[#gb.columns] = C.fen(0)
      else
        row.values[#gb.columns] = now - (before[row.key] or C.fen(0))
      end
    end
  end
  return grid
end

-- {==================================================================
-- As printed: the stated rows, in the document's order and words
-- ===================================================================

-- The name of a 类 the model does not have (a row the document prints blank, 一、一般公共服务支出).
local function class_name(code)
  do
    for _, c in ipairs(classes) do if c[1] == code then return c[2] end end
  end
end

-- One block's rows as the document prints them: its stated rows in their order, each with the
-- figures as printed (strings: '96282213.44', '0', '' for a blank cell), its name as printed where
-- the row states one and its code as printed ('301 2', which the model mends to 301 02:
-- row.model_code). Then the rows the cells give that the document does not print, with the
-- cells' figures, marked printed = false.
local function printed_rows(base, blk, rows)
  local by_key = {}
  for _, row in ipairs(rows) do if by_key[row.key] == nil then by_key[row.key] = row end end
  local members = {}
  if blk.dimension then
    for _, mem in ipairs(base:members(blk.dimension)) do
      local k = mem.spaced ~= "" and mem.spaced or mem.name
      if members[k] == nil then members[k] = mem end
    end
  end
  local out, used, ordinal = {}, {}, 0
  for _, st in ipairs(blk.stated_rows) do
    local r, mem = by_key[st.key], members[st.key]
    local row
    if r and not used[r] then
      used[r] = true
      row = {}
      for k, x in pairs(r) do row[k] = x end
    elseif st.key == blk.total then
      row = { key = st.key, label = st.key, kind = "total" }
    elseif mem then  -- a member the cells leave empty: the document prints it blank or zero
      row = { key = st.key, code = mem.spaced, label = mem.name, depth = mem.depth, kind = "member", id = mem.id,
              parent = mem.parent }
    elseif blk.dimension and tostring(st.key):find("^%d[%d ]*$") then  -- a code the model does not have
      local _, spaces = tostring(st.key):gsub(" ", "")
      row = { key = st.key, code = st.key, label = class_name(st.key) or st.key, depth = spaces, kind = "member" }
    else
      row = { key = st.key, label = tostring(st.key), kind = blk.dimension and "total" or "row" }
    end
    row.values, row.printed, row.parts = st.figures, true, nil
    if st.label then row.label = st.label end
    local code = st.text.printed_code
    if code and row.kind == "member" and code ~= row.code then row.model_code, row.code = row.code, code end
    if blk.numbered and row.kind == "member" and row.depth == 0 then
      ordinal = ordinal + 1
      local name = st.label or (mem and mem.name) or class_name(st.key) or row.label
      row.label = (NUMERALS[ordinal] or tostring(ordinal)) .. "、" .. name
    end
    out[#out + 1] = row
  end
  for _, r in ipairs(rows) do
    if not used[r] then
      r.printed, r.parts = false, nil
      out[#out + 1] = r
    end
  end
  return out
end

-- Renders view 'v' of model 'base' as the document prints it: in each block that states its rows,
-- the stated rows (printed_rows above); a block that states none is rendered from the cells.
function M.render_printed(base, v)
  local grid = M.render(base, v, base)
  for _, gb in ipairs(grid.blocks) do
    if gb.spec.stated_rows then
      gb.rows = printed_rows(base, gb.spec, gb.rows)
      gb.printed = true
    end
  end
  return grid
end

-- }==================================================================

return M
