-- expect: 3 cannot change a protected metatable
-- the model's metatable is locked
setmetatable(model, {})
