-- expect: 0 the script ran past its limit of 50000000 bytes of memory; raise it with --max-memory
-- scenarios without end: each one's copied pages are the script's memory, counted against its limit
-- args: --max-memory 50000000 --max-seconds 1000000000
local keep = {}
while true do
  local s = model:scenario("s" .. #keep)
  s:cut("206", "1%")
  keep[#keep + 1] = s
end
