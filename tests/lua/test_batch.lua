-- tests/lua/test_batch.lua
-- 'budget batch': the same output for any number of workers and for the shards
-- of a sweep concatenated; whole rows after SIGINT; the sweep's totals as the
-- test computes them from the document's amounts; failures as rows.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"

local S = require "sast"
local MODEL, spending_row = S.MODEL, S.spending_row
local SWEEP = "scripts/sweep-science.lua"

local function batch(...)
  return H.budget("batch", SWEEP, "--model", MODEL, ...)
end

local function plain(fen)
  return string.format("%s%d.%02d", fen < 0 and "-" or "", math.abs(fen) // 100, math.abs(fen) % 100)
end

H.test("the same sweep with --jobs 1, 2 and 4 gives the same bytes", function()
  local one, s1 = batch("--param", "rate=0%:10%:0.25%", "--jobs", "1")
  local two, s2 = batch("--param", "rate=0%:10%:0.25%", "--jobs", "2")
  local four, s4 = batch("--param", "rate=0%:10%:0.25%", "--jobs", "4")
  H.eq(s1, 0, "exit (the cuts are carried to the economic lines: only a warning, 人员经费 falls)")
  H.eq(s2, s1, "exit with 2 workers")
  H.eq(s4, s1, "exit with 4 workers")
  H.eq(two, one, "2 workers")
  H.eq(four, one, "4 workers")
  local rows = select(2, one:gsub("\r\n", ""))
  H.eq(rows, 42, "header and 41 points")
end)

H.test("3 shards concatenated are the whole sweep, byte for byte", function()
  local whole = batch("--param", "rate=0%:10%:0.5%", "--param", "hold=否,是", "--jobs", "2")
  local parts = {}
  for k = 1, 3 do
    local out, status = batch("--param", "rate=0%:10%:0.5%", "--param", "hold=否,是", "--shard", k .. "/3")
    assert(status == 0 or status == 1, out)
    parts[k] = out
  end
  H.eq(table.concat(parts), whole, "the shards")
  assert(#parts[2] > 0 and not parts[2]:find("^point"), "only the first shard has the header")
end)

H.test("the sweep's totals at 0%, 5% and 10%, computed from the document", function()
  local science, grand = spending_row("206 科学技术支出"), spending_row("合计")
  local out = batch("--param", "rate=0%:10%:0.5%", "--format", "csv")
  local rows = {}
  for line in out:gmatch("([^\r\n]+)") do
    local f = {}
    for x in (line .. ","):gmatch("([^,]*),") do f[#f + 1] = x end
    rows[f[2]] = f
  end
  for _, case in ipairs { { "0%", 0 }, { "5%", 5 }, { "10%", 10 } } do
    local r = rows[case[1]]
    assert(r, "no row for " .. case[1])
    local cut = science * case[2] // 100  -- exact: 69,149,818 元 is a whole number of fen × 100
    H.eq(r[3], plain(science - cut), "206 at " .. case[1])
    H.eq(r[4], plain(grand - cut), "the grand total at " .. case[1])
    H.eq(r[5], "0", "errors at " .. case[1])
    H.eq(r[6], case[2] == 0 and "0" or "1", "warnings at " .. case[1] .. " (人员经费 takes its share of the cut)")
  end
end)

H.test("a batch script reaches budget.money and the rest of the module, as 'run' scripts do", function()
  local path = H.tmpname(".lua")
  H.write(path, [[
local s = model:scenario("x")
s:add("206", budget.money("-1万"))
budget.emit(s, { given = budget.money("1.5万") })
]])
  local out, status = H.budget("batch", path, "--model", MODEL)
  H.eq(status, 0, "exit (the cut is carried to the economic lines)\n" .. out)
  H.has(out, string.format("0,15000.00,%s,0,1,0,", plain(spending_row("合计") - 1000000)), "the row")
end)

H.test("a sweep with 400 parameters: each point's values reach the script, and nothing overflows", function()
  local args = { "batch", SWEEP, "--model", MODEL, "--param", "rate=5%", "--jobs", "1" }
  for k = 1, 400 do args[#args + 1] = "--param"; args[#args + 1] = string.format("p%d=%d", k, k) end
  local out, status = H.budget(table.unpack(args))
  H.eq(status, 0, "exit (the cut is carried: no error)\n" .. out:sub(1, 500))
  local science = spending_row("206 科学技术支出")
  H.has(out, ",398,399,400," .. plain(science - science * 5 // 100) .. ",", "the row: every parameter, then 206")
end)

H.test("jsonl: a JSON object per row, the same figures", function()
  local out = batch("--param", "rate=5%", "--format", "jsonl")
  H.has(out, '{"errors":0,"infos":0,"point":0,"rate":"5%","science":"65692327.10","total":"107196630.10","warnings":1}\n')
end)

H.test("SIGINT stops a long batch; the file holds only whole rows, from the first point on", function()
  local out = H.tmpname(".csv")
  -- interrupt once the temporary file beside the output holds some rows (however slow the build)
  local cmd = string.format("(%s batch %s --model %s --param rate=0%%:20%%:0.0001%% --jobs 2 -o %s & pid=$!; "
    .. "for i in $(seq 1200); do [ $(cat %s.* 2>/dev/null | wc -c) -gt 2000 ] && break; sleep 0.1; done; "
    .. "kill -INT $pid; wait $pid; echo \"status=$?\")", H.bin, SWEEP, MODEL, out, out)
  local text = H.sh(cmd)
  H.has(text, "status=130", "exit status")
  H.has(text, "batch interrupted")
  local data = H.read(out)
  assert(#data > 0, "the file is empty")
  H.eq(data:sub(-2), "\r\n", "the last row is whole")
  local n = 0
  for line in data:gmatch("([^\r\n]*)\r\n") do
    local fields = select(2, line:gsub(",", ",")) + 1
    H.eq(fields, 8, "fields of row " .. n)
    if n > 0 then H.eq(line:match("^(%d+),"), tostring(n - 1), "rows in order from point 0") end
    n = n + 1
  end
  assert(n > 2 and n < 200002, "rows: " .. n)
end)

H.test("a point that fails is a row with its error; the others go on; exit 2", function()
  local script = H.tmpname(".lua")
  H.write(script, [[
    local s = model:scenario("x")
    if params.ref == "无此科目" then s:cut(params.ref, "5%") end
    s:cut("206 07 02", "5%")
    budget.emit(s, { popular = s:total("206 07 02") })
  ]])
  local out, status = H.budget("batch", script, "--model", MODEL, "--param", "ref=206,无此科目,208")
  H.eq(status, 2, "exit\n" .. out)
  H.has(out, "0,206,3467500.00,")
  H.has(out, "'无此科目' is not a member")
  H.has(out, "2,208,3467500.00,")
  H.has(out, "1 of 3 points failed")
end)

H.test("a script that makes its own scenarios runs once; each emit is a row", function()
  local script = H.tmpname(".lua")
  H.write(script, [[
    local projects = {}
    for _, m in ipairs(model:members("项目")) do if m.depth == 0 then projects[#projects + 1] = m.name end end
    for i = 1, #projects do
      for j = 1, #projects do
        if i ~= j then
          local s = model:scenario(projects[i] .. "→" .. projects[j])
          s:transfer(projects[i], projects[j], "1万")
          budget.emit(s, { from = projects[i], to = projects[j] })
        end
      end
    end
  ]])
  local out, status = H.budget("batch", script, "--model", MODEL, "--jobs", "2")
  H.eq(status, 0, "exit\n" .. out)
  H.eq(select(2, out:gsub("\r\n", "")), 57, "the header and 8 × 7 transfers")
  H.has(out, "point,from,to,total,errors,warnings,infos,error\r\n")
end)

H.test("bad batch arguments: exit 2 with what was expected", function()
  for _, case in ipairs {
    { { "--param", "rate=10%:0%:1%" }, "FROM is past TO" },
    { { "--param", "rate=0%:10%:0%" }, "the step must be above zero" },
    { { "--param", "rate" }, "expected NAME=FROM:TO:STEP or NAME=a,b,c" },
    { { "--param", "rate=1%", "--shard", "4/3" }, "expected K/N with 1 <= K <= N" },
    { { "--param", "rate=1%", "--jobs", "0" }, "expected a number from 1 to 256" },
    { { "--param", "rate=1%", "--format", "xml" }, "unknown format 'xml'" },
  } do
    local out, status = batch(table.unpack(case[1]))
    H.eq(status, 2, table.concat(case[1], " "))
    H.has(out, case[2])
  end
end)

H.test("points that tamper with everything they reach: the same bytes for any --jobs and run, victims untouched", function()
  local function tampered(...)
    return H.budget("batch", "tests/scripts/tamper.lua", "--model", MODEL, ...)
  end
  local want, status = tampered("--param", "p=1:400:1", "--jobs", "1")
  H.eq(status, 0, "the tampering batch (its cuts are carried: no error)\n" .. want:sub(1, 2000))
  H.eq(select(2, want:gsub("\n", "")), 401, "the header and 400 rows")
  for _, j in ipairs { "1", "2", "4", "8" } do
    local got = tampered("--param", "p=1:400:1", "--jobs", j)
    if got ~= want then error("--jobs " .. j .. ": the output differs from --jobs 1's") end
  end
  -- every victim row (an even point) is what a batch of victims alone gives
  local alone = tampered("--param", "p=2:400:2", "--jobs", "2")
  local victims, clean = {}, {}
  for row in want:gmatch("[^\r\n]+") do
    local p, rest = row:match("^%d+,(%d+),(victim,.*)$")
    if p then victims[#victims + 1] = p .. "," .. rest end
  end
  for row in alone:gmatch("[^\r\n]+") do
    local p, rest = row:match("^%d+,(%d+),(victim,.*)$")
    if p then clean[#clean + 1] = p .. "," .. rest end
  end
  H.eq(#victims, 200, "200 victims among the 400 points")
  H.eq(#clean, 200, "200 victims alone")
  for i = 1, #clean do H.eq(victims[i], clean[i], "victim " .. i) end
end)

H.run()
