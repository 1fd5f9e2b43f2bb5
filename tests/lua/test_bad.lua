-- tests/lua/test_bad.lua
-- The bad-input corpus, tests/bad/: every case must stop with exit status 2
-- and exactly its message, which names the file and line and what was
-- expected there; a document that fails leaves no output file. Prints the
-- number of cases.
-- See LICENSE for copyright and license.

package.path = "tests/lua/?.lua;" .. package.path
local H = require "harness"

local MODEL = "models/sast-2021.lua"
local cases = 0

local function list(glob)
  local p = io.popen("ls " .. glob .. " 2>/dev/null")
  local files = {}
  for f in p:lines() do files[#files + 1] = f end
  p:close()
  assert(#files > 0, "no cases in " .. glob)
  return files
end

-- The output must be exactly one line: the message.
local function exactly(out, want, file)
  if out ~= want .. "\n" then
    error(string.format("%s: expected exactly\n  %s\ngot\n  %s", file, want, out:gsub("\n", "\n  ")), 2)
  end
end

-- Lua files whose first line is '-- expect: LINE MESSAGE' (LINE 0: the message names no
-- line; '{cwd}' in it stands for the directory the tests run in), and whose '-- args: ...'
-- line gives the command more arguments.
local function lua_cases(glob, what, run)
  for _, file in ipairs(list(glob)) do
    cases = cases + 1
    H.test(what .. " " .. file .. ": exit 2 and exactly its message", function()
      local text = H.read(file)
      local line, msg = text:match("^%-%- expect: (%d+) ([^\n]+)")
      assert(line, file .. ": no '-- expect: LINE MESSAGE' header")
      local args = {}
      for a in (text:match("\n%-%- args: ([^\n]+)") or ""):gmatch("%S+") do args[#args + 1] = a end
      local out, status = run(file, table.unpack(args))
      if status ~= 2 then error(string.format("%s: exit %s, not 2:\n%s", file, tostring(status), out)) end
      msg = msg:gsub("{cwd}", (H.sh("pwd"):gsub("\n$", ""):gsub("%%", "%%%%")))
      exactly(out, "budget: " .. file .. (line == "0" and "" or (":" .. line)) .. ": " .. msg, file)
    end)
  end
end

lua_cases("tests/bad/models/*.lua", "bad model", function(file) return H.budget("check", file) end)
lua_cases("tests/bad/scripts/*.lua", "bad script", function(file) return H.budget("run", file, "--model", MODEL) end)
lua_cases("tests/bad/amounts/*.lua", "bad amount", function(file) return H.budget("run", file, "--model", MODEL) end)
lua_cases("tests/bad/references/*.lua", "bad reference", function(file)
  return H.budget("run", file, "--model", MODEL)
end)
-- Scripts that try what the sandbox forbids, or pass a limit: each stopped with its own message.
lua_cases("tests/bad/sandbox/*.lua", "sandboxed script", function(file, ...)
  return H.budget("run", file, "--model", MODEL, ...)
end)

-- Documents: NAME.txt with NAME.expect, 'LINE MESSAGE'; the import writes no file.
for _, file in ipairs(list("tests/bad/documents/*.txt")) do
  cases = cases + 1
  H.test("bad document " .. file .. ": exit 2, exactly its message, no file", function()
    local line, msg = H.read(file:gsub("%.txt$", ".expect")):match("^(%d+) ([^\n]+)")
    assert(line, file .. ": no LINE MESSAGE in its .expect")
    local out = H.tmpname(".lua")
    local text, status = H.budget("import", file, "-o", out)
    H.eq(status, 2, file .. "\n" .. text)
    exactly(text, "budget: " .. file .. ":" .. line .. ": " .. msg, file)
    assert(not io.open(out), "an output file was left: " .. out)
  end)
end

-- Command lines: NAME.cli holds 'args: ...' (split at spaces), 'exit: N' and 'message: ...',
-- the whole of what the command must print.
for _, file in ipairs(list("tests/bad/cli/*.cli")) do
  cases = cases + 1
  H.test("bad command line " .. file .. ": its exit status and exactly its message", function()
    local text = H.read(file)
    local args, exit, msg = text:match("\nargs: ([^\n]*)"), text:match("\nexit: (%d+)"), text:match("\nmessage: ([^\n]+)")
    assert(args and exit and msg, file .. ": needs 'args:', 'exit:' and 'message:' lines after its comment")
    local argv = {}
    for a in args:gmatch("%S+") do argv[#argv + 1] = a end
    local out, status = H.budget(table.unpack(argv))
    H.eq(status, tonumber(exit), file .. ": exit status\n" .. out)
    exactly(out, msg, file)
  end)
end

H.test("the corpus has at least 50 cases", function()
  assert(cases >= 50, "only " .. cases .. " cases")
end)

print(string.format("bad-input corpus: %d cases", cases))
H.run()
