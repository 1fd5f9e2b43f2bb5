-- tests/lua/test_import.lua
-- 'budget import': the SAST document gives a model equal to the hand-written
-- one, cell by cell, scalar by scalar and rule by rule; the scenarios give the
-- same reports on both; each variation of the document imports to the same
-- facts; each broken document stops with its line and message and leaves no
-- file behind.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"

local MODEL, DOCUMENT = "models/sast-2021.lua", "models/sast-2021.txt"

local function dump(model)
  local out, status = H.budget("run", "tests/scripts/dump-model.lua", "--model", model)
  H.eq(status, 0, "dump " .. model .. "\n" .. out)
  return out
end

local function facts_only(text)
  local t = {}
  for l in text:gmatch("[^\n]+") do if l:find("^fact ") then t[#t + 1] = l end end
  return table.concat(t, "\n")
end

local function import(doc)
  local out = H.tmpname(".lua")
  local text, status = H.budget("import", doc, "-o", out)
  return out, text, status
end

local hand_dump = nil
local function hand() hand_dump = hand_dump or dump(MODEL) return hand_dump end

H.test("the SAST document imports to the hand-written model: every cell, scalar and rule", function()
  local out, text, status = import(DOCUMENT)
  H.eq(status, 0, "import\n" .. text)
  local mine = dump(out)
  local expected = hand()
  assert(#expected > 2000, "the dump is too short")
  if mine ~= expected then
    local a, b = {}, {}
    for l in expected:gmatch("[^\n]+") do a[l] = true end
    for l in mine:gmatch("[^\n]+") do b[l] = true end
    local diff = {}
    for l in pairs(a) do if not b[l] then diff[#diff + 1] = "- " .. l end end
    for l in pairs(b) do if not a[l] then diff[#diff + 1] = "+ " .. l end end
    table.sort(diff)
    error("the imported model differs:\n" .. table.concat(diff, "\n"))
  end
  local check, cs = H.budget("check", out)
  H.eq(cs, 0, "check of the imported model\n" .. check)
  H.has(check, "rules held")
end)

H.test("the scenarios give the same reports on the imported model as on the hand-written one", function()
  local out = import(DOCUMENT)
  for _, script in ipairs { "cut-science-5pct", "reallocate-projects", "hold-personnel-cut-3pct", "freeze-sangong",
                            "breaks-rules" } do
    local path = "scripts/" .. script .. ".lua"
    local a, sa = H.budget("run", path, "--model", MODEL)
    local b, sb = H.budget("run", path, "--model", out)
    H.eq(sb, sa, script .. " exit status")
    local function strip(r) return (r:gsub("\nModel: [^\n]*", "")) end
    H.eq(strip(b), strip(a), script .. " report")
  end
end)

-- Each variation of the document (tests/import/README.md says which edits) imports to the same facts.
for _, case in ipairs {
  { "numbered-fullwidth", 0 }, { "page-breaks", 0 }, { "split-headers", 0 }, { "column-sets", 0 },
  { "number-forms", 0 }, { "wan-tables", 0 }, { "extra-table", 0 }, { "unit-budget", 0 },
} do
  H.test("variation " .. case[1] .. ": imports, holds every rule, the same cells as the SAST model", function()
    local out, text, status = import("tests/import/" .. case[1] .. ".txt")
    H.eq(status, 0, "import\n" .. text)
    local check, cs = H.budget("check", out)
    H.eq(cs, case[2], "check\n" .. check)
    H.eq(facts_only(dump(out)), facts_only(hand()), "the cells")
  end)
end

H.test("variation unit-budget: a unit's budget of another year keeps its year and kind", function()
  local out = import("tests/import/unit-budget.txt")
  local text = H.read(out)
  H.has(text, 'year = 2022,')
  H.has(text, 'name = "上海市科学技术协会2022年单位预算"')
  H.has(text, 'view "单位支出预算总表"')
end)

H.test("variation extra-table: the empty 国有资本经营预算 table becomes a view and a source", function()
  local out = import("tests/import/extra-table.txt")
  local text = H.read(out)
  H.has(text, 'view "部门国有资本经营预算支出功能分类预算表"')
  H.has(text, '{"国有资本经营预算"}')
end)

H.test("a table that does not add up is imported; check reports it", function()
  local out, text, status = import("tests/import/not-adding-up.txt")
  H.eq(status, 0, "import\n" .. text)
  local check, cs = H.budget("check", out)
  H.eq(cs, 1, "check\n" .. check)
  H.has(check, "error: 部门支出预算总表: 208 05 02 事业单位离退休 / 合计: found 960,376.00, expected 960,377.00, difference -1.00")
end)

H.test("import writes the whole file or none: a failed import leaves the old file as it was", function()
  local out = H.tmpname(".lua")
  H.write(out, "-- the old model\n")
  local text, status = H.budget("import", "tests/bad/documents/truncated.txt", "-o", out)
  H.eq(status, 2, "exit\n" .. text)
  H.eq(H.read(out), "-- the old model\n", "the old file")
  local dir = out:match("^(.*)/")
  local left = H.sh("ls " .. dir .. " | grep -c '" .. out:match("[^/]*$") .. "%.' || true")
  H.eq(left:gsub("%s", ""), "0", "temporary files left")
end)

-- The broken documents of tests/bad/documents/ are run with the rest of the bad inputs (test_bad.lua).

H.run()
