-- tests/lua/test_plan.lua
-- Batch plans (engine/lua/plan.lua, engine/host/plan.c): a script of the sweep shape runs in C,
-- and that must not change an output byte. Every batch script in scripts/ and tests/ runs both
-- ways (BUDGET_NO_PLAN=1 makes every worker run the script as it is), in CSV and JSON lines, on one
-- and two workers, with parameters that parse and some that do not; the outputs and exit statuses
-- must be the same. The shape's recogniser is tested on texts that must and must not be plans.
package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"

local MODEL = "models/sast-2021.lua"

-- The command with an environment variable set for it.
local function budget_env(env, ...)
  local args = {}
  for i, a in ipairs { ... } do args[i] = "'" .. tostring(a):gsub("'", "'\\''") .. "'" end
  return H.sh("env " .. env .. " " .. (H.wrap and H.wrap .. " " or "") .. H.bin .. " " .. table.concat(args, " "))
end

local function scripts()
  local out = {}
  for f in H.sh("ls scripts/*.lua; grep -rl 'budget.emit' tests --include='*.lua' | grep -v '^tests/lua/' | sort"):gmatch("[^\n]+") do
    out[#out + 1] = f
  end
  return out
end

local PARAMS = {
  { "--param", "rate=0%:4%:0.5%", "--param", "amount=1万,10万,-5万,1.234,x" },
  { "--param", "rate=5,0.05,1/3,abc,-2%,150%" },
}

for _, file in ipairs(scripts()) do
  H.test("batch " .. file .. ": the same bytes with and without its plan", function()
    for _, params in ipairs(PARAMS) do
      for _, format in ipairs { "csv", "jsonl" } do
        for _, jobs in ipairs { "1", "2" } do
          local args = { "batch", file, "--model", MODEL, "--format", format, "--jobs", jobs, table.unpack(params) }
          local planned, s1 = H.budget(table.unpack(args))
          local plain, s2 = budget_env("BUDGET_NO_PLAN=1", table.unpack(args))
          local what = table.concat(args, " ")
          H.eq(s1, s2, what .. ": exit status")
          H.eq(planned, plain, what)
        end
      end
    end
  end)
end

-- The recogniser itself, in the module (build/.../lua/budget.so): which texts are plans on the SAST model.
H.test("the sweep shapes compile to plans, and nothing else does", function()
  local dir = H.bin:match("^(.*)/[^/]*$") or "."
  if not io.open(dir .. "/lua/budget.so") then  -- a sanitizer build makes the command only: the gcc build runs this
    print("test_plan: no " .. dir .. "/lua/budget.so in this build: the recogniser is tested in the builds that make it")
    return
  end
  local code = [==[
    local budget = require "budget"
    local P = require "budget.plan"
    local base = budget.load("models/sast-2021.lua")
    local names, lists = { "rate", "amount" }, { { "1%", "2%" }, { "1万", "x" } }
    local function header() return "h" end
    local cases = {
      { true, io.open("scripts/sweep-science.lua"):read("a") },
      { false, io.open("scripts/three-steps.lua"):read("a") },  -- s:report(), not budget.emit
      { true, [[local s = model:scenario("a" .. params.rate, {carry = true})
                s:hold("人员经费") s:cut("科学技术支出", params.rate) s:transfer("科普活动", "学术交流活动", params.amount)
                budget.emit(s, {science = s:total("206"), ["总"] = s:total()})]] },
      { true, "local s = model:scenario('x'); s:scale('206', '95%'); budget.emit(s)" },
      { false, "local s = model:scenario('x') if params.rate then s:cut('206', params.rate) end budget.emit(s)" },
      { false, "local s = model:scenario('x') s:cut('206', params.rate .. '') budget.emit(s)" },
      { false, "local s = model:scenario('x') s:cut(params.rate, '5%') budget.emit(s)" },
      { false, "local s = model:scenario('x') s:cut('206', params.nothere) budget.emit(s)" },
      { false, "local s = model:scenario('x') s:cut('no such line', '5%') budget.emit(s)" },
      { false, "local s = model:scenario('x') s:cut('206', '5') budget.emit(s)" },
      { false, "local s = model:scenario('x') s:cut('206', '5%', {round = 'trunc'}) budget.emit(s)" },
      { false, "local s = model:scenario('x') s:cut('206', '5%') budget.emit(s) budget.emit(s)" },
      { false, "local s = model:scenario('x') local t = model:scenario('y') t:cut('206', '5%') budget.emit(s)" },
      { false, "local params = model:scenario('x') params:cut('206', '5%') budget.emit(params)" },
      { false, "local s = model:scenario('x') s:cut('206', '5%') print(1) budget.emit(s)" },
      { false, "local s = model:scenario('x') s:cut('206', '5%') budget.emit(s, {a = s:total('206') + 1})" },
    }
    for i, c in ipairs(cases) do
      local got = P.compile(c[2], base, names, lists, "csv", header) ~= nil
      if got ~= c[1] then error(string.format("case %d: expected %s, got %s:\n%s", i, tostring(c[1]), tostring(got), c[2]), 0) end
    end
    print("ok " .. #cases)
  ]==]
  local f = H.tmpname(".lua")
  H.write(f, code)
  local out, status = H.sh("LUA_CPATH='" .. dir .. "/lua/?.so' lua5.4 " .. f)
  H.eq(status, 0, out)
  H.has(out, "ok 16", out)
end)

H.run()
