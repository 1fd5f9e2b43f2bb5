-- tests/lua/test_refs.lua
-- budget.refs (engine/lua/refs.lua): describe, cell_label and amount_in, run
-- in a trusted script on the SAST model. Expected labels are built here from
-- the model's own members; expected amounts from the text's digits.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"
local S = require "sast"

local function run(body)
  local out, status = S.run('local refs = require "budget.refs"\n' .. body, "--trusted")
  H.eq(status, 0, "exit\n" .. out)
  return S.values(out), out
end

H.test("describe: a string or number as itself, a table as {k=v, ...} with its keys sorted", function()
  local v = run [[
    print("s", refs.describe("206 07"))
    print("n", refs.describe(206))
    print("t", refs.describe { ["支出性质"] = "项目支出", ["功能分类"] = "206", facts = "支出" })
    print("e", refs.describe {})
  ]]
  H.eq(v.s, "206 07", "a string")
  H.eq(v.n, "206", "a number")
  local keys = { "支出性质", "功能分类", "facts" }
  table.sort(keys)
  local vals = { ["支出性质"] = "项目支出", ["功能分类"] = "206", facts = "支出" }
  local parts = {}
  for i, k in ipairs(keys) do parts[i] = k .. "=" .. vals[k] end
  H.eq(v.t, "{" .. table.concat(parts, ", ") .. "}", "a table, keys in byte order")
  H.eq(v.e, "{}", "an empty table")
end)

H.test("cell_label: every cell of every fact set as its members' codes and names", function()
  local v = run [==[
    local n, bad = 0, {}
    for _, set in ipairs(model.sets) do
      for _, c in ipairs(model:cells(set.name)) do
        local parts = {}
        for i, dn in ipairs(set.dims) do
          -- the member, found by walking the dimension's member list (not core:info)
          for _, m in ipairs(model:members(dn)) do
            if m.id == c[i] then parts[i] = (m.spaced ~= "" and (m.spaced .. " ") or "") .. m.name end
          end
        end
        local want, got = table.concat(parts, " / "), refs.cell_label(model, set, c)
        n = n + 1
        if want ~= got then bad[#bad + 1] = want .. " ~= " .. got end
      end
    end
    print("n", n)
    print("bad", #bad == 0 and "none" or table.concat(bad, "; "))
    local set = model.set_by_name["支出"]
    print("first", refs.cell_label(model, set, model:cells("支出")[1]))
  ]==]
  H.eq(v.bad, "none", "labels")
  assert(tonumber(v.n) > 23, v.n)
  -- the model's first spending cell, from its source text
  local src = H.read(S.MODEL)
  local code, source, kind = src:match('facts "支出" {.-\n%s*{"([%d ]+)", "([^"]+)", "([^"]+)", "[%d,]+"}')
  local name = src:match('{"' .. code .. '", "([^"]+)"}')
  H.eq(v.first, code .. " " .. name .. " / " .. source .. " / " .. kind, "the first cell")
end)

H.test("amount_in: a bare figure in the unit given, a figure with its own unit word as it says", function()
  local v = run [[
    local function fen(x) return tostring(x:fen()) end
    print("yuan", fen(refs.amount_in("1,234.56", "元")))
    print("wan", fen(refs.amount_in("1.5", "万元")))
    print("yi", fen(refs.amount_in("2", "亿元")))
    print("own", fen(refs.amount_in("3万", "亿元")))
    print("ownyuan", fen(refs.amount_in("7元", "万元")))
    print("int", fen(refs.amount_in(42, "万元")))
    print("nounit", fen(refs.amount_in("5", nil)))
  ]]
  H.eq(v.yuan, tostring(123456), "元")
  H.eq(v.wan, tostring(15000 * 100), "1.5万元")
  H.eq(v.yi, tostring(2 * 100000000 * 100), "2亿元")
  H.eq(v.own, tostring(30000 * 100), "3万 keeps its 万 in a table of 亿元")
  H.eq(v.ownyuan, tostring(700), "7元 stays 7 元")
  H.eq(v.int, tostring(42 * 10000 * 100), "an integer is a figure in the unit")
  H.eq(v.nounit, tostring(500), "no unit: 元")
end)

H.test("amount_in: a float, nil or bad text is nil and the reason", function()
  local v = run [[
    local function why(...) local a, e = refs.amount_in(...) return tostring(a) .. "|" .. tostring(e) end
    print("float", why(1.5, "元"))
    print("nil", why(nil, "元"))
    print("table", why({}, "元"))
    print("text", why("abc", "元"))
    print("double", why("1.2.3", "万元"))
  ]]
  H.eq(v.float, "nil|an amount as a string such as '1,234.56' (got a float 1.5)", "a float")
  H.eq(v["nil"], "nil|an amount as a string such as '1,234.56' (got a nil)", "nil")
  assert(v.table:find("^nil|an amount as a string such as '1,234.56' %(got a table table: "), v.table)
  assert(v.text:find("^nil|malformed amount 'abc'"), v.text)
  assert(v.double:find("^nil|"), v.double)
  assert(v.double ~= "nil|nil", "a reason for 1.2.3")
end)

H.test("the UNIT_SUFFIX table: 元 adds nothing, 万元 and 亿元 their word", function()
  local v = run [[
    for _, u in ipairs { "元", "万元", "亿元" } do print(u, "[" .. refs.UNIT_SUFFIX[u] .. "]") end
  ]]
  H.eq(v["元"], "[]", "元")
  H.eq(v["万元"], "[万元]", "万元")
  H.eq(v["亿元"], "[亿元]", "亿元")
end)

H.run()
