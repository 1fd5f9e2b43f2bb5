-- engine/lua/cli.lua
-- The commands of 'budget': arguments in, text out, an exit status back to
-- main.c. 0 done, 1 violations of severity error, 2 bad input or usage.
-- See LICENSE for copyright and license.

local C = require "budget.c"

local M = {}

local EXIT_DONE, EXIT_VIOLATIONS, EXIT_BAD = 0, 1, 2

local USAGE = [[
usage: budget COMMAND [ARGS]

A budget modeling engine: exact money, account hierarchies and Lua what-if scenarios.

commands:
  run SCRIPT [--model MODEL] [--format table|csv|json|md|html] [-o FILE] [--explain]
        [--allow DIR]... [--max-steps N] [--max-memory BYTES] [--max-seconds S] [--trusted]
                                    run a scenario script; 'model' is the model in it.
                                    It runs sandboxed: budget.load reads models only
                                    under the current directory, the script's and
                                    each --allow DIR; past a limit it stops (exit 2).
                                    --trusted lifts the sandbox for your own scripts;
                                    --explain adds what each step moved, per 类 and 款
  compare MODEL SCRIPT... [--format table|csv|json|md|html] [-o FILE] [--allow DIR]... [--trusted]
                                    the last scenario of each script, side by side
  compare-years A.lua B.lua [--format table|csv|json|md] [-o FILE]
                                    two years of one department by 类 and 款, with the changes
  batch SCRIPT --model MODEL [--param NAME=FROM:TO:STEP | NAME=a,b,c]... [--jobs N]
        [--shard K/N] [--format csv|jsonl|html] [-o FILE] [--max-steps N] [--max-memory BYTES] [--max-seconds S]
                                    the script once per point of the parameters, in parallel;
                                    each point runs sandboxed under the limits: past one, its
                                    row says so and the batch goes on
  totals MODEL [--facts SET] [--dim DIMENSION]
                                    every member's total, a line each (code, name, total)
  import DOCUMENT.txt [-o MODEL.lua] [--max-seconds S] [--max-memory BYTES]
                                    a published budget's text into a model
  check MODEL                       run every rule on the base model
  show MODEL [--table NAME] [--format table|csv|json|md] [--from-cells] [--scenario SCRIPT] [--change]
                                    the published tables, every row as printed;
                                    --from-cells: every figure from the cells;
                                    --scenario: as printed after the script's last scenario,
                                    --change with a column of each table's change
options:
  --version   print the engine's version and the Lua and LPeg it runs
  --help      print this help

exit status: 0 done, 1 violations of severity error, 2 bad input or usage
]]

-- A usage or input error: the message on stderr, exit 2.
local function bad(fmt, ...)
  io.stderr:write("budget: ", string.format(fmt, ...), "\n")
  return EXIT_BAD
end

-- What an unknown option could have been: the command's options, in order.
local function expected_options(allowed)
  local names = {}
  for n in pairs(allowed) do names[#names + 1] = "--" .. n end
  table.sort(names)
  if #names == 0 then return "this command takes no options" end
  return "expected " .. table.concat(names, ", ")
end

-- Splits args into positionals and options. 'allowed' names each option a command takes:
-- true (it takes a value: '--name V' or '--name=V'), "flag" (it takes none) or "list" (a
-- value, and it may repeat: opts[name] is the list, empty if not given). '-o FILE' is
-- '--output FILE' wherever --output is allowed.
local function parse(args, allowed)
  local pos, opts = {}, {}
  for name, kind in pairs(allowed) do if kind == "list" then opts[name] = {} end end
  local i = 1
  while i <= #args do
    local a = args[i]
    local name, value = a:match("^%-%-([%w-]+)=(.*)$")
    if not name then name = a:match("^%-%-([%w-]+)$") end
    if a == "-o" and allowed.output then name = "output" end
    if name then
      local kind = allowed[name]
      if not kind then
        return nil, string.format("unknown option '--%s': %s", name, expected_options(allowed))
      end
      if kind == "flag" then
        if value ~= nil then return nil, string.format("option '--%s' takes no value", name) end
        opts[name] = true
      else
        if value == nil then
          i = i + 1
          value = args[i]
          if value == nil then return nil, string.format("option '%s' needs a value", a) end
        end
        if kind == "list" then opts[name][#opts[name] + 1] = value else opts[name] = value end
      end
    elseif a:sub(1, 1) == "-" and a ~= "-" then
      return nil, string.format("unknown option '%s': %s", a, expected_options(allowed))
    else
      pos[#pos + 1] = a
    end
    i = i + 1
  end
  return pos, opts
end

-- A command's whole output: to stdout, or to FILE through a temporary file and a rename, so
-- FILE is never left half-written.
local function emit(text, file)
  if not file then
    io.write(text)
    return true
  end
  return C.write_file(file, text)
end

local function load_model(path)
  local ok, m = pcall(C.load, path)
  if not ok then return nil, tostring(m) end
  return m
end

local function cmd_version()
  local v = require("lpeg").version
  io.write(string.format("budget %s (%s, LPeg %s)\n", C.version, _VERSION, type(v) == "function" and v() or v))
  return EXIT_DONE
end

-- budget check MODEL
local function cmd_check(args)
  local pos, opts = parse(args, {})
  if not pos then return bad("check: %s", opts) end
  if #pos ~= 1 then return bad("check: expected one model file: budget check MODEL") end
  local m, err = load_model(pos[1])
  if not m then return bad("%s", err) end
  local ok, violations, ran = pcall(require("budget.rules").run, m.rules, m)
  if not ok then return bad("%s", violations) end
  local report = require "budget.report"
  local errors, warnings, broken = 0, 0, {}
  for _, v in ipairs(violations) do
    io.write(report.violation(v), "\n")
    if v.severity == "error" then errors = errors + 1 elseif v.severity == "warning" then warnings = warnings + 1 end
    broken[v.rule] = true
  end
  local nbroken = 0
  for _ in pairs(broken) do nbroken = nbroken + 1 end
  if #violations == 0 then
    io.write(string.format("%s: all %d rules held\n", pos[1], ran))
  else
    io.write(string.format("%s: %d violations of %d rules (%d errors, %d warnings); %d rules held\n", pos[1],
      #violations, nbroken, errors, warnings, ran - nbroken))
  end
  return errors > 0 and EXIT_VIOLATIONS or EXIT_DONE
end

-- The view a --table argument names: its name, its title, or its number.
local function find_view(m, name)
  for _, v in ipairs(m.views) do
    if v.name == name or v.title == name or tostring(v.number) == name then return v end
  end
end

-- budget show MODEL [--table NAME] [--format FMT] [--from-cells] [--scenario SCRIPT [--change]]: the
-- tables as the document prints them (the stated rows; view.render_printed), or with --from-cells
-- every figure from the cells; with --scenario, as they would be printed after the last scenario
-- the script makes (from its cells: every table consistent with the others, the links carrying
-- each change), with --change a column of each block's change against the base.
local CLI  -- what the commands in their own modules use of this one: set once they are all defined

local SHOW_USAGE = "budget show MODEL [--table NAME] [--format FMT] [--from-cells] [--scenario SCRIPT] [--change]"
local function cmd_show(args)
  local pos, opts = parse(args, { table = true, format = true, ["from-cells"] = "flag", scenario = true,
                                  change = "flag", trusted = "flag", allow = "list" })
  if not pos then return bad("show: %s", opts) end
  if #pos ~= 1 then return bad("show: expected one model file: %s", SHOW_USAGE) end
  if opts.change and not opts.scenario then return bad("show: --change needs --scenario SCRIPT: %s", SHOW_USAGE) end
  local report = require "budget.report"
  local fmt = opts.format or "table"
  if not report.FORMATS[fmt] then return bad("show: unknown format '%s': expected table, csv, json or md", fmt) end
  local m, err = load_model(pos[1])
  if not m then return bad("%s", err) end
  local s
  if opts.scenario then
    local made, model_or_err = require("budget.compare").last_scenario(CLI, pos[1], opts.scenario, opts.trusted or false,
      opts.allow, "show")
    if not made then return bad("%s", model_or_err) end
    s, m = made, model_or_err
  end
  local views = m.views
  if opts.table then
    local v = find_view(m, opts.table)
    if not v then
      local names = {}
      for _, x in ipairs(m.views) do names[#names + 1] = x.name end
      return bad("show: no table '%s' in %s; the tables are: %s", opts.table, pos[1], table.concat(names, ", "))
    end
    views = { v }
  end
  local view = require "budget.view"
  local function render(model, v)
    if s and opts.change then return view.render_change(model, v, s) end
    if s then return view.render(model, v, s) end
    return (opts["from-cells"] and view.render or view.render_printed)(model, v)
  end
  local out = {}
  for _, v in ipairs(views) do
    local ok, grid = pcall(render, m, v)
    if not ok then return bad("%s: view '%s': %s", pos[1], v.name, grid) end
    if s then  -- a scenario's cells are at the fen: its tables print them so, and add up to the fen
      grid.title = grid.title .. "（" .. s.name .. "）"
      if (grid.decimals or 0) < 2 then grid.decimals = 2 end
    end
    out[#out + 1] = report.view(grid, fmt, m)
  end
  io.write(table.concat(out, fmt == "table" and "\n\n" or (fmt == "md" and "\n" or "")))
  return EXIT_DONE
end

-- The limits of --max-steps, --max-memory and --max-seconds in parsed options (for 'cmd'), as
-- the sandbox takes them (max_steps, ...; absent: the default); or nil and the message.
local function limits_of(opts, cmd)
  local limits = {}
  for _, l in ipairs { { "max-steps", "max_steps" }, { "max-memory", "max_memory" }, { "max-seconds", "max_seconds" } } do
    if opts[l[1]] then
      local n = tonumber(opts[l[1]])
      if not n or n <= 0 or n ~= n or n == math.huge or (l[2] ~= "max_seconds" and math.type(n) ~= "integer") then
        return nil, string.format("%s: --%s '%s': expected a positive %s", cmd, l[1], opts[l[1]],
          l[2] == "max_seconds" and "number" or "whole number")
      end
      limits[l[2]] = n
    end
  end
  return limits
end

-- budget run SCRIPT [--model MODEL] [--format FMT] [--trusted] [--allow DIR]... [--max-steps N]
--                   [--max-memory BYTES] [--max-seconds S]
local function cmd_run(args)
  local sandbox = require "budget.sandbox"
  local pos, opts = parse(args, { model = true, format = true, ["max-steps"] = true, ["max-memory"] = true,
                                  ["max-seconds"] = true, output = true, trusted = "flag", explain = "flag",
                                  allow = "list" })
  if not pos then return bad("run: %s", opts) end
  if #pos ~= 1 then return bad("run: expected one script: budget run SCRIPT [--model MODEL] [--format FMT]") end
  local trusted, explain, output, allow = opts.trusted or false, opts.explain or false, opts.output, opts.allow
  local report = require "budget.report"
  local fmt = opts.format or "table"
  if not report.FORMATS[fmt] and fmt ~= "html" then
    return bad("run: unknown format '%s': expected table, csv, json, md or html", fmt)
  end
  local limits, lerr = limits_of(opts, "run")
  if not limits then return bad("%s", lerr) end
  limits.trusted = trusted
  local path = pos[1]
  local f, err = io.open(path, "rb")
  if not f then return bad("%s: cannot read the script: %s", path, (err:gsub("^.-: ", ""))) end
  local src = f:read("a")
  f:close()
  allow[#allow + 1] = "."
  allow[#allow + 1] = path:match("^(.*)/[^/]*$") or "."
  limits.allow = allow
  local out = {}  -- everything the script prints, written only if it finishes
  local extra = {}
  if opts.model then
    local m, e = load_model(opts.model)
    if not m then return bad("%s", e) end
    extra.model = m
  end
  local html = require "budget.report.html"
  -- s:report() gathers the text; with --format html, one page of every scenario at the end
  local ctx = require("budget.run").new { report = function(s, f)
    if f == nil and fmt == "html" then return end
    out[#out + 1] = html.report(s, f or fmt, explain)
  end }
  extra.context = ctx
  local env = sandbox.env(out, extra, limits)
  local errors, text = 0, nil
  -- after the script, in its run: what the report does with the script's objects is charged to it
  local ok, e2 = sandbox.run(src, path, env, limits, function()
    for _, s in ipairs(ctx.made) do
      for _, v in ipairs(s:violations()) do if v.severity == "error" then errors = errors + 1 end end
    end
    if fmt == "html" then out = { html.run_page(path, ctx.made, table.concat(out)) } end
    text = table.concat(out)
  end)
  if not ok then return bad("%s", e2) end
  local done, werr = emit(text, output)
  if not done then return bad("%s", werr) end
  return errors > 0 and EXIT_VIOLATIONS or EXIT_DONE
end

-- budget import DOCUMENT [-o MODEL]: the model on stdout, or written whole to MODEL.
local function cmd_import(args)
  local pos, opts = parse(args, { output = true, ["max-seconds"] = true, ["max-memory"] = true })
  if not pos then return bad("import: %s", opts) end
  local limits, lerr = limits_of(opts, "import")
  if not limits then return bad("%s", lerr) end
  local out = opts.output
  if #pos ~= 1 then return bad("import: expected one document: budget import DOCUMENT.txt [-o MODEL.lua]") end
  local path = pos[1]
  local f, err = io.open(path, "rb")
  if not f then return bad("%s: cannot read the document: %s", path, (err:gsub("^.-: ", ""))) end
  local text = f:read("a")
  f:close()
  -- a document is data from anyone: its import stops at the limits, as a script does
  local ok, model = C.guarded({ seconds = limits.max_seconds or 60, memory = limits.max_memory or (4 << 30),
                                what = "import", hints = true }, path, require("budget.import").import, text, path)
  if not ok then return bad("%s", model) end
  if out then
    local done, werr = C.write_file(out, model)
    if not done then return bad("%s", werr) end
  else
    io.write(model)
  end
  return EXIT_DONE
end

CLI = { bad = bad, parse = parse, load_model = load_model, emit = emit, limits = limits_of }

local function cmd_batch(args)
  return require("budget.batch").command(args, CLI)
end

local function cmd_compare(args)
  return require("budget.compare").command(args, CLI)
end

local function cmd_compare_years(args)
  return require("budget.compare").years_command(args, CLI)
end

-- budget totals MODEL [--facts SET] [--dim DIMENSION]: every member's total, a line each.
local function cmd_totals(args)
  local pos, opts = parse(args, { facts = true, dim = true })
  if not pos then return bad("totals: %s", opts) end
  if #pos ~= 1 then return bad("totals: expected one model: budget totals MODEL [--facts SET] [--dim DIMENSION]") end
  local m, err = load_model(pos[1])
  if not m then return bad("%s", err) end
  local set = opts.facts and m.set_by_name[opts.facts] or (not opts.facts and m.main)
  if not set then return bad("totals: no fact set '%s' in %s", opts.facts, pos[1]) end
  local dim = 0
  if opts.dim then
    dim = nil
    for i, d in ipairs(set.dims) do if d == opts.dim then dim = i - 1 end end
    if not dim then return bad("totals: fact set '%s' has no dimension '%s'", set.name, opts.dim) end
  end
  io.stdout:flush()
  local ok, e = pcall(C.write_totals, m.core, io.stdout, set.index, dim)
  if not ok then return bad("%s", e) end
  return EXIT_DONE
end

local COMMANDS = { check = cmd_check, show = cmd_show, run = cmd_run, import = cmd_import, batch = cmd_batch,
                   totals = cmd_totals, compare = cmd_compare, ["compare-years"] = cmd_compare_years }

-- The command line, as main.c passes it: {argv[1], ...}. Returns the exit status.
function M.main(args)
  local cmd = args[1]
  if cmd == "--version" then return cmd_version() end
  if cmd == "--help" or cmd == "-h" or cmd == "help" then
    io.write(USAGE)
    return EXIT_DONE
  end
  if cmd == nil then
    io.stderr:write(USAGE)
    return EXIT_BAD
  end
  local f = COMMANDS[cmd]
  if not f then return bad("unknown command or option '%s'; see 'budget --help'", cmd) end
  return f { table.unpack(args, 2) }
end

return M
