-- expect: 5 dimension "功能分类" needs a table: { ... }
-- a model's string library is its own copy: emptying it breaks only the model, and the
-- engine's message for the mistake below (made with the engine's string.format) still comes
string.format = nil
dimension "功能分类" "201"
