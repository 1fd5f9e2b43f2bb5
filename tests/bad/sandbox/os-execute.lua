-- expect: 3 attempt to index a nil value (global 'os')
-- os.execute runs commands: not in the sandbox
os.execute('touch /tmp/sandbox-escaped')
