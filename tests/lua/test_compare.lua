-- tests/lua/test_compare.lua
-- 'budget compare MODEL a.lua b.lua ...' (engine/lua/compare.lua): scenarios
-- side by side, each script on its own load of the model, its last scenario
-- its entry; a row for every total any scenario moved, each one's amount, its
-- change and its difference from the first. Expected figures are computed here
-- from the model's cells (read from its source text).
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"
local S = require "sast"

local MODEL, yuan = S.MODEL, S.yuan
local SRC, CELLS, NAME, ORDER, under = S.SRC, S.CELLS, S.NAME, S.CODES, S.under
local function plain(fen) return (yuan(fen):gsub(",", "")) end

local function script(text)
  local p = H.tmpname(".lua")
  H.write(p, text)
  return p
end

-- A: 10% off 206 07 99. B: 1,000 元 onto 221 02 03 and 2% off 201, by hand ({carry = false}): the
-- economic lines are left as they were, and the identity between them reports it.
local A = script 'local s = model:scenario("A1")\ns:cut("206 07 99", "10%")\n'
local B = script 'local s = model:scenario("B1", {carry = false})\ns:add("221 02 03", "1,000")\ns:cut("201", "2%")\n'
local MOVE_A = { ["206 07 99"] = -(under("206 07 99") // 10) }
-- (moves by leaf: 201's one leaf is 201 29 01)
local MOVE_B = { ["221 02 03"] = 100000, ["201 29 01"] = -(under("201") * 2 // 100) }
assert(under("201") == under("201 29 01"), "201 has one leaf")

-- A total's move in a scenario: Σ the moves of the leaves under it.
local function moved(moves, code)
  local d = 0
  for leaf, m in pairs(moves) do
    if code == "" or leaf == code or leaf:sub(1, #code + 1) == code .. " " then d = d + m end
  end
  return d
end

-- The rows the table must hold: 总计, then each 类 and 款 (codes of one or two parts) either moved.
local function rows()
  local out = { { code = "", name = "总计" } }
  for _, code in ipairs(ORDER) do
    if not code:find("^%d+ %d+ %d+$") and (moved(MOVE_A, code) ~= 0 or moved(MOVE_B, code) ~= 0) then
      out[#out + 1] = { code = code, name = NAME[code] }
    end
  end
  for _, r in ipairs(out) do
    r.base, r.a, r.b = under(r.code), moved(MOVE_A, r.code), moved(MOVE_B, r.code)
  end
  return out
end

H.test("text: a row for every total either moved, amounts, changes and B − A from the cells", function()
  local out, status = H.budget("compare", MODEL, A, B)
  H.eq(status, 1, "exit: B breaks a rule\n" .. out)
  H.has(out, "Comparison of 2 scenarios\n")
  H.has(out, "A = A1 (" .. A .. ")\nB = B1 (" .. B .. ")\n")
  local lines = {}
  for l in out:gmatch("[^\n]+") do lines[#lines + 1] = H.words(l) end
  local text = table.concat(lines, "\n") .. "\n"
  local want = { "code name base A A − base B B − base B − A" }
  for _, r in ipairs(rows()) do
    want[#want + 1] = H.words(string.format("%s %s %s %s %s %s %s %s", r.code, r.name, yuan(r.base), yuan(r.base + r.a),
      yuan(r.a), yuan(r.base + r.b), yuan(r.b), yuan(r.b - r.a)))
  end
  H.has(text, "支出 by 功能分类 (元)\n" .. table.concat(want, "\n") .. "\nA (A1): No rule is broken.\n", "the table, exactly")
  H.has(text, "B (B1): Violations: 1 error, 0 warnings\n")
end)

H.test("csv: the same rows with plain figures; a violation under its scenario's columns", function()
  local out, status = H.budget("compare", MODEL, A, B, "--format", "csv")
  H.eq(status, 1, "exit\n" .. out)
  local want = { "section,set,code,name,base,A,A-base,B,B-base,B-A" }
  for _, r in ipairs(rows()) do
    want[#want + 1] = table.concat({ "total", "支出", r.code, r.name, plain(r.base), plain(r.base + r.a), plain(r.a),
      plain(r.base + r.b), plain(r.b), plain(r.b - r.a) }, ",")
  end
  H.has(out, table.concat(want, "\r\n") .. "\r\nviolation:error,经济分类 = 一般公共预算基本支出,B,", "the rows, exactly")
  -- B's violation: 经济 is unchanged (found); 一般公共预算 basic spending moved by 221 02 03's 1,000 and 201's cut
  -- of its basic cell (expected)
  local basic201 = 0
  for _, c in ipairs(CELLS) do
    if c.code:find("^201") and c.source == "一般公共预算" and c.kind == "基本支出" then basic201 = basic201 + c.fen end
  end
  local gb = 0
  for _, c in ipairs(CELLS) do if c.source == "一般公共预算" and c.kind == "基本支出" then gb = gb + c.fen end end
  local expected = gb + 100000 - basic201 * 2 // 100
  H.has(out, string.format("violation:error,经济分类 = 一般公共预算基本支出,B,经济分类合计 / 一般公共预算基本支出,%s,,,%s,%s,\r\n",
    plain(expected), plain(gb), plain(gb - expected)))
end)

H.test("three scripts: keys A, B, C; each differs from A; the same script twice differs by nothing", function()
  local out, status = H.budget("compare", MODEL, A, B, A, "--format", "csv")
  H.eq(status, 1, "exit\n" .. out)
  H.has(out, "section,set,code,name,base,A,A-base,B,B-base,C,C-base,B-A,C-A\r\n")
  local r = rows()[1]
  H.has(out, string.format("total,支出,,总计,%s,%s,%s,%s,%s,%s,%s,%s,%s\r\n", plain(r.base), plain(r.base + r.a), plain(r.a),
    plain(r.base + r.b), plain(r.b), plain(r.base + r.a), plain(r.a), plain(r.b - r.a), plain(0)))
end)

H.test("each script its own load: what one does, the next does not see; the last scenario made is the entry", function()
  local first = script [[
    local s = model:scenario("first")
    s:cut("206", "50%")
    local t = model:scenario("second")
    t:add("210 99 99", "-3,000")
  ]]
  local other = script [[
    local s = model:scenario("other")
    s:add("210 99 99", "-3,000")
  ]]
  local out, status = H.budget("compare", MODEL, first, other, "--format", "csv")
  H.eq(status, 0, "exit\n" .. out)
  H.has(out, string.format("total,支出,,总计,%s,%s,%s,%s,%s,%s\r\n", plain(under("")), plain(under("") - 300000),
    plain(-300000), plain(under("") - 300000), plain(-300000), plain(0)))
  assert(not out:find("\r\ntotal,支出,206,", 1, true), "the first scenario of the script is not the entry\n" .. out)
  out = H.budget("compare", MODEL, first, other)
  H.has(out, "A = second (" .. first .. ")")
end)

H.test("no scenario changes an amount: said so, exit 0", function()
  local none = script 'local s = model:scenario("none")\n'
  local out, status = H.budget("compare", MODEL, none, none)
  H.eq(status, 0, "exit\n" .. out)
  H.has(out, "No scenario changed an amount.")
end)

H.test("errors: no scenario, no script, a missing script, a sandboxed read: exit 2", function()
  local empty = script "local x = 1\n"
  local out, status = H.budget("compare", MODEL, empty)
  H.eq(status, 2, "no scenario\n" .. out)
  H.has(out, empty .. ": the script made no scenario to compare (model:scenario(name))")
  out, status = H.budget("compare", MODEL)
  H.eq(status, 2, "no script\n" .. out)
  H.has(out, "compare: expected a model and one or more scripts")
  out, status = H.budget("compare", MODEL, "/nonexistent/x.lua")
  H.eq(status, 2, "missing\n" .. out)
  H.has(out, "/nonexistent/x.lua: cannot read the script")
  out, status = H.budget("compare", MODEL, A, "--format", "xml")
  H.eq(status, 2, "format\n" .. out)
  H.has(out, "compare: unknown format 'xml'")
  local reads = script 'local f = io.open("/etc/passwd")\nlocal s = model:scenario("r")\n'
  out, status = H.budget("compare", MODEL, reads)
  H.eq(status, 2, "the sandbox\n" .. out)
  out, status = H.budget("compare", MODEL, reads, "--trusted")
  H.eq(status, 0, "--trusted\n" .. out)
end)

-- The B columns of a compare table (each table line's B and B − base, the third and second fields
-- from its end), by the table's heading and the line's code and name.
local function b_columns(out)
  local cols, heading, n = {}, "", 0
  for line in out:gmatch("[^\n]+") do
    local f = {}
    for x in line:gmatch("%S+") do f[#f + 1] = x end
    if line:find("%(元%)$") then heading = line end
    if #f >= 4 and f[#f - 2]:match("^%-?[%d,]+%.%d%d$") then
      local key = heading .. " | " .. (line:match("^(.-)%s+%-?[%d,]+%.%d%d") or "")
      cols[key] = f[#f - 2] .. " " .. f[#f - 1]
      n = n + 1
    end
  end
  return cols, n
end

H.test("a script that tampers with everything it reaches does not change the next script's scenario", function()
  local alone, s1 = H.budget("compare", MODEL, "tests/scripts/victim.lua", "tests/scripts/victim.lua")
  H.eq(s1, 0, "compare victim victim\n" .. alone)
  local after, s2 = H.budget("compare", MODEL, "tests/scripts/tamper.lua", "tests/scripts/victim.lua")
  H.eq(s2 <= 1, true, "compare tamper victim\n" .. after)
  H.has(after, "B = victim  (tests/scripts/victim.lua)", "the victim's own name, made with its own string.format")
  local want, n = b_columns(alone)
  local got = b_columns(after)
  assert(n > 20, "the comparison has its rows")
  for key, cols in pairs(want) do H.eq(got[key], cols, key .. ": the victim's columns") end
  for key, cols in pairs(got) do  -- rows only the tamperer changed: the victim left them as they were
    if not want[key] then H.eq(cols:match("%S+$"), "0.00", key .. ": the victim's change") end
  end
end)

H.run()
