-- engine/lua/report/svg.lua
-- The charts of the HTML reports, as inline SVG the engine writes itself: a
-- waterfall of a scenario's steps, bars of base against scenarios per 类, and
-- the panels of a batch sweep. Every amount a chart shows (a label, a
-- tooltip, a data-amount attribute) is the exact figure the tables print;
-- only the geometry is in floating point. Each bar is a <rect class="bar">,
-- which is what the browser test counts.
-- See LICENSE for copyright and license.

local C = require "budget.c"

local M = {}

local WIDTH = 760

-- Text for SVG and HTML: the five characters markup gives meaning to.
local ESCAPES = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }
function M.escape(s)
  return (tostring(s):gsub("[&<>\"']", ESCAPES))
end
local esc = M.escape

local function num(x)
  return string.format("%.1f", x)
end

-- A round step for about 'n' ticks over 'span' (1, 2 or 5 times a power of ten), in fen.
local function tick_step(span, n)
  if span <= 0 then return 1 end
  local raw = span / n
  local p = 10 ^ math.floor(math.log(raw, 10))
  for _, m in ipairs { 1, 2, 5, 10 } do
    if m * p >= raw then return math.max(1, math.floor(m * p + 0.5)) end
  end
  return math.floor(10 * p)
end

-- A vertical scale from fen amounts to y: lo at the bottom (y0), hi at the top (y1).
local function scale(lo, hi, y0, y1)
  if hi == lo then hi = lo + 1 end
  return function(v) return y0 - (v - lo) / (hi - lo) * (y0 - y1) end
end

-- The y axis: gridlines and tick labels at round amounts between lo and hi (fen).
local function axis(out, lo, hi, y, x0, x1, fen_text)
  local step = tick_step(hi - lo, 5)
  local t = math.ceil(lo / step) * step
  while t <= hi do
    local yy = y(t)
    out[#out + 1] = string.format('<line class="grid" x1="%s" y1="%s" x2="%s" y2="%s"/>', num(x0), num(yy), num(x1), num(yy))
    out[#out + 1] = string.format('<text class="tick" x="%s" y="%s" text-anchor="end">%s</text>', num(x0 - 6),
      num(yy + 4), esc(fen_text(t)))
    t = t + step
  end
end

local function open(out, width, height, title)
  height = math.ceil(height)
  out[#out + 1] = string.format('<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="%d" height="%d" '
    .. 'viewBox="0 0 %d %d" role="img" aria-label="%s">', width, height, width, height, esc(title))
  out[#out + 1] = string.format('<title>%s</title>', esc(title))
end

-- A bar with its exact amount as a tooltip and an attribute.
local function bar(out, class, x, y, w, h, amount, tip)
  if h < 1 then h = 1 end  -- a step that moved nothing still shows where it stands
  out[#out + 1] = string.format('<rect class="bar %s" x="%s" y="%s" width="%s" height="%s" data-amount="%s">'
    .. '<title>%s</title></rect>', class, num(x), num(y), num(w), num(h), esc(amount), esc(tip))
end

-- How wide the widest of some labels is drawn, in pixels (about 6.5 a column: CJK takes two).
local function label_width(labels)
  local widest = 0
  for _, l in ipairs(labels) do widest = math.max(widest, C.width(l) * 6.5) end
  return widest
end

-- A label under the plot, turned when the labels are long for their room.
local function xlabel(out, x, y, text, turn)
  if turn then
    out[#out + 1] = string.format('<text class="label" x="%s" y="%s" text-anchor="end" transform="rotate(-35 %s %s)">%s</text>',
      num(x), num(y), num(x), num(y), esc(text))
  else
    out[#out + 1] = string.format('<text class="label" x="%s" y="%s" text-anchor="middle">%s</text>', num(x), num(y), esc(text))
  end
end

-- {==================================================================
-- Waterfall
-- ===================================================================

-- bars: {{label, tip, kind = "total"|"step", from = fen, to = fen, amount = text}}, the base
-- first and the scenario last. The axis starts near the lowest running total, not at zero, so
-- the steps can be seen beside totals a hundred times their size; the axis says where it starts.
function M.waterfall(title, bars, fen_text)
  local lo, hi = math.huge, -math.huge  -- the running totals: where each bar ends
  for _, b in ipairs(bars) do
    lo = math.min(lo, b.to, b.kind == "step" and b.from or b.to)
    hi = math.max(hi, b.to, b.kind == "step" and b.from or b.to)
  end
  local span = hi - lo
  local bottom, top
  if lo < 0 then  -- a total below zero: the axis takes in zero and the lowest, with a margin
    bottom, top = lo - math.max(span, 1) * 0.1, math.max(hi, 0) + math.max(span, 1) * 0.15
  elseif span > 0 then
    bottom, top = math.max(0, lo - span), hi + span * 0.15
  else
    bottom, top = 0, math.max(hi * 1.05, 1)
  end
  local zero = math.max(bottom, math.min(0, top))  -- where a total's bar stands: zero, if the axis shows it
  local left, right, ytop, ybottom = 120, 20, 24, 250
  local slot = (WIDTH - left - right) / #bars
  local w = math.min(60, slot * 0.6)
  local turn = slot < 90
  local height = ybottom + (turn and 90 or 30)
  local y = scale(bottom, top, ybottom, ytop)
  local out = {}
  open(out, WIDTH, height, title)
  axis(out, bottom, top, y, left, WIDTH - right, fen_text)
  for i, b in ipairs(bars) do
    local x = left + (i - 1) * slot + (slot - w) / 2
    local class
    if b.kind == "total" then class = "total" elseif b.to < b.from then class = "down" else class = "up" end
    local from = b.kind == "total" and zero or b.from
    local y_hi, y_lo = y(math.max(from, b.to)), y(math.min(from, b.to))
    out[#out + 1] = '<g class="step">'
    bar(out, class, x, y_hi, w, y_lo - y_hi, b.amount, b.tip)
    if slot >= 64 then  -- room to write the amount; else the tooltip and the steps table have it
      out[#out + 1] = string.format('<text class="amount" x="%s" y="%s" text-anchor="middle">%s</text>', num(x + w / 2),
        num(y_hi - 5), esc(b.amount))
    end
    if i < #bars then  -- the running total carries on to the next bar
      out[#out + 1] = string.format('<line class="link" x1="%s" y1="%s" x2="%s" y2="%s"/>', num(x + w), num(y(b.to)),
        num(x + slot), num(y(b.to)))
    end
    xlabel(out, x + w / 2, ybottom + 16, b.label, turn)
    out[#out + 1] = '</g>'
  end
  out[#out + 1] = string.format('<text class="note" x="%d" y="%d">the axis starts at %s</text>', left, ytop - 8,
    esc(fen_text(bottom)))
  out[#out + 1] = '</svg>'
  return table.concat(out, "\n")
end

-- }==================================================================

-- {==================================================================
-- Bars side by side
-- ===================================================================

-- groups: {{label, values = {{fen, amount = text}...}}}; series: names of the values, in order
-- (base first). A bar a value, the groups along the x axis, a legend of the series.
function M.grouped(title, groups, series, fen_text)
  local lo, hi = 0, 0
  for _, g in ipairs(groups) do
    for _, v in ipairs(g.values) do
      lo = math.min(lo, v.fen)
      hi = math.max(hi, v.fen)
    end
  end
  hi = hi + (hi - lo) * 0.3  -- room for the amounts written up the bars
  local left, right, ytop, ybottom = 120, 20, 40, 280
  local slot = (WIDTH - left - right) / math.max(#groups, 1)
  local w = math.min(36, slot * 0.8 / #series)
  local names = {}
  for i, g in ipairs(groups) do names[i] = g.label end
  local widest = label_width(names)
  local turn = widest > slot
  local height = ybottom + (turn and math.min(160, 30 + widest * 0.6) or 30)
  local y = scale(lo, hi, ybottom, ytop)
  local out = {}
  open(out, WIDTH, height, title)
  axis(out, lo, hi, y, left, WIDTH - right, fen_text)
  local x = left
  for k, name in ipairs(series) do  -- the legend, each key as wide as its name
    out[#out + 1] = string.format('<rect class="key s%d" x="%s" y="8" width="12" height="12"/>', (k - 1) % 6, num(x))
    out[#out + 1] = string.format('<text class="legend" x="%s" y="18">%s</text>', num(x + 16), esc(name))
    x = x + 16 + C.width(name) * 6 + 24
  end
  for i, g in ipairs(groups) do
    local x0 = left + (i - 1) * slot + (slot - w * #series) / 2
    out[#out + 1] = '<g class="group">'
    for k, v in ipairs(g.values) do
      local x = x0 + (k - 1) * w
      local y_hi, y_lo = y(math.max(0, v.fen)), y(math.min(0, v.fen))
      bar(out, "s" .. ((k - 1) % 6), x, y_hi, w - 2, y_lo - y_hi, v.amount,
        string.format("%s, %s: %s", g.label, series[k], v.amount))
      out[#out + 1] = string.format('<text class="amount vertical" x="%s" y="%s" transform="rotate(-90 %s %s)">%s</text>',
        num(x + w / 2 + 3), num(y_hi - 4), num(x + w / 2 + 3), num(y_hi - 4), esc(v.amount))
    end
    xlabel(out, left + (i - 0.5) * slot, ybottom + 16, g.label, turn)
    out[#out + 1] = '</g>'
  end
  out[#out + 1] = '</svg>'
  return table.concat(out, "\n")
end

-- }==================================================================

-- {==================================================================
-- A sweep
-- ===================================================================

-- A line over the points: values {{fen, amount = text}} a point, labels the points' names.
local function line_panel(out, top, name, values, labels, left, right)
  local lo, hi = math.huge, -math.huge
  for i = 1, #labels do
    local v = values[i]
    if v then
      lo = math.min(lo, v.fen)
      hi = math.max(hi, v.fen)
    end
  end
  local pad = (hi - lo) * 0.1
  if pad == 0 then pad = math.max(math.abs(hi) * 0.01, 100) end
  local y = scale(lo - pad, hi + pad, top + 150, top + 20)
  out[#out + 1] = string.format('<text class="panel" x="%d" y="%d">%s</text>', left, top + 12, esc(name))
  local step = (WIDTH - left - right) / math.max(#labels, 1)
  local pts = {}
  local function flush()  -- a failed point (no value) breaks the line
    if #pts > 0 then out[#out + 1] = string.format('<polyline class="series" points="%s"/>', table.concat(pts, " ")) end
    pts = {}
  end
  for i = 1, #labels do
    local v = values[i]
    if v then pts[#pts + 1] = num(left + (i - 0.5) * step) .. "," .. num(y(v.fen)) else flush() end
  end
  flush()
  local tick = { lo, hi }
  for _, t in ipairs(tick) do
    out[#out + 1] = string.format('<text class="tick" x="%d" y="%s" text-anchor="end">%s</text>', left - 6,
      num(y(t) + 4), esc(t == lo and values.lo_text or values.hi_text))
  end
  for i = 1, #labels do
    local v = values[i]
    if v then out[#out + 1] = string.format('<circle class="point" cx="%s" cy="%s" r="3" data-amount="%s"><title>%s: %s</title>'
      .. '</circle>', num(left + (i - 0.5) * step), num(y(v.fen)), esc(v.amount), esc(labels[i]), esc(v.amount)) end
  end
end

-- series: {{name, values = {{fen, amount} or nil...}, lo_text, hi_text}}; counts: {{errors,
-- warnings, infos, failed = message or nil}} a point; labels: the points' names. A panel a
-- series (a failed point is a gap), then the violations a bar a point.
function M.sweep(title, labels, series, counts)
  local left, right = 120, 20
  local widest = label_width(labels)
  local height = #series * 170 + 150 + math.min(160, 30 + widest * 0.6)
  local out = {}
  open(out, WIDTH, height, title)
  for k, s in ipairs(series) do
    local values = s.values
    values.lo_text, values.hi_text = s.lo_text, s.hi_text
    line_panel(out, (k - 1) * 170, s.name, values, labels, left, right)
  end
  local top = #series * 170
  local most = 0
  for _, c in ipairs(counts) do most = math.max(most, c.errors + c.warnings + c.infos) end
  local y = scale(0, math.max(most, 1), top + 150, top + 30)
  out[#out + 1] = string.format('<text class="panel" x="%d" y="%d">violations (errors, warnings, infos)</text>', left,
    top + 12)
  out[#out + 1] = string.format('<text class="tick" x="%d" y="%s" text-anchor="end">%d</text>', left - 6, num(y(most) + 4), most)
  out[#out + 1] = string.format('<text class="tick" x="%d" y="%s" text-anchor="end">0</text>', left - 6, num(y(0) + 4))
  local step = (WIDTH - left - right) / math.max(#counts, 1)
  local every = math.max(1, math.ceil(#labels / 20))
  local turn = widest > step * every
  for i, c in ipairs(counts) do
    local n = c.errors + c.warnings + c.infos
    local x = left + (i - 1) * step + step * 0.15
    if c.failed then  -- a point that failed: full height, its own colour, the error as its tooltip
      bar(out, "failed", x, y(math.max(most, 1)), step * 0.7, y(0) - y(math.max(most, 1)), "failed",
        string.format("%s: failed: %s", labels[i], c.failed))
    else
      bar(out, c.errors > 0 and "error" or (c.warnings > 0 and "warning" or "clean"), x, y(n), step * 0.7, y(0) - y(n),
        tostring(n), string.format("%s: %d errors, %d warnings, %d infos", labels[i], c.errors, c.warnings, c.infos))
    end
    if (i - 1) % every == 0 then xlabel(out, x + step * 0.35, top + 166, labels[i], turn) end
  end
  out[#out + 1] = '</svg>'
  return table.concat(out, "\n")
end

-- }==================================================================

return M
