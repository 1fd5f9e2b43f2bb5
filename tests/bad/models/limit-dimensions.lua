-- expect: 4 the model has more than 64 dimensions (the limit); dimension "维度65" passes it
-- the core holds a model's dimensions in an array of 64 (MODEL_MAX_DIMS, engine/core/model.h)
for i = 1, 65 do
  dimension ("维度" .. i) { {"成员"} }
end
