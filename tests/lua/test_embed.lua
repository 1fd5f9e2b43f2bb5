-- tests/lua/test_embed.lua
-- Embedding as a planning tool's developer does it: 'make install' into a
-- fresh prefix, examples/embed.c built with nothing but pkg-config, its
-- totals as the test computes them from the document; and the Lua module
-- from a stock lua5.4.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"

local DOCUMENT = "models/sast-2021.txt"

local function spending_row(code_and_name)
  local section = H.read(DOCUMENT):match("2021年部门支出预算总表(.-)2021年部门财政拨款收支预算总表")
  local figure = section:match("\n" .. code_and_name:gsub("%p", "%%%0") .. " ([%d,]+)")
  return math.tointeger(tonumber((figure:gsub(",", "")))) * 100
end

local function yuan(fen)
  local int = tostring(fen // 100):reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")
  return string.format("%s.%02d", int, fen % 100)
end

local prefix = nil
local function installed()
  if prefix then return prefix end
  prefix = H.tmpname("-prefix")
  H.defer(function() H.sh("rm -rf '" .. prefix .. "'") end)
  local out, status = H.sh("make --no-print-directory install PREFIX=" .. prefix)
  H.eq(status, 0, "make install\n" .. out)
  return prefix
end

H.test("make install puts the command, libraries, header, pkg-config file and Lua module under PREFIX", function()
  local p = installed()
  for _, f in ipairs { "bin/budget", "lib/libbudget.a", "lib/libbudget.so.0.1.0", "lib/libbudget.so.0", "lib/libbudget.so",
                       "include/budget.h", "lib/pkgconfig/budget.pc", "lib/lua/5.4/budget.so" } do
    assert(io.open(p .. "/" .. f), "missing " .. f)
  end
  local soname = H.sh("objdump -p " .. p .. "/lib/libbudget.so.0.1.0 | grep SONAME")
  H.has(soname, "libbudget.so.0")
  local version = H.sh(p .. "/bin/budget --version")
  H.has(version, "budget 0.1.0")
end)

H.test("examples/embed.c builds with pkg-config alone and prints the totals the document gives", function()
  local p = installed()
  local exe = H.tmpname("-embed")
  local env = "PKG_CONFIG_PATH=" .. p .. "/lib/pkgconfig"
  local out, status = H.sh(string.format("%s cc -std=c11 -Wall -Wextra -Werror examples/embed.c $(%s pkg-config --cflags --libs budget) -o %s",
    env, env, exe))
  H.eq(status, 0, "build\n" .. out)
  out, status = H.sh("LD_LIBRARY_PATH=" .. p .. "/lib " .. exe .. " models/sast-2021.lua")
  H.eq(status, 0, "run\n" .. out)
  local sci, grand = spending_row("206 科学技术支出"), spending_row("合计")
  H.has(out, "cut-science: 科学技术支出压减5%\n  总计: " .. yuan(grand - sci * 5 // 100) .. "\n  科学技术支出: "
    .. yuan(sci * 95 // 100) .. "\n")
  H.has(out, "  warning: 人员经费不减少")  -- the cut is carried to the economic lines, 人员经费 among them
  H.has(out, "move-10wan: 项目间调剂10万元\n  总计: " .. yuan(grand) .. "\n")
  H.has(out, "  no rule is broken")
  H.has(out, "grow-hospitality: 公务接待费增加2万\n")
  H.has(out, "  error: 公务接待费不增长: found 94,700.00, expected 74,700.00")
end)

H.test("lua5.4 with the installed module reproduces the 5% cut's 206 total", function()
  local p = installed()
  local out, status = H.sh("LUA_CPATH='" .. p .. "/lib/lua/5.4/?.so' lua5.4 -e '" ..
    [[local budget = require "budget"
      local m = budget.load("models/sast-2021.lua")
      local s = m:scenario("cut")
      s:cut("科学技术支出", "5%")
      print(s:total("206"))
      print(budget.money("10万") + "1,234.56")']])
  H.eq(status, 0, "lua5.4\n" .. out)
  local sci = spending_row("206 科学技术支出")
  H.has(out, yuan(sci * 95 // 100) .. "\n")
  H.has(out, "101,234.56\n")
end)

H.run()
