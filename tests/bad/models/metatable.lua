-- expect: 4 attempt to call a nil value (global 'setmetatable')
-- data that runs code when the engine reads it (here, forever) after the model's instruction limit is over:
-- a model has no setmetatable
dimension "功能分类" (setmetatable({}, { __index = function() while true do end end }))
