-- expect: 0 the script ran past its limit of 50000000 bytes of memory; raise it with --max-memory
-- printing without end: what a script prints is held until it finishes, so it counts as its memory
-- batch: no (a batch drops what a point prints, so only its step limit would stop it)
-- args: --max-memory 50000000 --max-seconds 1000000000
local line = ("x"):rep(100000)
while true do print(line) end
