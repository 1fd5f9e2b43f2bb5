-- tests/lua/test_classes.lua
-- The 类 of the function classification (engine/lua/classes.lua), the data the
-- importer and the views read a 类 by: each code once, three digits, in order,
-- each with a name; and every 类 a real document prints (the eleven documents
-- of BUDGET_DOCS and the SAST model) is there under the code and a name it has.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"
local S = require "sast"
local docs = require "docs"

-- The classes as a trusted script sees them: 'code<TAB>name|name...' lines.
local function classes()
  local script = H.tmpname(".lua")
  H.write(script, [[
for _, c in ipairs(require "budget.classes") do print(c[1], table.concat(c, "|", 2)) end
]])
  local out, status = H.budget("run", script, "--trusted")
  assert(status == 0, out)
  local list, by = {}, {}
  for code, names in out:gmatch("([^\t\n]+)\t([^\n]*)") do
    local n = {}
    for name in names:gmatch("[^|]+") do n[#n + 1] = name end
    list[#list + 1] = { code = code, names = n }
    by[code] = n
  end
  return list, by
end

H.test("each 类 once, a three-digit code in order, with at least one name", function()
  local list = classes()
  assert(#list >= 20, "the classification has its 类: " .. #list)
  local last = ""
  for _, c in ipairs(list) do
    assert(c.code:match("^%d%d%d$"), "a three-digit code: " .. c.code)
    assert(c.code > last, "in order and once: " .. c.code .. " after " .. last)
    assert(#c.names >= 1 and c.names[1] ~= "", c.code .. " has a name")
    last = c.code
  end
end)

H.test("every 类 of the SAST model is there, under a name it has", function()
  local _, by = classes()
  local n = 0
  for code, name in pairs(S.NAME) do
    if code:match("^%d%d%d$") then
      n = n + 1
      local names = by[code] or error("no 类 " .. code .. " (" .. name .. ")")
      local found = false
      for _, x in ipairs(names) do found = found or x == name end
      assert(found, code .. ": the model's name " .. name .. " is not among " .. table.concat(names, ", "))
    end
  end
  assert(n >= 3, "the model has its 类")
end)

H.test("every 类 the real documents print as 'NNN name' is there, under a name it has", function()
  local _, by = classes()
  local seen = 0
  local p = io.popen("ls " .. docs.dir .. "/*.layout.txt 2>/dev/null")
  local files = {}
  for f in p:lines() do files[#files + 1] = f end
  p:close()
  for _, f in ipairs(files) do
    local text = H.read(f)
    for code, name in text:gmatch("\n%s*(2%d%d)%s+([^%s%d][^\n%s]-支出)%f[%s]") do
      local names = by[code]
      if names then
        seen = seen + 1
        local ok = false
        for _, x in ipairs(names) do ok = ok or x == name end
        assert(ok, string.format("%s: %s %s is not among %s", f, code, name, table.concat(names, ", ")))
      end
    end
  end
  assert(#files == 0 or seen > 0, "the documents print their 类 as 'NNN name'")
end)

H.run()
