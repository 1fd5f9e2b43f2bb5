-- engine/lua/batch.lua
-- 'budget batch': one scenario script over the points of its parameters, on
-- worker threads (engine/host/batch.c), each with its own Lua state over the one
-- model the command loaded. Every scenario the script records with
-- budget.emit(s, {column = value}) is a row; rows come out in the order of the
-- points, so the output is the same for any number of workers, and the shards
-- of a sweep concatenate to the whole of it.
-- See LICENSE for copyright and license.

local C = require "budget.c"

local M = {}

local EXIT_DONE, EXIT_VIOLATIONS, EXIT_BAD, EXIT_INTERRUPTED = 0, 1, 2, 130
local MAX_POINTS = 10000000
local WORKER_MEMORY = 1 << 30  -- what a worker's state may hold beside its point's own limit: the model, its caches

-- {==================================================================
-- Parameters and points
-- ===================================================================

-- A parameter's values: 'NAME=FROM:TO:STEP' (rates or numbers: '0%:10%:0.5%', '1:5:1') or
-- 'NAME=a,b,c'. Returns the name and the values as text; raises with what was expected.
function M.parse_param(spec)
  local name, body = spec:match("^([%a_][%w_]*)=(.+)$")
  if not name then error(string.format("--param '%s': expected NAME=FROM:TO:STEP or NAME=a,b,c", spec), 0) end
  local from, to, step = body:match("^([^:]+):([^:]+):([^:]+)$")
  if not from then
    local values = {}
    for v in (body .. ","):gmatch("([^,]*),") do
      if v == "" then error(string.format("--param '%s': an empty value in the list", spec), 0) end
      values[#values + 1] = v
    end
    return name, values
  end
  local percent = from:find("%%$") ~= nil
  local function rate(text)
    local ok, r = pcall(C.rate, text)
    if not ok then error(string.format("--param '%s': %s", spec, r), 0) end
    return r
  end
  local a, b, d = rate(from), rate(to), rate(step)
  if d <= C.rate(0) then error(string.format("--param '%s': the step must be above zero", spec), 0) end
  local hundred = C.rate(100)
  local values = {}
  local v = a
  while v <= b do
    if #values >= MAX_POINTS then error(string.format("--param '%s': more than %d values", spec, MAX_POINTS), 0) end
    values[#values + 1] = percent and (tostring(v * hundred) .. "%") or tostring(v)
    v = v + d
  end
  if #values == 0 then error(string.format("--param '%s': FROM is past TO, so there is no value", spec), 0) end
  return name, values
end

-- Every combination of the parameters' values is a point, the first parameter varying slowest: the
-- points are numbered and expanded in C (engine/host/batch.h), never held as a list.

-- The K-th of N contiguous slices of n points: first index (0-based) and count.
function M.shard(n, k, parts)
  local first = (k - 1) * n // parts
  local last = k * n // parts
  return first, last - first
end

-- }==================================================================

-- {==================================================================
-- Rows
-- ===================================================================

local function csv_field(s)
  s = tostring(s)
  if s:find('[,"\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end

-- A value as a row shows it: amounts plain (no separators, two decimals).
local is_money = C.is_money
local function plain(v)
  if is_money(v) then return v:plain() end
  return tostring(v)
end

local SEVERITY_COLUMNS = { "errors", "warnings", "infos" }

-- The CSV header for a set of parameter names and column names, made once for each set.
local headers = {}
local function csv_header(names, keys)
  local sig = table.concat(names, "\0") .. "\1" .. table.concat(keys, "\0")
  local h = headers[sig]
  if not h then
    local f = { "point" }
    for _, n in ipairs(names) do f[#f + 1] = csv_field(n) end
    for _, k in ipairs(keys) do f[#f + 1] = csv_field(k) end
    f[#f + 1] = "total"
    for _, k in ipairs(SEVERITY_COLUMNS) do f[#f + 1] = k end
    f[#f + 1] = "error"
    h = table.concat(f, ",")
    headers[sig] = h
  end
  return h
end

-- The rows of one point: a CSV header and lines, or JSON lines.
local function format_rows(format, point, names, params, emitted)
  local lines, header = {}, nil
  for _, e in ipairs(emitted) do
    local keys = {}
    for k in pairs(e.columns) do
      if type(k) ~= "string" then error("budget.emit: column names are strings", 0) end
      keys[#keys + 1] = k
    end
    table.sort(keys)
    local errors, warnings, infos = 0, 0, 0
    for _, v in ipairs(e.violations) do
      local sev = v.severity
      if sev == "error" then errors = errors + 1 elseif sev == "warning" then warnings = warnings + 1 else infos = infos + 1 end
    end
    if format == "jsonl" then
      local obj = { point = point, total = plain(e.total), errors = errors, warnings = warnings, infos = infos }
      for _, n in ipairs(names) do obj[n] = params[n] or "" end
      for _, k in ipairs(keys) do obj[k] = plain(e.columns[k]) end
      lines[#lines + 1] = C.json(obj)
    else
      local f = { point }
      for _, n in ipairs(names) do f[#f + 1] = csv_field(params[n]) end
      for _, k in ipairs(keys) do f[#f + 1] = csv_field(plain(e.columns[k])) end
      f[#f + 1] = plain(e.total)
      f[#f + 1] = errors
      f[#f + 1] = warnings
      f[#f + 1] = infos
      f[#f + 1] = ""
      local this = csv_header(names, keys)
      if header and this ~= header then
        error("budget.emit: every row of a batch needs the same columns; this one has " .. this, 0)
      end
      header = this
      lines[#lines + 1] = table.concat(f, ",")
    end
  end
  if #lines == 0 then return "", "" end
  local eol = format == "jsonl" and "\n" or "\r\n"
  return table.concat(lines, eol) .. eol, header or ""
end

-- }==================================================================

-- {==================================================================
-- A worker: runs points in its own Lua state
-- ===================================================================

-- Called by engine/host/worker.c in a worker thread's state: loads the model over the shared core
-- and compiles the script once, and returns the function that runs one point:
-- f(point, value...) → rows, header, flags (1: failed; 2: error-severity violations). Each point
-- runs sandboxed under 'limits' (max_steps, max_seconds, max_memory; 0: the default), in an
-- environment of its own: what one point does to its globals, its libraries or its model is
-- never seen by the next.
function M.worker(script_path, model_path, core_ptr, names, lists, format, limits)
  local loader = require "budget.loader"
  local run = require "budget.run"
  local sandbox = require "budget.sandbox"
  local shields = require "budget.shield"
  local base = loader.load(model_path, { core = C.core_borrow(core_ptr) })
  local f = assert(io.open(script_path, "rb"))
  local src = f:read("a")
  f:close()
  local chunk = assert(load(src, "=" .. script_path, "t", {}))
  local opts = { dirs = sandbox.dirs { ".", script_path:match("^(.*)/[^/]*$") or "." } }
  for _, k in ipairs { "max_steps", "max_seconds", "max_memory" } do
    if limits and limits[k] and limits[k] > 0 then opts[k] = limits[k] end
  end
  local plan = os.getenv("BUDGET_NO_PLAN") == nil  -- the script as it is, for a test that compares the two
    and require("budget.plan").compile(src, base, names, lists, format, csv_header) or nil
  return function(point, ...)
    local params = {}
    for i, n in ipairs(names) do params[n] = select(i, ...) end
    local ctx = run.new()  -- this point's: a batch's output is its rows, so s:report() does nothing
    local emitted = {}
    local env = sandbox.env({}, { model = base, params = params, context = ctx }, opts)
    env.print = function() end  -- a batch's output is its rows, not what a script prints
    env.budget.emit = function(s, columns)
      local real = shields.real(s)
      if type(real) ~= "table" or not real.ov or not real.base then
        error("budget.emit(s, {column = value}): s is a scenario", 2)
      end
      emitted[#emitted + 1] = { total = real:total(), columns = columns or {}, violations = real:violations() }
    end
    debug.setupvalue(chunk, 1, env)
    local rows, header
    local ok, err = sandbox.run_chunk(chunk, script_path, opts, function()
      rows, header = format_rows(format, point, names, params, emitted)
    end)
    debug.setupvalue(chunk, 1, nil)  -- the point's environment goes with it
    if not ok then return err, "", 1 end
    local flags = 0
    for _, e in ipairs(emitted) do
      for _, v in ipairs(e.violations) do if v.severity == "error" then flags = 2 end end
    end
    return rows, header, flags
  end, plan
end

-- }==================================================================

-- {==================================================================
-- The command
-- ===================================================================

local function progress(done, total, started)
  local elapsed = C.clock() - started
  local rate = elapsed > 0 and done / elapsed or 0
  local left = rate > 0 and (total - done) / rate or 0
  io.stderr:write(string.format("\rbatch: %d/%d points, %.0f scenarios/s, %ds left   ", done, total, rate,
    math.floor(left + 0.5)))
end

-- budget batch SCRIPT --model MODEL [--param ...]... [--jobs N] [--shard K/N] [--format csv|jsonl|html] [-o FILE]
function M.command(args, cli)
  local bad = cli.bad
  local pos, opts = cli.parse(args, { model = true, jobs = true, shard = true, format = true, output = true,
                                      param = "list", ["max-steps"] = true, ["max-memory"] = true,
                                      ["max-seconds"] = true })
  if not pos then return bad("batch: %s", opts) end
  local limits, lerr = cli.limits(opts, "batch")
  if not limits then return bad("%s", lerr) end
  local sandbox = require "budget.sandbox"
  local point_memory = limits.max_memory or sandbox.DEFAULTS.max_memory
  local params, out = opts.param, opts.output
  if #pos ~= 1 then return bad("batch: expected one script: budget batch SCRIPT --model MODEL [--param NAME=...]...") end
  if not opts.model then return bad("batch: --model MODEL is needed") end
  local format = opts.format or "csv"
  if format ~= "csv" and format ~= "jsonl" and format ~= "html" then
    return bad("batch: unknown format '%s': expected csv, jsonl or html", format)
  end
  local page = format == "html"  -- the rows as CSV, then one page of them at the end
  if page then format = "csv" end
  local jobs = C.cores()
  if opts.jobs then
    jobs = math.tointeger(tonumber(opts.jobs))
    if not jobs or jobs < 1 or jobs > 256 then return bad("batch: --jobs '%s': expected a number from 1 to 256", opts.jobs) end
  end
  local k, n = 1, 1
  if opts.shard then
    k, n = opts.shard:match("^(%d+)/(%d+)$")
    k, n = tonumber(k), tonumber(n)
    if not k or n < 1 or k < 1 or k > n then return bad("batch: --shard '%s': expected K/N with 1 <= K <= N", opts.shard) end
  end
  local names, lists, seen = {}, {}, {}
  for _, spec in ipairs(params) do
    local ok, name, values = pcall(M.parse_param, spec)
    if not ok then return bad("batch: %s", name) end
    if seen[name] then return bad("batch: --param '%s' is given twice", name) end
    seen[name] = true
    names[#names + 1], lists[#lists + 1] = name, values
  end
  local total = 1
  for _, l in ipairs(lists) do
    total = total * #l
    if total > MAX_POINTS then return bad("batch: more than %d points", MAX_POINTS) end
  end
  local first, count = M.shard(total, k, n)
  local f = io.open(pos[1], "rb")
  if not f then return bad("%s: cannot read the script", pos[1]) end
  local src = f:read("a")
  f:close()
  local chunk, cerr = load(src, "=" .. pos[1], "t")
  if not chunk then return bad("%s", cerr) end
  local base, merr = cli.load_model(opts.model)
  if not base then return bad("%s", merr) end
  local writer
  if out then
    local w, werr = C.atomic_open(out)
    if not w then return bad("%s", werr) end
    writer = w
  end
  local rows_text = {}
  local function write(s)
    if page then rows_text[#rows_text + 1] = s elseif writer then writer:write(s) else io.write(s) end
  end
  local h = C.batch_start { script = pos[1], model = opts.model, core = base.core, names = names, lists = lists,
                            first = first, count = count, jobs = jobs, format = format,
                            mem_limit = point_memory + WORKER_MEMORY, max_steps = limits.max_steps,
                            max_seconds = limits.max_seconds, max_memory = limits.max_memory }
  local show = C.isatty(2)
  local started, shown = C.clock(), 0
  local ok_run, run_err = pcall(function()
    while true do  -- the rows come in order, many points a call, written as they come
      local text = h:take(k == 1 and not page)  -- the header once, at the head of the first shard
      if not text then break end
      if text ~= "" then write(text) end
      if show and C.clock() - shown > 0.25 then
        shown = C.clock()
        progress(h:done(), count, started)
      end
    end
  end)
  local written, failed, errors, header = h:tally()
  local interrupted = h:interrupted()
  h:close()
  if show then progress(written, count, started) io.stderr:write("\n") end
  if ok_run and page then
    ok_run, run_err = pcall(function()
      local head = header  -- no point succeeded: the columns every row has
      if not head then
        local f = { "point" }
        for _, nm in ipairs(names) do f[#f + 1] = csv_field(nm) end
        f[#f + 1] = "error"
        head = table.concat(f, ",")
      end
      local text = require("budget.report.html").batch_page(pos[1], opts.model, names, head .. "\r\n" .. table.concat(rows_text))
      if writer then writer:write(text) else io.write(text) end
    end)
  end
  if not ok_run then
    if writer then writer:abort() end
    return bad("%s", run_err)
  end
  if writer then
    local cok, cerr2 = pcall(writer.commit, writer)
    if not cok then return bad("%s", cerr2) end
  end
  if interrupted then
    io.stderr:write(string.format("budget: batch interrupted: %d of %d points written, each row whole\n", written, count))
    return EXIT_INTERRUPTED
  end
  if failed > 0 then
    io.stderr:write(string.format("budget: %d of %d points failed; their rows say why\n", failed, count))
    return EXIT_BAD
  end
  return errors > 0 and EXIT_VIOLATIONS or EXIT_DONE
end

-- }==================================================================

return M
