-- expect: 3 attempt to index a nil value (global 'io')
-- io.open reads and writes files
local f = io.open('/etc/passwd')
