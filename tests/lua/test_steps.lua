-- tests/lua/test_steps.lua
-- s:steps() and s:layers() (engine/lua/steps.lua) on the SAST model: each
-- step's moves of the grand total and of each 类 and 款 total add up exactly to
-- the scenario's change, for a plain scenario, a layered one and a merge. The
-- expected figures come from the model's own cells and totals, never from the
-- engine's output.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"
local S = require "sast"

-- Helpers put before each script: fen of a money; Σ of a fact set's cells under a code of
-- its first dimension (from model:cells); and the check that a scenario's steps and layers
-- add up to its change in every tracked total (printed as key<TAB>value lines).
local PRELUDE = [==[
local NOCARRY = { carry = false }  -- tests of the steps' arithmetic where the hand sums follow one set
local function fen(x) return math.tointeger(tonumber(tostring(x:fen()))) end
local function under(set, code)
  local st = model.set_by_name[set]
  local d = model.dim_by_name[st.dims[1]].index
  local sum = 0
  for _, c in ipairs(model:cells(set)) do
    local sp = model.core:info(d, c[1]).spaced
    if code == "" or sp == code or sp:sub(1, #code + 1) == code .. " " then sum = sum + fen(c[#c]) end
  end
  return sum
end
-- For every fact set, its grand total and every 类/款: Σ the steps' moves vs the change.
local function check(tag, s)
  local steps, bad, n = s:steps(), {}, 0
  local sum = {}
  for _, st in ipairs(steps) do
    for _, mv in ipairs(st.moves) do
      local by = sum[mv.set] or {}
      sum[mv.set] = by
      local rowsum = 0
      for _, r in ipairs(mv.rows) do
        local key = r.depth == -1 and "" or r.code
        if key == "" and r.depth ~= -1 then key = "name:" .. r.name end  -- a member with no code (三公)
        by[key] = (by[key] or 0) + fen(r.delta)
        if r.depth == -1 then rowsum = rowsum + fen(r.delta) end
      end
      if fen(mv.total) ~= rowsum then bad[#bad + 1] = tag .. " step " .. st.label .. ": total ~= its 总计 row" end
    end
  end
  local lsum = {}
  for _, l in ipairs(s:layers()) do
    for _, mv in ipairs(l.moves) do lsum[mv.set] = (lsum[mv.set] or 0) + fen(mv.total) end
  end
  for _, set in ipairs(model.sets) do
    local by = sum[set.name] or {}
    local dim = set.dims[1]
    local want = fen(s:total { facts = set.name }) - fen(model:total { facts = set.name })
    n = n + 1
    if (by[""] or 0) ~= want then bad[#bad + 1] = string.format("%s %s 总计: steps %d, change %d", tag, set.name, by[""] or 0, want) end
    if (lsum[set.name] or 0) ~= want then bad[#bad + 1] = string.format("%s %s layers %d, change %d", tag, set.name, lsum[set.name] or 0, want) end
    for _, mem in ipairs(model:members(dim)) do
      if mem.depth <= 1 and mem.spaced ~= "" then
        local sel = { facts = set.name, [dim] = mem.id }
        local w = fen(s:total(sel)) - fen(model:total(sel))
        n = n + 1
        if (by[mem.spaced] or 0) ~= w then
          bad[#bad + 1] = string.format("%s %s %s: steps %d, change %d", tag, set.name, mem.spaced, by[mem.spaced] or 0, w)
        end
      end
    end
  end
  print("checked:" .. tag, n)
  print("bad:" .. tag, #bad == 0 and "none" or table.concat(bad, "; "))
  print("steps:" .. tag, #steps)
  print("grand:" .. tag, fen(s:total()) - fen(model:total()))
  return steps
end
]==]

local function run(body)
  local out, status = S.run(PRELUDE .. body, "--trusted")
  assert(status == 0 or status == 1, "exit " .. tostring(status) .. "\n" .. out)  -- 1: a scenario broke a rule
  return S.values(out), out
end

local function clean(v, tag)
  H.eq(v["bad:" .. tag], "none", tag .. ": steps add up")
  assert(tonumber(v["checked:" .. tag]) > 10, tag .. ": totals checked")
end

H.test("one scenario: each step's moves, and their sum is the change of every total", function()
  local v = run [[
    local s = model:scenario("plain")
    s:cut("206", "5%")
    s:add("208 05 01", "-1,000")
    s:transfer("302 12", "302 17", "1,000")
    local st = check("plain", s)
    print("n", #st)
    print("cut", fen(st[1].moves[1].total))
    print("want_cut", -(under("支出", "206") * 5 // 100))
    local k = {}
    for _, r in ipairs(st[1].moves[1].rows) do if r.depth >= 0 then k[#k + 1] = r.code .. "=" .. fen(r.delta) end end
    print("cut_rows", table.concat(k, ","))
    print("want_rows", string.format("206=%d,206 01=%d,206 07=%d", -(under("支出", "206") * 5 // 100),
      -(under("支出", "206 01") * 5 // 100), -(under("支出", "206 07") * 5 // 100)))
    print("add", fen(st[2].moves[1].total))
    print("transfer_sets", st[3].moves[1].set .. ":" .. fen(st[3].moves[1].total))
    print("labels", st[1].label .. "|" .. st[1].op .. "|" .. st[3].op)
    print("layers", #s:layers(), s:layers()[1].name)
  ]]
  clean(v, "plain")
  H.eq(v.n, "3", "steps")
  H.eq(v.cut, v.want_cut, "the cut's move: 5% of Σ 206's cells")
  H.eq(v.cut_rows, v.want_rows, "the cut's 类 and 款 rows")
  H.eq(v.add, "-100000", "the add's move in fen")
  H.eq(v.transfer_sets, "经济:0", "a transfer within 经济 moves its grand total by nothing")
  H.eq(v.labels, "cut 206 by 5%|cut|transfer", "labels")
  H.eq(v.layers, "1\tplain", "one layer")
end)

H.test("a layered scenario: the parent's steps first, all adding up to the layer's change", function()
  local v = run [[
    local s = model:scenario("parent", NOCARRY)
    s:cut("206", "5%")
    s:cut("302", "10%")
    local l = s:scenario("layer", NOCARRY)
    l:add("221 02 03", "12,345.67")
    l:cut("201", "3%")
    local st = check("layer", l)
    check("parent", s)
    local names = {}
    for _, x in ipairs(st) do names[#names + 1] = x.layer end
    print("order", table.concat(names, ","))
    local ls = {}
    for _, x in ipairs(l:layers()) do ls[#ls + 1] = x.name .. ":" .. x.first .. "-" .. x.last .. ":" .. fen(x.moves[1].total) end
    print("layers", table.concat(ls, ","))
    print("want_parent", -(under("支出", "206") * 5 // 100))
    print("want_layer", 1234567 - under("支出", "201") * 3 // 100)
    -- the parent goes on after the layer was made: the layer's steps still add up
    s:add("210 99 99", "-500")
    check("after", l)
    check("parent2", s)
  ]]
  clean(v, "layer"); clean(v, "parent"); clean(v, "after"); clean(v, "parent2")
  H.eq(v.order, "parent,parent,layer,layer", "the parent's steps first")
  H.eq(v.layers, string.format("parent:1-2:%s,layer:3-4:%s", v.want_parent, v.want_layer), "the layers' 支出 moves")
  H.eq(v["grand:layer"], tostring(math.tointeger(v.want_parent + v.want_layer)), "the layer's grand change")
end)

H.test("a merge of two disjoint scenarios: both sides' steps, adding up to the merge's change", function()
  local v = run [[
    local a = model:scenario("a", NOCARRY)
    a:cut("206 07 99", "20%")
    a:set("302 17", "0")
    local b = model:scenario("b", NOCARRY)
    b:add("208 05 02", "2,000")
    b:cut("210", "1%")
    local m = budget.merge(a, b, "ab")
    local st = check("merge", m)
    check("a", a); check("b", b)
    local names = {}
    for _, x in ipairs(st) do names[#names + 1] = x.layer end
    print("order", table.concat(names, ","))
    local ls = {}
    for _, x in ipairs(m:layers()) do ls[#ls + 1] = x.name end
    print("layers", table.concat(ls, ","))
    print("want", -(under("支出", "206 07 99") * 20 // 100) + 200000 - under("支出", "210") // 100)
  ]]
  clean(v, "merge"); clean(v, "a"); clean(v, "b")
  H.eq(v.order, "a,a,b,b", "each side's steps, no merge step for disjoint sides")
  assert(v.layers:find("a", 1, true) and v.layers:find("b", 1, true), v.layers)
  H.eq(v["grand:merge"], v.want, "the merge's grand change = Σ of both sides' moves")
  H.eq(v["grand:merge"], tostring(math.tointeger(tonumber(v["grand:a"]) + tonumber(v["grand:b"]))), "= a's + b's")
end)

H.test("a merge where both sides changed a cell the same way: one step counts it once", function()
  local v = run [[
    local a = model:scenario("a", NOCARRY)
    a:set("210 99 99", "40,000")
    a:cut("201", "2%")
    local b = model:scenario("b", NOCARRY)
    b:set("210 99 99", "40,000")
    local m = budget.merge(a, b, "same")
    local st = check("same", m)
    local last = st[#st]
    print("last_op", last.op)
    print("last_move", fen(last.moves[1].total))
    print("want_last", -(4000000 - under("支出", "210 99 99")))
    print("want", (4000000 - under("支出", "210 99 99")) - under("支出", "201") * 2 // 100)
  ]]
  clean(v, "same")
  H.eq(v.last_op, "merge", "the counted-once step")
  H.eq(v.last_move, v.want_last, "it takes back one side's move")
  H.eq(v["grand:same"], v.want, "the merge's change")
end)

H.test("a merge of layers sharing a parent: the shared steps once, then each side's", function()
  local v = run [[
    local p = model:scenario("p", NOCARRY)
    p:cut("221", "4%")
    local a = p:scenario("a", NOCARRY); a:add("206 07 02", "-30,000")
    local b = p:scenario("b", NOCARRY); b:add("208 05 99", "600")
    local m = budget.merge(a, b, "pm")
    local st = check("pm", m)
    local names = {}
    for _, x in ipairs(st) do names[#names + 1] = x.layer end
    print("order", table.concat(names, ","))
    print("want", -(under("支出", "221") * 4 // 100) - 3000000 + 60000)
  ]]
  clean(v, "pm")
  H.eq(v.order, "p,a,b", "the parent's step once")
  H.eq(v["grand:pm"], v.want, "the change")
end)

H.test("s:steps() hands out copies: changing one leaves the next call's steps as they were", function()
  local v = run [[
    local s = model:scenario("c", NOCARRY)
    s:cut("206", "5%")
    local st = s:steps()
    st[1].moves[1].rows[1].delta = budget.money("1")
    st[1].label = "changed"
    local again = s:steps()
    print("label", again[1].label)
    print("delta", fen(again[1].moves[1].total) == fen(again[1].moves[1].rows[1].delta) and "same" or "differs")
    check("c", s)
  ]]
  clean(v, "c")
  H.eq(v.label, "cut 206 by 5%", "label kept")
  H.eq(v.delta, "same", "moves kept")
end)

H.run()
