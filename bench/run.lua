-- bench/run.lua: 'make bench'. For each N it generates the synthetic budget (bench/gen.c)
-- once, measures the engine's in-process phases (bench/phases.lua) and then, whole process,
-- load + every account's total for the engine ('budget totals') and for what an analyst
-- would use instead: ledger and hledger ('bal', every account), beancount ('bean-report
-- balances') and a pandas script (bench/peer_pandas.py). Whole-process times are
-- hyperfine's (median, min–max over the runs); peak memory is /usr/bin/time's maximum RSS.
-- Prints the tables as Markdown and writes them to BUILD/bench/results.md.
-- Environment: BENCH_SIZES ("1000 10000 100000 1000000"), BENCH_REPS (5), BENCH_PEER_REPS_BIG
-- (1: runs of the peers at N ≥ 1,000,000, where one run of hledger takes minutes), BUILD (build).
local build = os.getenv("BUILD") or "build"
local sizes = os.getenv("BENCH_SIZES") or "1000 10000 100000 1000000"
local reps = tonumber(os.getenv("BENCH_REPS") or "5")
local big_reps = tonumber(os.getenv("BENCH_PEER_REPS_BIG") or "1")
local tmp = os.tmpname()

local function sh(cmd)
  local p = assert(io.popen(cmd, "r"))
  local out = p:read("a")
  local ok, _, code = p:close()
  if not ok then error(string.format("bench: '%s' failed (exit %s):\n%s", cmd, tostring(code), out), 0) end
  return out
end

local function q(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

-- Whole process: {median, min, max} seconds over 'runs' runs, and the peak RSS in bytes.
local function whole(cmd, runs)
  local mem = tmp .. ".mem"
  local csv = tmp .. ".csv"
  sh(string.format("hyperfine --style none --warmup %d --runs %d --export-csv %s %s >/dev/null 2>&1",
                   runs > 1 and 1 or 0, runs, q(csv), q("/usr/bin/time -f %M -o " .. mem .. " " .. cmd)))
  local row = select(2, io.open(csv):read("a"):match("^([^\n]*)\n([^\n]*)"))
  local fields = {}
  for f in (row .. ","):gmatch("([^,]*),") do fields[#fields + 1] = f end
  -- command,mean,stddev,median,user,system,min,max
  local kb = tonumber(io.open(mem):read("a"):match("(%d+)%s*$"))
  os.remove(mem)
  os.remove(csv)
  return { median = tonumber(fields[#fields - 4]), min = tonumber(fields[#fields - 1]),
           max = tonumber(fields[#fields]), rss = kb * 1024 }
end

local function secs(t)
  if t >= 1 then return string.format("%.2f s", t) end
  if t >= 0.001 then return string.format("%.1f ms", t * 1e3) end
  return string.format("%.0f µs", t * 1e6)
end
local function spread(m, lo, hi) return string.format("%s (%s–%s)", secs(m), secs(lo), secs(hi)) end
local function mb(b) return string.format("%.0f MB", b / 1e6) end
local function grouped(n) return tostring(n):reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "") end

local peers = {
  { name = "ledger", cmd = function(d) return "ledger -f " .. d .. "/journal.ledger bal" end },
  { name = "hledger", cmd = function(d) return "hledger -f " .. d .. "/journal.ledger bal --tree" end },
  { name = "beancount", cmd = function(d) return "bean-report " .. d .. "/journal.beancount balances" end },
  { name = "pandas", cmd = function(d) return "/usr/bin/python3 bench/peer_pandas.py " .. d end },
}

local inproc = { "| N | load | every total | 5% cut + re-total | model bytes / leaf |",
                 "|---:|---:|---:|---:|---:|" }
local proc = { "| N | engine | ledger | hledger | beancount | pandas |", "|---:|---:|---:|---:|---:|---:|" }
local ratios = { "| N | ledger / engine | hledger / engine | beancount / engine | pandas / engine |",
                 "|---:|---:|---:|---:|---:|" }

for n in sizes:gmatch("%d+") do
  local dir = build .. "/bench/" .. n
  if not io.open(dir .. "/model.lua") then sh("mkdir -p " .. dir .. " && " .. build .. "/bench/gen " .. n .. " " .. dir) end
  io.stderr:write(string.format("bench: N = %s: the engine in process\n", grouped(n)))
  local f = {}
  for x in sh(string.format("LUA_CPATH=%s lua5.4 bench/phases.lua %s %s %d", q(build .. "/lua/?.so"),
                            dir .. "/model.lua", n, reps)):gmatch("%S+") do f[#f + 1] = tonumber(x) end
  inproc[#inproc + 1] = string.format("| %s | %s | %s | %s | %.0f |", grouped(n), spread(f[2], f[3], f[4]),
                                      spread(f[5], f[6], f[7]), spread(f[8], f[9], f[10]), f[11] / n)
  -- the pandas script prints what 'budget totals' prints: the two must agree, line for line
  sh(string.format("%s/budget totals %s > %s.engine && /usr/bin/python3 bench/peer_pandas.py %s > %s.pandas && " ..
                   "cmp -s %s.engine %s.pandas", build, dir .. "/model.lua", tmp, dir, tmp, tmp, tmp))
  os.remove(tmp .. ".engine")
  os.remove(tmp .. ".pandas")
  io.stderr:write("bench:   the engine, whole process\n")
  local engine = whole(build .. "/budget totals " .. dir .. "/model.lua", reps)
  local row = { string.format("| %s | %s, %s", grouped(n), spread(engine.median, engine.min, engine.max), mb(engine.rss)) }
  local ratio = { "| " .. grouped(n) }
  for _, p in ipairs(peers) do
    local runs = tonumber(n) >= 1000000 and big_reps or reps
    io.stderr:write(string.format("bench:   %s (%d run%s)\n", p.name, runs, runs == 1 and "" or "s"))
    local r = whole(p.cmd(dir), runs)
    row[#row + 1] = string.format("%s, %s", runs > 1 and spread(r.median, r.min, r.max) or secs(r.median), mb(r.rss))
    ratio[#ratio + 1] = string.format("%.0f×", r.median / engine.median)
  end
  proc[#proc + 1] = table.concat(row, " | ") .. " |"
  ratios[#ratios + 1] = table.concat(ratio, " | ") .. " |"
end

local text = table.concat({
  "In process (the C library's monotonic clock; median (min–max) of " .. reps .. " loads, " .. reps * 4 ..
    " totals and cuts):", "", table.concat(inproc, "\n"), "",
  "Whole process, load + every account's total (hyperfine: median (min–max); peak RSS):", "",
  table.concat(proc, "\n"), "", "Ratios of the medians (how many times the engine's speed):", "",
  table.concat(ratios, "\n"), "" }, "\n")
print(text)
local out = io.open(build .. "/bench/results.md.tmp", "w")
out:write(text)
out:close()
os.rename(build .. "/bench/results.md.tmp", build .. "/bench/results.md")
os.remove(tmp)
