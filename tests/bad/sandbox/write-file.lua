-- expect: 3 attempt to call a nil value (field 'write_file')
-- A sandboxed script may not write files: budget.write_file is the host's, not the script's.
budget.write_file("pwned.txt", "escaped")
