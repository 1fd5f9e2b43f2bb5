-- expect: 3 attempt to call a nil value (field 'dump')
-- string.dump is gone: the engine's own functions as bytecode are nothing a script needs
print(#string.dump(model.scenario))
